package dev.loupe.app.session;

import java.time.Instant;

/**
 * About the session file itself.
 *
 * @param createdBy  the Loupe version that created the file
 * @param appVersion the Loupe version that last saved it
 */
public record SessionMeta(int schemaVersion, Instant created, Instant modified, String createdBy, String appVersion) {
}
