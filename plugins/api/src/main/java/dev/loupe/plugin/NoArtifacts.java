package dev.loupe.plugin;

import java.util.Objects;
import java.util.Optional;

/** {@link ArtifactStore#none()}: what a context without a host store offers. */
enum NoArtifacts implements ArtifactStore {
    INSTANCE;

    @Override
    public Optional<byte[]> get(String key) {
        ArtifactStore.checkKey(key);
        return Optional.empty();
    }

    @Override
    public void put(String key, byte[] data) {
        ArtifactStore.checkKey(key);
        Objects.requireNonNull(data, "data");
    }
}
