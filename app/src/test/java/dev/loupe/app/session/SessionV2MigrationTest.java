package dev.loupe.app.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.loupe.plugin.result.GridResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.ResultCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real v2 session, written by Loupe before binary result blobs (see src/test/resources/sessions/README.md), opens
 * after the change: the migration converts every run's result to a safetensors blob, and each decodes to exactly the
 * result.json the old code wrote for it.
 */
class SessionV2MigrationTest {
    static final Path FIXTURE = Path.of("src/test/resources/sessions/v2-tiny-lm.loupe");
    static final Path EXPECTED = Path.of("src/test/resources/sessions/v2-tiny-lm-expected");

    @TempDir
    Path tmp;

    @Test
    void everyRunOfTheCommittedV2SessionLoadsAsTheOldCodeStoredIt() throws Exception {
        Path copy = tmp.resolve("v2.loupe");
        Files.copy(FIXTURE, copy);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("PRAGMA user_version")) {
            assertEquals(2, r.getInt(1), "the fixture is a v2 file");
        }
        try (SessionStore store = SessionStore.open(copy)) {
            List<StoredRun> runs = store.runs();
            assertEquals(8, runs.size());
            for (StoredRun run : runs) {
                Result result = store.result(run.id()).orElseThrow();
                String expected = Files.readString(EXPECTED.resolve("run-" + run.id() + ".json"));
                // Both parsed from text, so numbers compare as their shortest round-trip text: every float bit for bit.
                assertEquals(JsonParser.parseString(expected), JsonParser.parseString(ResultCodec.toJsonText(result)),
                        "run " + run.id());
            }
            // Attention patterns, recognised once by the migration, say so; other matrices stay plain heatmaps.
            GridResult grid = (GridResult) store.result(2).orElseThrow();
            assertTrue(grid.cells().stream().allMatch(m -> m.kind().equals(MatrixResult.ATTENTION)));
            assertEquals(MatrixResult.ATTENTION, store.result(3).orElseThrow().viewKind());
            assertEquals(MatrixResult.MATRIX, store.result(1).orElseThrow().viewKind());
            assertEquals(MatrixResult.MATRIX, store.result(8).orElseThrow().viewKind());
            assertEquals(1, store.artifacts().size(), "the tuned lens's translators are kept");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT DISTINCT encoding FROM results")) {
            assertTrue(r.next());
            assertEquals(ResultBlob.SAFETENSORS, r.getString(1));
            assertTrue(!r.next(), "every row converted");
        }
    }

    @Test
    void aDamagedV2ResultStaysAsItWasAndIsStillReportedDamaged() throws Exception {
        Path copy = tmp.resolve("v2.loupe");
        Files.copy(FIXTURE, copy);
        SessionStoreTest.flipResultByte(copy, 6);
        try (SessionStore store = SessionStore.open(copy)) {
            SessionException e = org.junit.jupiter.api.Assertions.assertThrows(SessionException.class, () -> store.result(6));
            assertTrue(e.getMessage().contains("damaged"), e.getMessage());
            assertEquals(JsonParser.parseString(Files.readString(EXPECTED.resolve("run-7.json"))),
                    JsonParser.parseString(ResultCodec.toJsonText(store.result(7).orElseThrow())));
        }
    }
}
