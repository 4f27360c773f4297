package dev.loupe.app.session;

import java.time.Instant;

/**
 * A plugin artifact as a session lists it: whose it is, its key, when it was made, the SHA-256 and size of its bytes,
 * and the run that produced it (null when that is not known).
 */
public record StoredArtifact(String pluginId, String key, Instant createdAt, String sha256, long size, Long runId) {
}
