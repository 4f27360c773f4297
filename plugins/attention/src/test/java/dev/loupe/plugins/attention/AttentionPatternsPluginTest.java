package dev.loupe.plugins.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.engine.Intervention;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.engine.testing.TestCheckpoints.Spec;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.GridResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.testkit.PluginHarness;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AttentionPatternsPluginTest {
    private static final String PROMPT = "w5 w17 w3 w9 w42 w8 w8 w21";
    private static final String OTHER = "w5 w17 w3 w9 w42 w8 w8 w60";

    @TempDir
    static Path tmp;
    static LoupeModel gpt2;
    static LoupeModel llama;
    static LoupeModel bert;
    static LoupeModel oneLayer;

    final AttentionPatternsPlugin plugin = new AttentionPatternsPlugin();

    @BeforeAll
    static void open() {
        gpt2 = Models.open(tmp.resolve("gpt2"), Spec.gpt2());
        llama = Models.open(tmp.resolve("llama"), Spec.llama());
        bert = Models.open(tmp.resolve("bert"), Spec.bert());
        oneLayer = Models.open(tmp.resolve("one"), Spec.gpt2().withLayers(1).withSeed(7));
    }

    @AfterAll
    static void close() {
        for (LoupeModel m : new LoupeModel[] {gpt2, llama, bert, oneLayer}) {
            if (m != null) {
                m.close();
            }
        }
    }

    private static LoupeModel model(String name) {
        return switch (name) {
            case "gpt2" -> gpt2;
            case "llama" -> llama;
            case "bert" -> bert;
            default -> throw new IllegalArgumentException(name);
        };
    }

    private Params params(String... keyValues) {
        Params p = plugin.params().defaults();
        for (int i = 0; i < keyValues.length; i += 2) {
            p = p.with(keyValues[i], plugin.params().def(keyValues[i]).parse(keyValues[i + 1]));
        }
        return p;
    }

    private Result run(LoupeModel m, String prompt, Params p) throws Exception {
        PluginHarness host = PluginHarness.on(m);
        return host.run(plugin, host.text(prompt), p);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama", "bert"})
    void gridIsEveryLayerAndHeadWithRowsSummingToOne(String name) throws Exception {
        LoupeModel m = model(name);
        GridResult grid = assertInstanceOf(GridResult.class, run(m, PROMPT, params()));
        int layers = m.info().layers();
        int heads = m.info().heads();
        assertEquals(List.of("L0", "L1"), grid.rowLabels());
        assertEquals(heads, grid.colLabels().size());
        assertEquals(layers * heads, grid.cells().size());
        List<String> tokens = List.of(m.tokenStrings(PROMPT));
        int t = tokens.size();
        float[][][][] expected = Models.patterns(m, PROMPT);
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                MatrixResult cell = grid.cell(l, h);
                assertEquals("L" + l + "H" + h, cell.title());
                assertEquals(tokens, cell.rowLabels());
                assertEquals(tokens, cell.colLabels());
                assertFalse(cell.diverging());
                for (int q = 0; q < t; q++) {
                    double sum = 0;
                    for (int k = 0; k < t; k++) {
                        sum += cell.get(q, k);
                        assertEquals(expected[l][h][q][k], cell.get(q, k), 1e-6f);
                        if (m.info().causal() && k > q) {
                            assertEquals(0f, cell.get(q, k), "a causal model looks ahead at L" + l + "H" + h);
                        }
                    }
                    assertEquals(1.0, sum, 1e-5, "row " + q + " of L" + l + "H" + h);
                }
            }
        }
        if (!m.info().causal()) {
            // An encoder attends both ways: some query must put mass on a later key.
            boolean ahead = false;
            for (MatrixResult c : grid.cells()) {
                ahead |= c.get(0, t - 1) > 0;
            }
            assertTrue(ahead);
        }
    }

    @Test
    void focusedHeadIsTheCachedPattern() throws Exception {
        MatrixResult one = assertInstanceOf(MatrixResult.class, run(gpt2, PROMPT, params("layer", "1", "head", "2")));
        float[][] expected = Models.patterns(gpt2, PROMPT)[1][2];
        assertEquals("L1H2", one.title());
        assertEquals(expected.length, one.rows());
        for (int q = 0; q < one.rows(); q++) {
            for (int k = 0; k < one.cols(); k++) {
                assertEquals(expected[q][k], one.get(q, k));
            }
        }
        // The host only needs that one layer.
        assertEquals(List.of("blocks.1.attn.hook_pattern"), plugin.captures(gpt2.info(), params("layer", "1")));
    }

    @Test
    void oneLayerOrOneHeadIsAGridRowOrColumn() throws Exception {
        GridResult layer = assertInstanceOf(GridResult.class, run(gpt2, PROMPT, params("layer", "0")));
        assertEquals(List.of("L0"), layer.rowLabels());
        assertEquals(4, layer.cells().size());
        GridResult head = assertInstanceOf(GridResult.class, run(gpt2, PROMPT, params("head", "3")));
        assertEquals(List.of("H3"), head.colLabels());
        assertEquals("L1H3", head.cell(1, 0).title());
        float[][] expected = Models.patterns(gpt2, PROMPT)[1][3];
        assertEquals(expected[5][2], head.cell(1, 0).get(5, 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama", "bert"})
    void meanOverHeadsIsTheMeanOfTheHeads(String name) throws Exception {
        LoupeModel m = model(name);
        GridResult grid = assertInstanceOf(GridResult.class, run(m, PROMPT, params("aggregate", "mean-over-heads")));
        assertEquals(List.of("mean"), grid.colLabels());
        float[][][][] p = Models.patterns(m, PROMPT);
        for (int l = 0; l < p.length; l++) {
            MatrixResult cell = grid.cell(l, 0);
            int t = cell.rows();
            for (int q = 0; q < t; q++) {
                for (int k = 0; k < t; k++) {
                    double sum = 0;
                    for (int h = 0; h < p[l].length; h++) {
                        sum += p[l][h][q][k];
                    }
                    assertEquals(sum / p[l].length, cell.get(q, k), 1e-6);
                }
            }
        }
        // Focused on a layer, it is that layer's single matrix (the head parameter does not apply).
        MatrixResult one = assertInstanceOf(MatrixResult.class,
                run(m, PROMPT, params("aggregate", "mean-over-heads", "layer", "1", "head", "2")));
        assertEquals(grid.cell(1, 0).get(3, 1), one.get(3, 1), 1e-7);
    }

    @Test
    void rolloutOfOneLayerIsHalfAttentionHalfIdentityRenormalised() throws Exception {
        GridResult grid = assertInstanceOf(GridResult.class, run(oneLayer, PROMPT, params("aggregate", "rollout")));
        assertEquals(1, grid.cells().size());
        float[][] a = Models.headMean(Models.patterns(oneLayer, PROMPT))[0];
        float[][] expected = mixAndNormalise(a);
        MatrixResult cell = grid.cell(0, 0);
        for (int q = 0; q < a.length; q++) {
            for (int k = 0; k < a.length; k++) {
                assertEquals(expected[q][k], cell.get(q, k), 1e-6);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "bert"})
    void rolloutMultipliesThroughTheLayers(String name) throws Exception {
        LoupeModel m = model(name);
        GridResult grid = assertInstanceOf(GridResult.class, run(m, PROMPT, params("aggregate", "rollout")));
        float[][][] mean = Models.headMean(Models.patterns(m, PROMPT));
        float[][] r0 = mixAndNormalise(mean[0]);
        float[][] a1 = mixAndNormalise(mean[1]);
        int t = r0.length;
        for (int q = 0; q < t; q++) {
            double rowSum = 0;
            for (int k = 0; k < t; k++) {
                double r1 = 0;
                for (int j = 0; j < t; j++) {
                    r1 += a1[q][j] * r0[j][k];
                }
                assertEquals(r0[q][k], grid.cell(0, 0).get(q, k), 1e-6);
                assertEquals(r1, grid.cell(1, 0).get(q, k), 1e-6);
                rowSum += grid.cell(1, 0).get(q, k);
            }
            assertEquals(1.0, rowSum, 1e-5);
        }
        // Focused on layer 1: the rollout up to layer 1, not layer 1 alone.
        MatrixResult focused = assertInstanceOf(MatrixResult.class,
                run(m, PROMPT, params("aggregate", "rollout", "layer", "1")));
        assertEquals(grid.cell(1, 0).get(t - 1, 0), focused.get(t - 1, 0), 1e-7);
        assertEquals(List.of("blocks.*.attn.hook_pattern"),
                plugin.captures(m.info(), params("aggregate", "rollout", "layer", "1")));
    }

    private static float[][] mixAndNormalise(float[][] a) {
        int t = a.length;
        float[][] out = new float[t][t];
        for (int q = 0; q < t; q++) {
            double sum = 0;
            for (int k = 0; k < t; k++) {
                sum += 0.5 * a[q][k] + (q == k ? 0.5 : 0);
            }
            for (int k = 0; k < t; k++) {
                out[q][k] = (float) ((0.5 * a[q][k] + (q == k ? 0.5 : 0)) / sum);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "mean-over-heads", "rollout"})
    void comparingAPromptWithItselfGivesZeros(String aggregate) throws Exception {
        GridResult same = assertInstanceOf(GridResult.class,
                run(gpt2, PROMPT, params("aggregate", aggregate, "comparePrompt", PROMPT)));
        for (MatrixResult c : same.cells()) {
            assertTrue(c.diverging());
            assertTrue(c.title().startsWith("Δ "));
            for (float v : c.values()) {
                assertEquals(0f, v);
            }
            assertEquals(0.0, c.stats().get("max |Δ|"));
        }
    }

    @Test
    void comparingAnotherPromptGivesThisMinusThat() throws Exception {
        GridResult diff = assertInstanceOf(GridResult.class, run(gpt2, PROMPT, params("comparePrompt", OTHER)));
        float[][][][] mine = Models.patterns(gpt2, PROMPT);
        float[][][][] theirs = Models.patterns(gpt2, OTHER);
        int t = mine[0][0].length;
        boolean nonZero = false;
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 4; h++) {
                MatrixResult c = diff.cell(l, h);
                for (int q = 0; q < t; q++) {
                    for (int k = 0; k < t; k++) {
                        assertEquals(mine[l][h][q][k] - theirs[l][h][q][k], c.get(q, k), 1e-6);
                        nonZero |= c.get(q, k) != 0;
                    }
                }
            }
        }
        assertTrue(nonZero);
        // Only the last token differs, and causal attention cannot see it before the last row.
        assertEquals(0f, diff.cell(1, 0).get(t - 2, 0));
        assertEquals("w21 / w60", diff.cell(0, 0).rowLabels().get(t - 1));
        assertEquals("w5", diff.cell(0, 0).rowLabels().get(0));
        assertTrue(diff.title().contains(OTHER));
    }

    /**
     * Knocking out a layer-0 head changes only what comes after it: layer 0's own patterns are computed before its
     * output (hook_z), so their differences are exactly zero, and layer 1's are the patterns of a run with that
     * head's output zeroed, subtracted from this one's, computed here straight through the engine.
     */
    @Test
    void comparingWithAnAblatedHeadShowsWhatLaterLayersLose() throws Exception {
        GridResult diff = assertInstanceOf(GridResult.class, run(gpt2, PROMPT, params("compareAblated", "L0H1")));
        float[][][][] mine = Models.patterns(gpt2, PROMPT);
        long[] ids = gpt2.encode(PROMPT);
        int t = ids.length;
        float[] ablated;
        try (RunResult r = gpt2.run(RunRequest.of(ids).capture("blocks.1.attn.hook_pattern")
                .intervene(Intervention.zeroAblate("blocks.0.attn.hook_z", 1)))) {
            ablated = r.cache().floats("blocks.1.attn.hook_pattern");
        }
        boolean changed = false;
        for (int h = 0; h < 4; h++) {
            for (int q = 0; q < t; q++) {
                for (int k = 0; k < t; k++) {
                    assertEquals(0f, diff.cell(0, h).get(q, k), "layer 0 is upstream of its own output");
                    float expected = mine[1][h][q][k] - ablated[(h * t + q) * t + k];
                    assertEquals(expected, diff.cell(1, h).get(q, k), 1e-6);
                    changed |= expected != 0;
                }
            }
        }
        assertTrue(changed, "the head mattered to layer 1");
        assertTrue(diff.title().endsWith("this run minus with L0H1 ablated"), diff.title());

        GridResult wholeLayer = assertInstanceOf(GridResult.class, run(gpt2, PROMPT, params("compareAblated", "L0")));
        assertTrue(wholeLayer.cell(1, 0).stats().get("max |Δ|") > 0);
    }

    @Test
    void ablatedHeadsAreCheckedAgainstTheModel() {
        var head = assertThrows(IllegalArgumentException.class,
                () -> run(gpt2, PROMPT, params("compareAblated", "L1H4")));
        assertEquals("compareAblated: L1H4 names head 4, but the model has heads 0..3", head.getMessage());
        var word = assertThrows(IllegalArgumentException.class,
                () -> run(gpt2, PROMPT, params("compareAblated", "L1 head2")));
        assertEquals("compareAblated: \"head2\" is not a head like L1H2 or a layer like L1", word.getMessage());
        var both = assertThrows(IllegalArgumentException.class,
                () -> run(gpt2, PROMPT, params("compareAblated", "L1", "comparePrompt", OTHER)));
        assertEquals("compare with a prompt or with heads ablated, not both", both.getMessage());
    }

    @Test
    void comparePromptOfAnotherLengthIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> run(gpt2, PROMPT, params("comparePrompt", "w1 w2 w3")));
        assertTrue(e.getMessage().startsWith("comparePrompt has 3 tokens but the input has 8"), e.getMessage());
    }

    @Test
    void outOfRangeParametersAreNamed() {
        var layer = assertThrows(IllegalArgumentException.class, () -> run(gpt2, PROMPT, params("layer", "2")));
        assertTrue(layer.getMessage().startsWith("layer must be all or 0..1"), layer.getMessage());
        var head = assertThrows(IllegalArgumentException.class, () -> run(gpt2, PROMPT, params("head", "4")));
        assertTrue(head.getMessage().startsWith("head must be all or 0..3"), head.getMessage());
        var aggregate = assertThrows(IllegalArgumentException.class,
                () -> plugin.params().parse(Map.of("aggregate", "max")));
        assertTrue(aggregate.getMessage().startsWith("aggregate must be one of none, mean-over-heads, rollout"));
        var negative = assertThrows(IllegalArgumentException.class,
                () -> plugin.params().parse(Map.of("layer", "-2")));
        assertTrue(negative.getMessage().startsWith("layer must be"));
    }
}
