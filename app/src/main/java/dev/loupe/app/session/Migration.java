package dev.loupe.app.session;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One step of the session schema: {@code apply} turns a database at {@code version - 1} into one at {@code version}.
 * Steps are only ever appended (see {@link Schema#MIGRATIONS}); a released step never changes, because files
 * written by that release are already at its version.
 */
public record Migration(int version, String description, Step step) {

    @FunctionalInterface
    public interface Step {
        /** Runs inside the upgrade's transaction, with foreign keys off so a step may rebuild tables. */
        void apply(Connection connection) throws SQLException;
    }

    public Migration {
        if (version < 1) {
            throw new IllegalArgumentException("migration versions start at 1, got " + version);
        }
    }
}
