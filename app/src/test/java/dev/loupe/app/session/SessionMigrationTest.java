package dev.loupe.app.session;

import static dev.loupe.app.session.SessionStoreTest.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.engine.LoupeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user_version migration mechanism, driven by a test-only step appended to the real list, exactly as a future
 * release would append its step; and the real steps on a file written by the first release (version 1).
 */
class SessionMigrationTest {

    @TempDir
    Path tmp;

    /** What the first release knew: a file made with these is a real version 1 session. */
    private static final List<Migration> V1 = Schema.MIGRATIONS.subList(0, 1);
    /** What version 2 knew: inputs were text or token ids, with no kind column. */
    private static final List<Migration> V2 = Schema.MIGRATIONS.subList(0, 2);
    private static final int LATEST = Schema.latest(Schema.MIGRATIONS);
    /** The version a future release would append. */
    private static final int NEXT = LATEST + 1;

    private final AtomicInteger nextRuns = new AtomicInteger();

    /** A plausible next step: run tags, with existing runs backfilled from their status. */
    private final Migration tagsNext = new Migration(NEXT, "run tags", c -> {
        nextRuns.incrementAndGet();
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE runs ADD COLUMN tag TEXT NOT NULL DEFAULT ''");
            s.execute("UPDATE runs SET tag = 'was-' || status");
        }
    });

    private List<Migration> withNext(Migration next) {
        List<Migration> list = new ArrayList<>(Schema.MIGRATIONS);
        list.add(next);
        return list;
    }

    /**
     * An input row as versions 1 and 2 wrote it (no kind, no image columns), with their content key: the sha256 of
     * the canonical JSON of text, token ids and labels, nulls left out.
     */
    private static long insertReleasedInput(Path db, String text, String tokenIdsJson, String labelsJson)
            throws Exception {
        String canonical = "{" + (text == null ? "" : "\"text\":\"" + text + "\",") + "\"token_ids\":" + tokenIdsJson
                + ",\"token_labels\":" + labelsJson + "}";
        String key = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        try (Connection c = raw(db); PreparedStatement ps = c.prepareStatement("INSERT INTO inputs(text, token_ids,"
                + " token_labels, content_key, recorded_at) VALUES (?, ?, ?, ?, 0)")) {
            ps.setString(1, text);
            ps.setString(2, tokenIdsJson);
            ps.setString(3, labelsJson);
            ps.setString(4, key);
            ps.executeUpdate();
        }
        try (Connection c = raw(db); Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT max(id) FROM inputs")) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void aV2FileBecomesV3WithItsInputsAsTextInputs() throws Exception {
        Path db = tmp.resolve("v2.db");
        long prompt;
        long tokens;
        try (SessionStore s = SessionStore.create(db, V2)) {
            prompt = insertReleasedInput(db, "w1 w2", "[1,2]", "[\"w1\",\"w2\"]");
            tokens = insertReleasedInput(db, null, "[5,6,7]", "[\"a\",\"b\",\"c\"]");
            s.recordRun(Fixtures.okRun(null, prompt, 1, Fixtures.scores()));
            s.recordRun(Fixtures.okRun(null, tokens, 2, Fixtures.scores()));
        }
        try (SessionStore s = SessionStore.open(db)) {
            assertEquals(LATEST, s.schemaVersion());
            assertEquals(InputRecord.ofText("w1 w2", new long[] {1, 2}, List.of("w1", "w2")), s.input(prompt).orElseThrow());
            assertEquals(InputRecord.ofTokens(new long[] {5, 6, 7}, List.of("a", "b", "c")), s.input(tokens).orElseThrow());
            assertEquals(List.of(prompt, tokens), s.runs().stream().map(StoredRun::inputId).toList());
            assertEquals(prompt, s.recordInput(InputRecord.ofText("w1 w2", new long[] {1, 2}, List.of("w1", "w2"))),
                    "an old input recorded again is the same row: its content key is unchanged");
            assertEquals(tokens, s.recordInput(InputRecord.ofTokens(new long[] {5, 6, 7}, List.of("a", "b", "c"))));
            InputRecord image = SessionStoreTest.image(null);
            long imageId = s.recordInput(image);
            assertEquals(image, s.input(imageId).orElseThrow(), "and the upgraded table takes an image");
            assertEquals("1", s.pragma("foreign_keys"));
        }
        try (Connection c = raw(db); Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT kind, count(*) FROM inputs GROUP BY kind ORDER BY kind")) {
            assertTrue(r.next());
            assertEquals("image", r.getString(1));
            assertEquals(1, r.getInt(2));
            assertTrue(r.next());
            assertEquals("text", r.getString(1));
            assertEquals(2, r.getInt(2));
        }
    }

    private Path v1File() {
        Path db = tmp.resolve("v1.db");
        try (SessionStore s = SessionStore.create(db, V1)) {
            long id = s.recordRun(Fixtures.okRun(null, null, 1, Fixtures.scores()));
            s.setNotes(id, "from version 1");
        }
        return db;
    }

    @Test
    void aV1FileBecomesV2WithArtifactsAndKeepsItsData() throws Exception {
        Path db = tmp.resolve("v1.db");
        Path modelDir = Fixtures.fakeModel(tmp.resolve("model"), 500, 2);
        com.google.gson.JsonObject ws = new com.google.gson.JsonObject();
        ws.addProperty("open", "run:1");
        try (SessionStore s = SessionStore.create(db, V1)) {
            long model = s.recordModel(modelDir, "gpt2", null);
            long input = insertReleasedInput(db, null, "[1,2]", "[\"a\",\"b\"]");
            long id = s.recordRun(Fixtures.okRun(model, input, 3, Fixtures.matrix(4, 5, 3)));
            s.setNotes(id, "from version 1");
            s.saveWorkspace(ws);
        }
        try (Connection c = raw(db); Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'artifacts'")) {
            assertEquals(1, SqliteFiles.pragmaInt(c, "user_version"));
            r.next();
            assertEquals(0, r.getInt(1), "a version 1 file has no artifacts table");
        }
        try (SessionStore s = SessionStore.open(db)) {
            assertEquals(LATEST, s.schemaVersion());
            StoredRun run = s.runs().get(0);
            assertEquals("from version 1", run.notes());
            assertEquals(Fixtures.json(Fixtures.matrix(4, 5, 3)), Fixtures.json(s.result(run.id()).orElseThrow()));
            assertEquals(modelDir.toAbsolutePath(), s.model(run.modelId()).orElseThrow().path());
            assertEquals(List.of("a", "b"), s.input(run.inputId()).orElseThrow().tokenLabels());
            assertEquals(ws, s.workspace().orElseThrow());
            assertEquals(List.of(), s.artifacts());
            s.putArtifact("loupe.tuned-lens", "translators/x", new byte[] {7, 8}, run.id());
        }
        try (SessionStore s = SessionStore.open(db)) {
            assertEquals(LATEST, s.meta().schemaVersion());
            assertEquals(1, s.runs().size());
            assertEquals(1L, s.artifacts().get(0).runId());
            assertEquals(2, s.artifact("loupe.tuned-lens", "translators/x").orElseThrow().length);
        }
    }

    @Test
    void aV1FileIsUpgradedByTheAppendedStepOnce() throws Exception {
        Path db = v1File();
        try (Connection c = raw(db)) {
            assertEquals(1, SqliteFiles.pragmaInt(c, "user_version"));
        }
        try (SessionStore s = SessionStore.open(db, withNext(tagsNext))) {
            assertEquals(NEXT, s.schemaVersion());
            assertEquals(NEXT, s.meta().schemaVersion());
            assertEquals("from version 1", s.runs().get(0).notes(), "data survives the upgrade");
            assertEquals(Fixtures.json(Fixtures.scores()), Fixtures.json(s.result(1).orElseThrow()));
            s.recordRun(Fixtures.okRun(null, null, 2, Fixtures.scores())); // and the upgraded file takes new runs
            assertEquals("1", s.pragma("foreign_keys"), "foreign keys are back on after the upgrade");
        }
        try (SessionStore s = SessionStore.open(db, withNext(tagsNext))) {
            assertEquals(2, s.runs().size());
        }
        assertEquals(1, nextRuns.get(), "a step runs once per file");
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
        try (SessionStore s = SessionStore.create(tmp.resolve("new.db"), withNext(tagsNext))) {
            assertEquals(NEXT, s.meta().schemaVersion());
            assertEquals(List.of(), s.artifacts(), "and the real steps before it");
        }
        assertEquals(1, nextRuns.get());
    }

    @Test
    void aFailingStepLeavesTheFileAtItsOldVersion() throws Exception {
        Path db = v1File();
        Migration broken = new Migration(NEXT, "half-done", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE half_done(x)");
                s.execute("ALTER TABLE no_such_table ADD COLUMN y TEXT");
            }
        });
        LoupeException e = assertThrows(LoupeException.class, () -> SessionStore.open(db, withNext(broken)));
        assertTrue(e.getMessage().contains("cannot upgrade the session from schema version 1 to " + NEXT + " (step "
                + NEXT + ", half-done)"), e.getMessage());
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
        Migration dangling = new Migration(NEXT, "bad backfill", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("UPDATE runs SET model_id = 99");
            }
        });
        LoupeException e = assertThrows(LoupeException.class, () -> SessionStore.open(db, withNext(dangling)));
        assertTrue(e.getMessage().contains("dangling reference in table runs"), e.getMessage());
        try (SessionStore s = SessionStore.open(db)) {
            assertEquals(null, s.runs().get(0).modelId());
        }
    }

    @Test
    void aFileFromANewerSchemaIsRefusedAndLeftAsItWas() throws SQLException {
        Path db = v1File();
        SessionStore.open(db, withNext(tagsNext)).close();
        LoupeException e = assertThrows(LoupeException.class, () -> SessionStore.open(db));
        assertTrue(e.getMessage().contains("newer Loupe (session schema version " + NEXT + "; this Loupe reads up to version "
                + LATEST + ")"), e.getMessage());
        try (Connection c = raw(db)) {
            assertEquals(NEXT, SqliteFiles.pragmaInt(c, "user_version"));
        }
        // The first release, given a file with artifacts, says so too.
        Path current = tmp.resolve("current.db");
        SessionStore.create(current).close();
        LoupeException old = assertThrows(LoupeException.class, () -> SessionStore.open(current, V1));
        assertTrue(old.getMessage().contains("session schema version " + LATEST + "; this Loupe reads up to version 1"),
                old.getMessage());
    }

    @Test
    void migrationListsMustCountUpWithoutGaps() {
        Migration skipping = new Migration(NEXT + 1, "skips one", c -> { });
        List<Migration> gap = new ArrayList<>(Schema.MIGRATIONS);
        gap.add(skipping);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SessionStore.create(tmp.resolve("x.db"), gap));
        assertTrue(e.getMessage().contains("without gaps"), e.getMessage());
        assertFalse(tmp.resolve("x.db").toFile().exists());
        assertThrows(IllegalArgumentException.class, () -> new Migration(0, "zero", c -> { }));
    }
}
