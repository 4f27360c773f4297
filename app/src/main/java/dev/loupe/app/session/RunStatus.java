package dev.loupe.app.session;

import java.util.Locale;

/** How a run ended. Stored as its lower-case name. */
public enum RunStatus {
    OK, FAILED, CANCELLED;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static RunStatus fromDb(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
