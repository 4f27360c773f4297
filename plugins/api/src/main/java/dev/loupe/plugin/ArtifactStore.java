package dev.loupe.plugin;

import java.util.Optional;

/**
 * Large derived data a plugin keeps so that a result can be reproduced without redoing the expensive part: trained
 * weights (the tuned lens's translators), a fitted probe, statistics gathered over a corpus. Not a place for results
 * (those are the {@link dev.loupe.plugin.result.Result} the host records) nor for settings (those are params).
 *
 * <p>Hosts persist the store in the session, beside the run that produced each entry, so a session reopened or
 * imported elsewhere reproduces the same result without training again. Keys are the plugin's own: the host
 * namespaces them by plugin id, so two plugins never see each other's entries, and by the content hash of the open
 * model's weights, so an entry is found again for the same weights wherever they are opened and never for others.
 * A key should say what else the bytes were derived from (the data and the settings), because the store does not
 * know when an entry is stale. Keys are 1 to {@value #MAX_KEY_LENGTH} characters of letters, digits and {@code . _ - / :}.
 *
 * <p>{@link #get} never hands back damaged bytes: a host that finds an entry whose checksum does not match throws,
 * naming the entry. The bytes themselves are the plugin's format; check them when reading (shapes, sizes), since a
 * session may come from another Loupe or another model of the same name.
 */
public interface ArtifactStore {
    int MAX_KEY_LENGTH = 200;

    /** The bytes stored under {@code key}, or empty when there are none. */
    Optional<byte[]> get(String key);

    /** Stores (or replaces) the bytes under {@code key}. */
    void put(String key, byte[] data);

    /** A store that keeps nothing: every {@code get} is empty. For hosts without a session. */
    static ArtifactStore none() {
        return NoArtifacts.INSTANCE;
    }

    /** A store that keeps entries in memory for as long as it lives (tests, one CLI run without a session). */
    static ArtifactStore inMemory() {
        return new InMemoryArtifacts();
    }

    /** Throws {@link IllegalArgumentException} naming the key unless it is a valid key (see the class comment). */
    static String checkKey(String key) {
        return checkKey(key, MAX_KEY_LENGTH);
    }

    /** As {@link #checkKey(String)} with another length limit (a host's key with its own scope in front). */
    static String checkKey(String key, int maxLength) {
        if (key == null || key.isEmpty() || key.length() > maxLength || !key.matches("[A-Za-z0-9._\\-/:]+")) {
            throw new IllegalArgumentException("artifact key \"" + key + "\" must be 1 to " + maxLength
                    + " characters of letters, digits and . _ - / :");
        }
        return key;
    }
}
