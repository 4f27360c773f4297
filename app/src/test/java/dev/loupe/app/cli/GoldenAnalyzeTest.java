package dev.loupe.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden tests in MZmine's style: run a plugin from the CLI on the shipped tiny-lm and compare its result.json with
 * the expected file in src/test/resources/golden/, numbers within a tolerance, everything else exactly. A change in
 * the numbers is then a visible diff in review. Regenerate deliberately with -Dloupe.golden.update=true.
 */
class GoldenAnalyzeTest {
    private static final double TOLERANCE = 1e-4;
    private static final Path TINY_LM = Path.of("..", "sample-models", "tiny-lm").toAbsolutePath().normalize();
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");

    @TempDir
    Path tmp;

    static Stream<Arguments> runs() {
        String ioi = "When Mary and John went to the store , John gave a drink to";
        return Stream.of(
                Arguments.of("logit-lens", List.of("--plugin", "loupe.logit-lens", "--prompt", ioi)),
                Arguments.of("attention-l1", List.of("--plugin", "loupe.attention", "--prompt", ioi,
                        "--param", "layer=1", "--param", "aggregate=mean-over-heads")),
                Arguments.of("head-stats", List.of("--plugin", "loupe.head-stats", "--prompt", ioi)),
                Arguments.of("dla", List.of("--plugin", "loupe.dla", "--prompt", ioi, "--param", "target=Mary",
                        "--param", "contrast=John")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void analyzeOnTinyLmMatchesTheGoldenFile(String name, List<String> args) throws IOException {
        assertTrue(Files.isRegularFile(TINY_LM.resolve("config.json")), "the sample model is committed at " + TINY_LM);
        Path out = tmp.resolve(name);
        List<String> all = new ArrayList<>(List.of("analyze", "--model", TINY_LM.toString(), "--out", out.toString()));
        all.addAll(args);
        CliRun.run(Map.of(), List.of(new AnalyzeCommand(tmp.resolve("no-plugins"))), all.toArray(String[]::new))
                .assertOk();
        JsonElement actual = JsonParser.parseString(Files.readString(out.resolve("result.json")));
        Path golden = GOLDEN.resolve(name + ".json");
        if (Boolean.getBoolean("loupe.golden.update")) {
            Files.writeString(golden, Files.readString(out.resolve("result.json")));
        }
        assertTrue(Files.isRegularFile(golden), "no golden file " + golden + " (run with -Dloupe.golden.update=true)");
        JsonElement expected = JsonParser.parseString(Files.readString(golden));
        compare(expected, actual, "$");
    }

    /** Issue 5's check on a trained model: the head-statistics view finds the induction heads tiny-lm's card names. */
    @org.junit.jupiter.api.Test
    void headStatisticsFindTheInductionHeadsTheModelCardNames() throws IOException {
        Path out = tmp.resolve("stats");
        CliRun.run(Map.of(), List.of(new AnalyzeCommand(tmp.resolve("no-plugins"))), "analyze", "--model",
                TINY_LM.toString(), "--plugin", "loupe.head-stats", "--prompt", "the store", "--out", out.toString())
                .assertOk();
        JsonArray rows = JsonParser.parseString(Files.readString(out.resolve("result.json"))).getAsJsonObject()
                .getAsJsonArray("rows");
        List<String> byInduction = new ArrayList<>();
        rows.forEach(r -> byInduction.add(r.getAsJsonArray().get(0).getAsInt() + ":" + r.getAsJsonArray().get(1).getAsInt()
                + ":" + r.getAsJsonArray().get(5).getAsDouble()));
        byInduction.sort((a, b) -> Double.compare(Double.parseDouble(b.split(":")[2]), Double.parseDouble(a.split(":")[2])));
        JsonArray card = JsonParser.parseString(Files.readString(TINY_LM.resolve("metrics.json"))).getAsJsonObject()
                .getAsJsonArray("induction_scores");
        List<String> cardHeads = new ArrayList<>();
        for (int l = 0; l < card.size(); l++) {
            for (int h = 0; h < card.get(l).getAsJsonArray().size(); h++) {
                if (card.get(l).getAsJsonArray().get(h).getAsDouble() >= 0.5) {
                    cardHeads.add("L" + l + "H" + h);
                }
            }
        }
        List<String> top = byInduction.subList(0, cardHeads.size()).stream()
                .map(s -> "L" + s.split(":")[0] + "H" + s.split(":")[1]).sorted().toList();
        assertEquals(cardHeads.stream().sorted().toList(), top, "top induction heads in the view: " + byInduction);
    }

    /** Structural equality, numbers within {@link #TOLERANCE} (relative to max(1, |expected|)). */
    static void compare(JsonElement expected, JsonElement actual, String path) {
        if (expected.isJsonObject()) {
            assertTrue(actual.isJsonObject(), path + " should be an object");
            JsonObject e = expected.getAsJsonObject();
            JsonObject a = actual.getAsJsonObject();
            assertEquals(e.keySet(), a.keySet(), path + " keys");
            for (String k : e.keySet()) {
                compare(e.get(k), a.get(k), path + "." + k);
            }
        } else if (expected.isJsonArray()) {
            assertTrue(actual.isJsonArray(), path + " should be an array");
            JsonArray e = expected.getAsJsonArray();
            JsonArray a = actual.getAsJsonArray();
            assertEquals(e.size(), a.size(), path + " length");
            for (int i = 0; i < e.size(); i++) {
                compare(e.get(i), a.get(i), path + "[" + i + "]");
            }
        } else if (expected.isJsonPrimitive() && expected.getAsJsonPrimitive().isNumber()) {
            double e = expected.getAsDouble();
            double a = actual.getAsDouble();
            assertTrue(Math.abs(e - a) <= TOLERANCE * Math.max(1, Math.abs(e)), path + ": expected " + e + ", got " + a);
        } else {
            assertEquals(expected, actual, path);
        }
    }
}
