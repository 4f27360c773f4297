package dev.loupe.app.plugins;

import dev.loupe.app.session.SessionStore;
import dev.loupe.plugin.ArtifactStore;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One plugin's view of a session's artifacts for one model: its keys live under its id, so plugins never see each
 * other's, and under the model's content hash, so data derived from a model is found again wherever the session and
 * the model are opened next (another folder, another machine) and never for other weights under the same path.
 * Entries are saved as soon as they are put (training that took minutes survives a later failure of the same run)
 * and tied to their run once {@link RecordedAnalysis} has recorded it.
 */
public final class SessionArtifacts implements ArtifactStore {
    private final SessionStore session;
    private final String pluginId;
    private final String modelScope;
    private final Set<String> put = new LinkedHashSet<>();

    /** @param modelSha256 the content hash of the model's weights (as the session records it) */
    public SessionArtifacts(SessionStore session, String pluginId, String modelSha256) {
        this.session = Objects.requireNonNull(session, "session");
        this.pluginId = Objects.requireNonNull(pluginId, "pluginId");
        // 16 hex digits (64 bits) tell models apart and keep keys well under the length limit.
        this.modelScope = "model-" + modelSha256.substring(0, 16) + "/";
    }

    @Override
    public Optional<byte[]> get(String key) {
        return session.artifact(pluginId, scoped(key));
    }

    @Override
    public synchronized void put(String key, byte[] data) {
        String scoped = scoped(key);
        session.putArtifact(pluginId, scoped, data, null);
        put.add(scoped);
    }

    private String scoped(String key) {
        return modelScope + ArtifactStore.checkKey(key);
    }

    /** The keys put through this store, in order. */
    public synchronized List<String> keysPut() {
        return new ArrayList<>(put);
    }

    /** Records {@code runId} as the producer of everything put through this store. */
    public void attributeTo(long runId) {
        session.attributeArtifacts(pluginId, keysPut(), runId);
    }
}
