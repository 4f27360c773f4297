package dev.loupe.plugin;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link ArtifactStore#inMemory()}. Copies in and out, so a caller that changes its array changes nothing stored. */
final class InMemoryArtifacts implements ArtifactStore {
    private final Map<String, byte[]> entries = new ConcurrentHashMap<>();

    @Override
    public Optional<byte[]> get(String key) {
        byte[] data = entries.get(ArtifactStore.checkKey(key));
        return data == null ? Optional.empty() : Optional.of(data.clone());
    }

    @Override
    public void put(String key, byte[] data) {
        entries.put(ArtifactStore.checkKey(key), Objects.requireNonNull(data, "data").clone());
    }
}
