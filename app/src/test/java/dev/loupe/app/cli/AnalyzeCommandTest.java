package dev.loupe.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.app.plugins.PluginJars;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.ResultCodec;
import dev.loupe.plugin.result.TableResult;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loupe analyze} end to end on a random GPT-2 checkpoint: files written, errors as one line. */
class AnalyzeCommandTest {
    @TempDir
    static Path tmp;
    static Path model;
    static Path noUserPlugins;

    @BeforeAll
    static void checkpoint() {
        model = TestCheckpoints.write(tmp.resolve("gpt2"), TestCheckpoints.Spec.gpt2());
        noUserPlugins = tmp.resolve("no-user-plugins");
    }

    static CliRun analyze(Path pluginDir, String... args) {
        List<String> all = new ArrayList<>(List.of("analyze"));
        all.addAll(List.of(args));
        return CliRun.run(Map.of(), List.of(new AnalyzeCommand(pluginDir)), all.toArray(String[]::new));
    }

    static CliRun analyze(String... args) {
        return analyze(noUserPlugins, args);
    }

    static Result readResult(Path out) throws IOException {
        return ResultCodec.fromJsonText(Files.readString(out.resolve("result.json")));
    }

    @Test
    void recordsEachRunInTheSessionWithItsProvenance() throws IOException {
        Path session = tmp.resolve("analyses.loupe-session");
        Path out = tmp.resolve("out-session");
        analyze("--model", model.toString(), "--plugin", "loupe.activations", "--prompt", "w3 w9 w2",
                "--param", "hook=blocks.1.hook_mlp_out", "--session", session.toString(), "--out", out.toString())
                .assertOk();
        CliRun second = analyze("--model", model.toString(), "--plugin", "loupe.activations", "--tokens", "4,5",
                "--session", session.toString(), "--out", tmp.resolve("out-session-2").toString()).assertOk();
        assertTrue(second.out().contains("recorded as run 2"), second.out());
        try (var store = dev.loupe.app.session.SessionStore.open(session)) {
            var runs = store.runs();
            assertEquals(2, runs.size());
            var first = runs.get(0);
            assertEquals("loupe.activations", first.pluginId());
            assertEquals("blocks.1.hook_mlp_out", first.params().get("hook").getAsString());
            assertEquals(ResultCodec.toJson(readResult(out)), ResultCodec.toJson(store.result(first.id()).orElseThrow()),
                    "the session holds the same result as result.json");
            assertEquals(1, store.models().size(), "one model, recorded once");
        }
    }

    @Test
    void writesResultDataAndFigures() throws IOException {
        Path out = tmp.resolve("out-default");
        CliRun r = analyze("--model", model.toString(), "--plugin", "loupe.activations", "--prompt", "w3 w9 w2",
                "--out", out.toString()).assertOk();
        assertTrue(r.out().contains("wrote result.json, data.csv, figure.png, figure.svg to " + out), r.out());
        assertEquals("", r.err());

        MatrixResult m = (MatrixResult) readResult(out);
        assertEquals(List.of("w3", "w9", "w2"), m.rowLabels());
        try (LoupeModel lm = LoupeModel.open(model);
                RunResult run = lm.run(RunRequest.of(3, 9, 2).capture("blocks.0.hook_resid_post"))) {
            assertArrayEquals(run.cache().floats("blocks.0.hook_resid_post"), m.values(), "the default hook's activation");
        }

        List<String> csv = Files.readAllLines(out.resolve("data.csv"));
        assertEquals(1 + 3, csv.size());
        assertTrue(csv.get(0).startsWith("token,d0,d1,"), csv.get(0));
        String[] row = csv.get(2).split(",");
        assertEquals("w9", row[0]);
        assertEquals(1 + 32, row.length);
        for (int c = 0; c < 32; c++) {
            assertEquals(m.get(1, c), Float.parseFloat(row[c + 1]), "csv cell " + c);
        }

        BufferedImage png = ImageIO.read(out.resolve("figure.png").toFile());
        assertNotNull(png, "figure.png is a PNG");
        assertTrue(png.getWidth() > 50 && png.getHeight() > 50);
        String svg = Files.readString(out.resolve("figure.svg"));
        assertTrue(svg.contains("<svg"), svg.substring(0, Math.min(200, svg.length())));
    }

    @Test
    void tokensAndParams() throws IOException {
        Path out = tmp.resolve("out-pattern");
        analyze("--model", model.toString(), "--plugin", "loupe.activations", "--tokens", "1,2,3",
                "--param", "hook=blocks.1.attn.hook_pattern", "--param", "head=2", "--out", out.toString()).assertOk();
        MatrixResult m = (MatrixResult) readResult(out);
        // Token ids are labelled with what the tokenizer decodes them to.
        assertEquals(List.of("w1", "w2", "w3"), m.rowLabels());
        assertEquals(List.of("w1", "w2", "w3"), m.colLabels());
        for (int q = 0; q < 3; q++) {
            double sum = 0;
            for (int k = 0; k < 3; k++) {
                sum += m.get(q, k);
            }
            assertEquals(1.0, sum, 1e-5);
        }
        assertTrue(m.title().contains("head 2"), m.title());
    }

    @Test
    void rerunOverwritesAndLeavesNoTemporaryFiles() throws IOException {
        Path out = tmp.resolve("out-twice");
        for (String prompt : List.of("w1 w2 w3 w4", "w5")) {
            analyze("--model", model.toString(), "--plugin", "loupe.activations", "--prompt", prompt, "--out", out.toString())
                    .assertOk();
        }
        assertEquals(List.of("w5"), ((MatrixResult) readResult(out)).rowLabels());
        try (var files = Files.list(out)) {
            assertEquals(List.of("data.csv", "figure.png", "figure.svg", "result.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void commandLineErrorsBeforeLoadingAnything() throws IOException {
        String m = model.toString();
        String o = tmp.resolve("never").toString();
        analyze("--model", m, "--plugin", "acme.nothing", "--prompt", "w1", "--out", o)
                .assertFails(Cli.USAGE, "no plugin \"acme.nothing\"", "loupe.activations");
        analyze("--model", m, "--plugin", "loupe.activations", "--prompt", "w1", "--param", "colour=red", "--out", o)
                .assertFails(Cli.USAGE, "--param", "unknown parameter \"colour\"", "hook, head, maxDims");
        analyze("--model", m, "--plugin", "loupe.activations", "--prompt", "w1", "--param", "head=x", "--out", o)
                .assertFails(Cli.USAGE, "--param", "head", "\"x\"");
        analyze("--model", m, "--plugin", "loupe.activations", "--prompt", "w1", "--param", "maxDims=0", "--out", o)
                .assertFails(Cli.USAGE, "maxDims", "1..65536");
        analyze("--model", m, "--plugin", "loupe.activations", "--prompt", "w1", "--param", "head", "--out", o)
                .assertFails(Cli.USAGE, "KEY=VALUE", "\"head\"");
        analyze("--model", m, "--plugin", "loupe.activations", "--prompt", "w1", "--param", "head=1", "--param", "head=2", "--out", o)
                .assertFails(Cli.USAGE, "head is given more than once");
        analyze("--model", m, "--plugin", "loupe.activations", "--prompt", "w1", "--tokens", "1", "--out", o)
                .assertFails(Cli.USAGE, "not both");
        analyze("--model", m, "--plugin", "loupe.activations", "--out", o).assertFails(Cli.USAGE, "--prompt", "--tokens");
        analyze("--model", m, "--plugin", "loupe.activations", "--prompt", "", "--out", o).assertFails(Cli.USAGE, "--prompt is empty");
        analyze("--model", m, "--plugin", "loupe.activations", "--tokens", "1,x", "--out", o).assertFails(Cli.USAGE, "\"x\"");
        analyze("--model", m, "--plugin", "loupe.activations", "--prompt", "w1").assertFails(Cli.USAGE, "--out");
        analyze("--model", m, "--prompt", "w1", "--out", o).assertFails(Cli.USAGE, "--plugin");
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        analyze("--model", m, "--plugin", "loupe.activations", "--prompt", "w1", "--out", file.toString())
                .assertFails(Cli.FAILED, "a-file", "needs a folder");
        assertFalse(Files.exists(tmp.resolve("never")), "nothing written after an error");
    }

    @Test
    void pluginAndEngineErrorsAreOneLine() {
        String m = model.toString();
        String o = tmp.resolve("never2").toString();
        analyze("--model", m, "--plugin", "loupe.activations", "--tokens", "1,2", "--param", "hook=blocks.0.attn.hook_pattern",
                "--param", "head=7", "--out", o).assertFails(Cli.FAILED, "loupe.activations: head 7 is out of range", "4 heads");
        analyze("--model", m, "--plugin", "loupe.activations", "--tokens", "1,2", "--param", "hook=blocks.9.hook_resid_post",
                "--out", o).assertFails(Cli.FAILED, "blocks.9.hook_resid_post");
        analyze("--model", m, "--plugin", "loupe.activations", "--tokens", "1,640", "--out", o)
                .assertFails(Cli.FAILED, "token id 640", "out of range");
        analyze("--model", tmp.resolve("nope").toString(), "--plugin", "loupe.activations", "--tokens", "1", "--out", o)
                .assertFails(Cli.FAILED, "no such folder");
        assertFalse(Files.exists(tmp.resolve("never2")));
    }

    @Test
    void runsAPluginFromTheUserFolder() throws IOException {
        String src = """
                package acme;
                import dev.loupe.engine.ModelInfo;
                import dev.loupe.plugin.*;
                import dev.loupe.plugin.params.*;
                import dev.loupe.plugin.result.*;
                import java.util.ArrayList;
                import java.util.List;
                public class Count implements AnalysisPlugin {
                    public PluginInfo info() { return new PluginInfo("acme.count", "Count", "0.3", PluginApi.VERSION, ""); }
                    static final Param<Integer> TIMES = Param.intParam("times", "Times", "", 1, 1, 9);
                    public ParamSpec params() { return ParamSpec.of(TIMES); }
                    public boolean accepts(ModelInfo m) { return true; }
                    public List<String> captures(ModelInfo m, Params p) { return List.of("hook_embed"); }
                    public Result analyze(AnalysisContext c, Params p, Progress pr) {
                        List<List<Object>> rows = new ArrayList<>();
                        for (int i = 0; i < c.tokens().length; i++) {
                            rows.add(List.of(c.tokenLabels().get(i), c.tokens()[i] * p.get(TIMES)));
                        }
                        return new TableResult("count", List.of("token", "id x times"), rows);
                    }
                }
                """;
        Path classes = PluginJars.compile(tmp.resolve("count-build"), Map.of("acme.Count", src));
        Path dir = Files.createDirectories(tmp.resolve("user-plugins"));
        PluginJars.jar(dir.resolve("count.jar"), classes, List.of("acme.Count"), List.of("acme.Count"));
        Path out = tmp.resolve("out-count");
        analyze(dir, "--model", model.toString(), "--plugin", "acme.count", "--prompt", "w4 w6", "--param", "times=3",
                "--out", out.toString()).assertOk();
        TableResult t = (TableResult) readResult(out);
        assertEquals(List.of(List.of("w4", 12L), List.of("w6", 18L)), t.rows());
        assertEquals(List.of("token,id x times", "w4,12", "w6,18"), Files.readAllLines(out.resolve("data.csv")));
        assertTrue(Files.size(out.resolve("figure.png")) > 0);
    }

    @Test
    void helpShowsTheSynopsis() {
        CliRun r = CliRun.run(Map.of(), List.of(new AnalyzeCommand(noUserPlugins)), "help", "analyze").assertOk();
        assertTrue(r.out().contains("usage: loupe analyze --model DIR --plugin ID (--prompt TEXT | --tokens 1,2,3)"), r.out());
        assertTrue(r.out().contains("--param KEY=VALUE"), r.out());
    }
}
