package dev.loupe.app.session;

import static dev.loupe.app.session.SessionStoreTest.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.engine.LoupeException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user_version migration mechanism, driven by a test-only version 2 appended to the real list, exactly as a
 * future release would append its step.
 */
class SessionMigrationTest {

    @TempDir
    Path tmp;

    private final AtomicInteger v2Runs = new AtomicInteger();

    /** A plausible v2: run tags, with existing runs backfilled from their status. */
    private final Migration tagsV2 = new Migration(2, "run tags", c -> {
        v2Runs.incrementAndGet();
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE runs ADD COLUMN tag TEXT NOT NULL DEFAULT ''");
            s.execute("UPDATE runs SET tag = 'was-' || status");
        }
    });

    private List<Migration> withV2(Migration v2) {
        List<Migration> list = new ArrayList<>(Schema.MIGRATIONS);
        list.add(v2);
        return list;
    }

    private Path v1File() {
        Path db = tmp.resolve("v1.db");
        try (SessionStore s = SessionStore.create(db)) {
            long id = s.recordRun(Fixtures.okRun(null, null, 1, Fixtures.scores()));
            s.setNotes(id, "from version 1");
        }
        return db;
    }

    @Test
    void aV1FileIsUpgradedByTheAppendedStepOnce() throws Exception {
        Path db = v1File();
        try (Connection c = raw(db)) {
            assertEquals(1, SqliteFiles.pragmaInt(c, "user_version"));
        }
        try (SessionStore s = SessionStore.open(db, withV2(tagsV2))) {
            assertEquals(2, s.schemaVersion());
            assertEquals(2, s.meta().schemaVersion());
            assertEquals("from version 1", s.runs().get(0).notes(), "data survives the upgrade");
            assertEquals(Fixtures.json(Fixtures.scores()), Fixtures.json(s.result(1).orElseThrow()));
            s.recordRun(Fixtures.okRun(null, null, 2, Fixtures.scores())); // and the upgraded file takes new runs
            assertEquals("1", s.pragma("foreign_keys"), "foreign keys are back on after the upgrade");
        }
        try (SessionStore s = SessionStore.open(db, withV2(tagsV2))) {
            assertEquals(2, s.runs().size());
        }
        assertEquals(1, v2Runs.get(), "a step runs once per file");
        try (Connection c = raw(db); Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT tag FROM runs ORDER BY id")) {
            assertTrue(r.next());
            assertEquals("was-ok", r.getString(1));
            assertTrue(r.next());
            assertEquals("", r.getString(1));
        }
    }

    @Test
    void aNewFileGetsEveryStepAtOnce() {
        try (SessionStore s = SessionStore.create(tmp.resolve("new.db"), withV2(tagsV2))) {
            assertEquals(2, s.meta().schemaVersion());
        }
        assertEquals(1, v2Runs.get());
    }

    @Test
    void aFailingStepLeavesTheFileAtItsOldVersion() throws Exception {
        Path db = v1File();
        Migration broken = new Migration(2, "half-done", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE half_done(x)");
                s.execute("ALTER TABLE no_such_table ADD COLUMN y TEXT");
            }
        });
        LoupeException e = assertThrows(LoupeException.class, () -> SessionStore.open(db, withV2(broken)));
        assertTrue(e.getMessage().contains("cannot upgrade the session from schema version 1 to 2 (step 2, half-done)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("the file is unchanged"), e.getMessage());
        try (Connection c = raw(db); Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'")) {
            assertEquals(1, SqliteFiles.pragmaInt(c, "user_version"));
            r.next();
            assertEquals(0, r.getInt(1), "the step's first statement was rolled back");
        }
        try (SessionStore s = SessionStore.open(db)) {
            assertEquals(1, s.runs().size());
        }
    }

    @Test
    void anUpgradeMayNotLeaveDanglingReferences() throws Exception {
        Path db = v1File();
        Migration dangling = new Migration(2, "bad backfill", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("UPDATE runs SET model_id = 99");
            }
        });
        LoupeException e = assertThrows(LoupeException.class, () -> SessionStore.open(db, withV2(dangling)));
        assertTrue(e.getMessage().contains("dangling reference in table runs"), e.getMessage());
        try (SessionStore s = SessionStore.open(db)) {
            assertEquals(null, s.runs().get(0).modelId());
        }
    }

    @Test
    void aV2FileIsRefusedByALoupeThatKnowsOnlyV1() throws SQLException {
        Path db = v1File();
        SessionStore.open(db, withV2(tagsV2)).close();
        LoupeException e = assertThrows(LoupeException.class, () -> SessionStore.open(db));
        assertTrue(e.getMessage().contains("newer Loupe (session schema version 2; this Loupe reads up to version 1)"),
                e.getMessage());
        try (Connection c = raw(db)) {
            assertEquals(2, SqliteFiles.pragmaInt(c, "user_version"));
        }
    }

    @Test
    void migrationListsMustCountUpWithoutGaps() {
        Migration v3 = new Migration(3, "skips 2", c -> { });
        List<Migration> gap = new ArrayList<>(Schema.MIGRATIONS);
        gap.add(v3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SessionStore.create(tmp.resolve("x.db"), gap));
        assertTrue(e.getMessage().contains("without gaps"), e.getMessage());
        assertFalse(tmp.resolve("x.db").toFile().exists());
        assertThrows(IllegalArgumentException.class, () -> new Migration(0, "zero", c -> { }));
    }
}
