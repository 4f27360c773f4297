package dev.loupe.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.app.session.SessionStore;
import dev.loupe.app.session.StoredArtifact;
import dev.loupe.plugin.result.ComparisonResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.ResultCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's tuned lens end to end on the shipped tiny-lm: {@code analyze --session} trains the translators once and
 * keeps them in the session; the second run, and a run on an exported and imported copy, load them instead of
 * training, and show the same grids beside the logit lens. A damaged stored lens stops the run with its name.
 */
class TunedLensSessionTest {
    private static final Path TINY_LM = Path.of("..", "sample-models", "tiny-lm").toAbsolutePath().normalize();
    private static final String PROMPT = "When Mary and John went to the store , John gave a drink to";
    private static final String LOADED = "translators loaded from the session";

    @TempDir
    Path tmp;

    private CliRun analyze(Path session, String out, String... extra) {
        return analyze(TINY_LM, session, out, extra);
    }

    private CliRun analyze(Path model, Path session, String out, String... extra) {
        List<String> all = new ArrayList<>(List.of("analyze", "--model", model.toString(), "--plugin", "loupe.tuned-lens",
                "--prompt", PROMPT, "--param", "steps=15", "--param", "lr=0.01", "--out", tmp.resolve(out).toString()));
        if (session != null) {
            all.addAll(List.of("--session", session.toString()));
        }
        all.addAll(List.of(extra));
        return CliRun.run(Map.of(), List.of(new AnalyzeCommand(tmp.resolve("no-plugins"))), all.toArray(String[]::new));
    }

    private ComparisonResult result(String out) throws IOException {
        return (ComparisonResult) ResultCodec.fromJsonText(Files.readString(tmp.resolve(out).resolve("result.json")));
    }

    private static void assertSameGrids(ComparisonResult expected, ComparisonResult actual) {
        assertEquals(expected.panels().size(), actual.panels().size());
        for (int p = 0; p < expected.panels().size(); p++) {
            MatrixResult e = expected.panels().get(p);
            MatrixResult a = actual.panels().get(p);
            for (int i = 0; i < e.values().length; i++) {
                assertEquals(Float.floatToIntBits(e.values()[i]), Float.floatToIntBits(a.values()[i]),
                        "panel " + p + " cell " + i + " bit for bit");
            }
            assertEquals(e.cellText(), a.cellText(), "panel " + p + " top-1 tokens");
        }
    }

    @Test
    void theSecondRunInTheSessionLoadsTheTranslatorsInsteadOfTraining() throws Exception {
        assertTrue(Files.isRegularFile(TINY_LM.resolve("config.json")), "the sample model is committed at " + TINY_LM);
        Path session = tmp.resolve("lens.loupe-session");
        analyze(session, "first").assertOk();
        CliRun second = analyze(session, "second").assertOk();
        assertTrue(second.out().contains("recorded as run 2"), second.out());

        ComparisonResult trained = result("first");
        ComparisonResult loaded = result("second");
        assertTrue(trained.panels().get(0).title().startsWith("Logit lens"), trained.panels().get(0).title());
        assertTrue(trained.panels().get(1).title().startsWith("Tuned lens"), trained.panels().get(1).title());
        assertFalse(trained.panels().get(1).stats().containsKey(LOADED), "the first run trains");
        assertEquals(1.0, loaded.panels().get(1).stats().get(LOADED), "the second run loads: " + loaded.panels().get(1).stats());
        assertSameGrids(trained, loaded);
        double before = trained.panels().get(1).stats().get("KL before training (nats)");
        double after = trained.panels().get(1).stats().get("KL after training (nats)");
        assertTrue(after < before, "training lowered the KL: " + before + " -> " + after);
        assertTrue(Files.isRegularFile(tmp.resolve("second").resolve("figure.svg")));
        assertTrue(Files.readString(tmp.resolve("second").resolve("data.csv")).startsWith("panel,row,col,"));

        try (SessionStore s = SessionStore.open(session)) {
            assertEquals(2, s.runs().size());
            List<StoredArtifact> artifacts = s.artifacts();
            assertEquals(1, artifacts.size(), "one set of translators: " + artifacts);
            assertEquals("loupe.tuned-lens", artifacts.get(0).pluginId());
            assertTrue(artifacts.get(0).key().matches("model-[0-9a-f]{16}/translators/[0-9a-f]+"),
                    artifacts.get(0).key());
            assertEquals(1L, artifacts.get(0).runId(), "made by the first run");
            // 4 layers of a 128 x 128 translator and a 128 bias, as F32, plus the safetensors header.
            assertTrue(artifacts.get(0).size() > 4 * (128 * 128 + 128) * 4, "size " + artifacts.get(0).size());
            s.exportTo(tmp.resolve("lens.loupe"));
        }
        // "session show" lists it, for the session and for the run that made it.
        String shown = CliRun.of("session", "show", session.toString()).assertOk().out();
        assertTrue(shown.contains("\"plugin\": \"loupe.tuned-lens\"") && shown.contains("\"made_by_run\": 1"), shown);
        assertTrue(CliRun.of("session", "show", session.toString(), "1").assertOk().out().contains("translators/"));
        assertFalse(CliRun.of("session", "show", session.toString(), "2").assertOk().out().contains("translators/"),
                "run 2 loaded the translators; it did not make them");

        // The session exported and imported elsewhere reproduces the grid without training.
        Path imported = SessionStore.importFrom(tmp.resolve("lens.loupe"), tmp.resolve("imported.loupe-session"));
        analyze(imported, "imported").assertOk();
        assertEquals(1.0, result("imported").panels().get(1).stats().get(LOADED));
        assertSameGrids(trained, result("imported"));
    }

    /** Translators belong to weights, not to a folder: a copy elsewhere finds them, changed weights do not. */
    @Test
    void theSessionFindsItsTranslatorsForTheSameWeightsElsewhereAndNotForOtherWeights() throws Exception {
        Path session = tmp.resolve("lens.loupe-session");
        analyze(session, "first").assertOk();
        Path copy = Files.createDirectories(tmp.resolve("moved").resolve("tiny-lm"));
        Path changed = Files.createDirectories(tmp.resolve("changed").resolve("tiny-lm"));
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "corpus.txt")) {
            Files.copy(TINY_LM.resolve(f), copy.resolve(f));
            Files.copy(TINY_LM.resolve(f), changed.resolve(f));
        }
        byte[] weights = Files.readAllBytes(changed.resolve("model.safetensors"));
        weights[weights.length - 3] ^= 0x01; // the last float's low mantissa bits: other weights, same shapes
        Files.write(changed.resolve("model.safetensors"), weights);

        analyze(copy, session, "copy").assertOk();
        assertEquals(1.0, result("copy").panels().get(1).stats().get(LOADED), "same weights in another folder");
        analyze(changed, session, "changed").assertOk();
        assertFalse(result("changed").panels().get(1).stats().containsKey(LOADED), "other weights train their own");
        try (SessionStore s = SessionStore.open(session)) {
            assertEquals(2, s.artifacts().size(), "one lens per set of weights: " + s.artifacts());
        }
    }

    @Test
    void withoutASessionEveryRunTrains() throws Exception {
        analyze(null, "a").assertOk();
        analyze(null, "b").assertOk();
        assertFalse(result("a").panels().get(1).stats().containsKey(LOADED));
        assertFalse(result("b").panels().get(1).stats().containsKey(LOADED));
    }

    @Test
    void aDamagedLensInTheSessionStopsTheRunByName() throws Exception {
        Path session = tmp.resolve("lens.loupe-session");
        analyze(session, "first").assertOk();
        String key;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + session);
                PreparedStatement read = c.prepareStatement("SELECT key, data FROM artifacts");
                ResultSet r = read.executeQuery()) {
            assertTrue(r.next());
            key = r.getString(1);
            byte[] data = r.getBytes(2);
            data[data.length - 5] ^= 0x40; // a weight, as a bad sector would change it
            try (PreparedStatement write = c.prepareStatement("UPDATE artifacts SET data = ?")) {
                write.setBytes(1, data);
                write.executeUpdate();
            }
        }
        analyze(session, "second").assertFails(Cli.FAILED, "loupe.tuned-lens", "artifact loupe.tuned-lens/" + key,
                "is damaged", "set retrain");
        analyze(session, "third", "--param", "retrain=true").assertOk();
        assertFalse(result("third").panels().get(1).stats().containsKey(LOADED), "retrain trains again");
        analyze(session, "fourth").assertOk();
        assertEquals(1.0, result("fourth").panels().get(1).stats().get(LOADED), "and the new lens is stored whole");
    }
}
