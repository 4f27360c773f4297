package dev.loupe.app.session;

import static dev.loupe.app.session.SessionStoreTest.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session's text fields that carry no checksum, damaged by hand: each read names the file, table, row and
 * column, never a Gson exception, and one bad run does not hide the others.
 */
class UncheckedFieldsTest {
    @TempDir
    Path tmp;

    private Path file;
    private long modelId;

    @BeforeEach
    void session() throws Exception {
        file = tmp.resolve("s.loupe");
        try (SessionStore s = SessionStore.create(file)) {
            JsonObject info = new JsonObject();
            info.addProperty("layers", 4);
            modelId = s.recordModel(Fixtures.fakeModel(tmp.resolve("model"), 64, 1), "gpt2", info);
            for (int i = 0; i < 3; i++) {
                s.recordRun(Fixtures.okRun(modelId, null, i, Fixtures.scores()));
            }
            s.saveWorkspace(new JsonObject());
        }
    }

    private void set(String sql, Object... args) throws Exception {
        try (Connection c = raw(file); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            assertEquals(1, ps.executeUpdate(), sql);
        }
    }

    @Test
    void aDamagedRunIsListedAsDamagedAndTheOthersStillList() throws Exception {
        set("UPDATE runs SET params_json = ? WHERE id = 2", "{\"layer\": ");
        try (SessionStore s = SessionStore.open(file)) {
            List<StoredRun> runs = s.runs();
            assertEquals(3, runs.size());
            assertFalse(runs.get(0).isDamaged());
            assertTrue(runs.get(1).isDamaged());
            assertTrue(runs.get(1).damage().startsWith(file + ": table runs, row 2, column params_json: is not valid JSON"),
                    runs.get(1).damage());
            assertFalse(runs.get(2).isDamaged());
            assertTrue(runs.get(1).toJson().has("damaged"));
        }
        set("UPDATE runs SET params_json = ? WHERE id = 2", "[1, 2]");
        try (SessionStore s = SessionStore.open(file)) {
            assertEquals(file + ": table runs, row 2, column params_json: must be a JSON object, found \"[1, 2]\"",
                    s.runs().get(1).damage());
        }
    }

    @Test
    void damagedModelCachesAreDroppedNotFatal() throws Exception {
        set("UPDATE models SET files_json = ?, info_json = ? WHERE id = ?", "[{\"path\": 3", "\"not an object\"", modelId);
        try (SessionStore s = SessionStore.open(file)) {
            StoredModel m = s.model(modelId).orElseThrow();
            assertTrue(m.files().isEmpty(), "a damaged file list is dropped, so the model is rehashed");
            assertEquals(null, m.info());
        }
    }

    @Test
    void damagedMetadataAndWorkspaceNameTheirPlace() throws Exception {
        set("UPDATE session_meta SET value = ? WHERE key = 'created'", "yesterday");
        set("UPDATE workspace SET state_json = ? WHERE id = 1", "{{{");
        try (SessionStore s = SessionStore.open(file)) {
            SessionException meta = assertThrows(SessionException.class, s::meta);
            assertEquals(file + ": table session_meta, key \"created\", column value: must be a time in milliseconds,"
                    + " found \"yesterday\"", meta.getMessage());
            SessionException ws = assertThrows(SessionException.class, s::workspace);
            assertTrue(ws.getMessage().startsWith(file + ": table workspace, row 1, column state_json: is not valid JSON"),
                    ws.getMessage());
            assertEquals(3, s.runs().size(), "the runs still list");
        }
    }
}
