package dev.loupe.plugins.activations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.engine.ActivationCache;
import dev.loupe.engine.LoupeException;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.plugin.AnalysisPlugin;
import dev.loupe.plugin.ArtifactStore;
import dev.loupe.plugin.PluginApi;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.host.PluginRun;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.testkit.PluginHarness;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Activations plugin on a random GPT-2 checkpoint (2 layers, 4 heads, d_model 32, d_mlp 128). */
class ActivationsPluginTest {
    static final String PROMPT = "w3 w5 w7 w1 w3";
    static final List<String> TOKENS = List.of("w3", "w5", "w7", "w1", "w3");

    @TempDir
    static Path tmp;
    static LoupeModel model;
    final ActivationsPlugin plugin = new ActivationsPlugin();

    @BeforeAll
    static void open() {
        model = LoupeModel.open(TestCheckpoints.write(tmp.resolve("gpt2"), TestCheckpoints.Spec.gpt2()));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** What the host would do (the kit's steps: one run with the plugin's captures, a scratch scope) and that run's activation. */
    record Outcome(MatrixResult result, float[] activation, long[] shape) {
    }

    Outcome analyze(Map<String, String> paramTexts) throws Exception {
        return analyze(model, paramTexts);
    }

    Outcome analyze(LoupeModel model, Map<String, String> paramTexts) throws Exception {
        Params p = plugin.params().parse(paramTexts);
        PluginHarness host = PluginHarness.on(model);
        try (PluginRun run = host.prepare(plugin, host.text(PROMPT), p, ArtifactStore.none())) {
            MatrixResult m = (MatrixResult) plugin.analyze(run.context(), p, Progress.none());
            String hook = plugin.captures(model.info(), p).get(0);
            ActivationCache cache = run.context().run().cache();
            return new Outcome(m, cache.floats(hook), cache.shape(hook));
        }
    }

    /** Reference statistics in double precision, over finite values, computed here without the plugin's code. */
    static Map<String, Double> referenceStats(float[] values, int rows, int cols) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        int n = 0;
        for (float v : values) {
            if (Float.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
                n++;
            }
        }
        double mean = sum / n;
        double ss = 0;
        for (float v : values) {
            if (Float.isFinite(v)) {
                ss += (v - mean) * (v - mean);
            }
        }
        double norms = 0;
        for (int r = 0; r < rows; r++) {
            double sq = 0;
            for (int c = 0; c < cols; c++) {
                float v = values[r * cols + c];
                if (Float.isFinite(v)) {
                    sq += (double) v * v;
                }
            }
            norms += Math.sqrt(sq);
        }
        return Map.of("min", min, "max", max, "mean", mean, "std", Math.sqrt(ss / n), "mean L2 norm", norms / rows);
    }

    static void assertStats(Map<String, Double> expected, Map<String, Double> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            double e = expected.get(k);
            assertEquals(e, actual.get(k), 1e-5 + 1e-5 * Math.abs(e), k);
        }
    }

    @Test
    void identityAndRegistration() {
        assertEquals("loupe.activations", plugin.info().id());
        assertEquals(PluginApi.VERSION, plugin.info().apiVersion());
        assertTrue(plugin.accepts(model.info()));
        assertEquals("blocks.0.hook_resid_post", plugin.params().defaults().get(ActivationsPlugin.HOOK));
        assertEquals(-1, plugin.params().defaults().get(ActivationsPlugin.HEAD));
        assertEquals(256, plugin.params().defaults().get(ActivationsPlugin.MAX_DIMS));
        boolean found = ServiceLoader.load(AnalysisPlugin.class, ActivationsPlugin.class.getClassLoader()).stream()
                .anyMatch(p -> p.type() == ActivationsPlugin.class);
        assertTrue(found, "registered in META-INF/services");
    }

    @Test
    void residualStreamEqualsTheCacheWithTokenLabels() throws Exception {
        Outcome o = analyze(Map.of());
        MatrixResult m = o.result();
        assertArrayEquals(new long[] {1, 5, 32}, o.shape());
        assertEquals(5, m.rows());
        assertEquals(32, m.cols());
        assertArrayEquals(o.activation(), m.values());
        assertEquals(TOKENS, m.rowLabels());
        assertEquals("d0", m.colLabels().get(0));
        assertEquals("d31", m.colLabels().get(31));
        assertTrue(m.diverging(), "signed activations use a diverging map");
        assertStats(referenceStats(o.activation(), 5, 32), m.stats());
    }

    @Test
    void maxDimsShowsTheFirstColumnsButStatsCoverAll() throws Exception {
        Outcome o = analyze(Map.of("hook", "blocks.1.mlp.hook_pre", "maxDims", "10"));
        MatrixResult m = o.result();
        assertEquals(10, m.cols());
        for (int r = 0; r < 5; r++) {
            for (int c = 0; c < 10; c++) {
                assertEquals(o.activation()[r * 128 + c], m.get(r, c));
            }
        }
        assertEquals("d9", m.colLabels().get(9));
        assertTrue(m.title().contains("first 10 of 128"), m.title());
        assertStats(referenceStats(o.activation(), 5, 128), m.stats());
    }

    @Test
    void lastLayerPlaceholder() throws Exception {
        Outcome o = analyze(Map.of("hook", "blocks.{last}.hook_resid_pre"));
        assertTrue(o.result().title().startsWith("blocks.1.hook_resid_pre"), o.result().title());
        assertArrayEquals(o.activation(), o.result().values());
    }

    @Test
    void patternRowsSumToOneOverKeyTokens() throws Exception {
        Outcome o = analyze(Map.of("hook", "blocks.1.attn.hook_pattern", "head", "2"));
        MatrixResult m = o.result();
        assertArrayEquals(new long[] {1, 4, 5, 5}, o.shape());
        assertEquals(5, m.rows());
        assertEquals(5, m.cols());
        assertEquals(TOKENS, m.rowLabels());
        assertEquals(TOKENS, m.colLabels());
        assertEquals("key token", m.colAxis());
        assertArrayEquals(Arrays.copyOfRange(o.activation(), 2 * 25, 3 * 25), m.values());
        for (int q = 0; q < 5; q++) {
            double sum = 0;
            for (int k = 0; k < 5; k++) {
                sum += m.get(q, k);
                if (k > q) {
                    assertEquals(0f, m.get(q, k), "causal: query " + q + " sees no key " + k);
                }
            }
            assertEquals(1.0, sum, 1e-5, "row " + q);
        }
        assertFalse(m.diverging(), "probabilities are not signed");
        assertStats(referenceStats(m.values(), 5, 5), m.stats());
    }

    @Test
    void patternWithoutHeadShowsHeadZero() throws Exception {
        Outcome o = analyze(Map.of("hook", "blocks.0.attn.hook_pattern"));
        assertTrue(o.result().title().endsWith("head 0"), o.result().title());
        assertArrayEquals(Arrays.copyOfRange(o.activation(), 0, 25), o.result().values());
    }

    @Test
    void maskedScoresAreLeftOutOfTheStatistics() throws Exception {
        Outcome o = analyze(Map.of("hook", "blocks.0.attn.hook_attn_scores", "head", "1"));
        MatrixResult m = o.result();
        assertEquals(Float.NEGATIVE_INFINITY, m.get(0, 1), "the causal mask is in the data as -inf");
        assertArrayEquals(Arrays.copyOfRange(o.activation(), 25, 50), m.values());
        for (double v : m.stats().values()) {
            assertTrue(Double.isFinite(v), m.stats().toString());
        }
        assertStats(referenceStats(m.values(), 5, 5), m.stats());
    }

    @Test
    void perHeadHookOneHeadOrAllHeads() throws Exception {
        // hook_q is [batch, pos, head, d_head] = [1, 5, 4, 8]
        Outcome one = analyze(Map.of("hook", "blocks.0.attn.hook_q", "head", "3"));
        MatrixResult m = one.result();
        assertEquals(8, m.cols());
        for (int p = 0; p < 5; p++) {
            for (int d = 0; d < 8; d++) {
                assertEquals(one.activation()[p * 32 + 3 * 8 + d], m.get(p, d));
            }
        }
        assertStats(referenceStats(m.values(), 5, 8), m.stats());

        Outcome all = analyze(Map.of("hook", "blocks.0.attn.hook_q"));
        assertEquals(32, all.result().cols());
        assertArrayEquals(all.activation(), all.result().values());
        assertEquals("h1:d2", all.result().colLabels().get(10));
        assertEquals("head:dimension", all.result().colAxis());
    }

    @Test
    void groupedKeyValueHeadsUseTheTensorsOwnHeadCount() throws Exception {
        // Llama spec: 4 query heads, 2 kv heads, d_head 8; hook_k is [1, pos, 2, 8].
        try (LoupeModel llama = LoupeModel.open(TestCheckpoints.write(tmp.resolve("llama"), TestCheckpoints.Spec.llama()))) {
            Outcome all = analyze(llama, Map.of("hook", "blocks.1.attn.hook_k"));
            assertArrayEquals(new long[] {1, 5, 2, 8}, all.shape());
            assertEquals(16, all.result().cols());
            assertArrayEquals(all.activation(), all.result().values());
            assertEquals("h1:d7", all.result().colLabels().get(15));
            LoupeException e = assertThrows(LoupeException.class,
                    () -> analyze(llama, Map.of("hook", "blocks.1.attn.hook_k", "head", "2")));
            assertTrue(e.getMessage().contains("2 heads"), e.getMessage());
        }
    }

    @Test
    void badParametersAreClearErrors() {
        LoupeException range = assertThrows(LoupeException.class,
                () -> analyze(Map.of("hook", "blocks.0.attn.hook_pattern", "head", "4")));
        assertTrue(range.getMessage().contains("head 4 is out of range"), range.getMessage());
        assertTrue(range.getMessage().contains("4 heads"), range.getMessage());

        LoupeException noHeads = assertThrows(LoupeException.class, () -> analyze(Map.of("head", "0")));
        assertTrue(noHeads.getMessage().contains("no head axis"), noHeads.getMessage());

        LoupeException glob = assertThrows(LoupeException.class, () -> analyze(Map.of("hook", "blocks.*.hook_resid_post")));
        assertTrue(glob.getMessage().contains("not a pattern"), glob.getMessage());

        assertThrows(IllegalArgumentException.class, () -> plugin.params().parse(Map.of("maxDims", "0")));
    }
}
