package dev.loupe.plugins.logitlens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.engine.testing.TestCheckpoints.Spec;
import dev.loupe.plugin.AnalysisContext;
import dev.loupe.plugin.AnalysisPlugin;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.SeriesResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lens plugins against what the model itself computes: the last lens row is the model's prediction, KL is zero
 * there, and direct logit attributions add up to the logit (difference) the model produced.
 */
class LogitLensPluginsTest {
    @TempDir
    static Path tmp;

    private static final long[] TOKENS = {5, 17, 3, 9, 42, 8, 21};

    static Stream<Arguments> models() {
        return Stream.of(Arguments.of("gpt2-layernorm", Spec.gpt2().withLayers(3)),
                Arguments.of("llama-rmsnorm", Spec.llama()));
    }

    /** Runs a plugin the way the host does: one forward pass with its captures, a scratch scope. */
    private static Result analyze(LoupeModel model, AnalysisPlugin plugin, Map<String, String> params) throws Exception {
        Params p = plugin.params().parse(params);
        try (RunResult run = model.run(RunRequest.of(TOKENS).capture(plugin.captures(model.info(), p)));
                NDManager scratch = model.manager().newSubManager()) {
            AnalysisContext ctx = new AnalysisContext() {
                @Override
                public LoupeModel model() {
                    return model;
                }

                @Override
                public long[] tokens() {
                    return TOKENS;
                }

                @Override
                public List<String> tokenLabels() {
                    return model.tokenLabels(TOKENS);
                }

                @Override
                public String prompt() {
                    return null;
                }

                @Override
                public RunResult run() {
                    return run;
                }

                @Override
                public NDManager manager() {
                    return scratch;
                }
            };
            return plugin.analyze(ctx, p, Progress.none());
        }
    }

    /** Softmax of the model's own final logits at each position, in double precision. */
    private static double[][] finalProbabilities(LoupeModel model) {
        try (RunResult r = model.run(RunRequest.of(TOKENS))) {
            float[] logits = r.logits().toFloatArray();
            int v = model.info().dVocab();
            double[][] out = new double[TOKENS.length][v];
            for (int p = 0; p < TOKENS.length; p++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < v; i++) {
                    max = Math.max(max, logits[p * v + i]);
                }
                double sum = 0;
                for (int i = 0; i < v; i++) {
                    out[p][i] = Math.exp(logits[p * v + i] - max);
                    sum += out[p][i];
                }
                for (int i = 0; i < v; i++) {
                    out[p][i] /= sum;
                }
            }
            return out;
        }
    }

    private static int argmax(double[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    private LoupeModel open(String name, Spec spec) {
        return LoupeModel.open(TestCheckpoints.write(tmp.resolve(name), spec));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void theLastLensRowIsTheModelsOwnPrediction(String name, Spec spec) throws Exception {
        try (LoupeModel model = open(name, spec)) {
            double[][] probs = finalProbabilities(model);
            MatrixResult grid = (MatrixResult) analyze(model, new LogitLensPlugin(), Map.of("topK", "3"));
            assertEquals(spec.layers() + 1, grid.rows());
            assertEquals(TOKENS.length, grid.cols());
            assertEquals(model.tokenLabels(TOKENS), grid.colLabels());
            int last = grid.rows() - 1;
            for (int p = 0; p < TOKENS.length; p++) {
                int top = argmax(probs[p]);
                assertEquals(probs[p][top], grid.get(last, p), 1e-5, "top-1 probability at position " + p);
                assertEquals(model.tokenLabels(new long[] {top}).get(0), grid.cellText().get(last * TOKENS.length + p));
                assertTrue(grid.cellDetails().get(last * TOKENS.length + p).lines().count() >= 3, "top-3 on hover");
            }
            MatrixResult entropy = (MatrixResult) analyze(model, new LogitLensPlugin(), Map.of("colorBy", "entropy"));
            for (int p = 0; p < TOKENS.length; p++) {
                double h = 0;
                for (double q : probs[p]) {
                    h -= q > 0 ? q * Math.log(q) : 0;
                }
                assertEquals(h, entropy.get(last, p), 1e-4, "entropy at position " + p);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void theTrajectoryEndsAtTheFinalPrediction(String name, Spec spec) throws Exception {
        try (LoupeModel model = open(name, spec)) {
            double[][] probs = finalProbabilities(model);
            int pos = TOKENS.length - 1;
            SeriesResult p = (SeriesResult) analyze(model, new LensTrajectoryPlugin(), Map.of());
            double[] y = p.series().get(0).y();
            assertEquals(spec.layers() + 1, y.length);
            assertEquals(probs[pos][argmax(probs[pos])], y[y.length - 1], 1e-5);
            SeriesResult kl = (SeriesResult) analyze(model, new LensTrajectoryPlugin(), Map.of("metric", "kl"));
            double[] k = kl.series().get(0).y();
            assertEquals(0, k[k.length - 1], 1e-5, "KL of the final layer from itself");
            assertTrue(k[0] > 1e-3, "the embedding's distribution differs from the final one");
            SeriesResult rank = (SeriesResult) analyze(model, new LensTrajectoryPlugin(),
                    Map.of("metric", "rank", "target", "w7", "position", "2"));
            int expectedRank = 0;
            for (double q : probs[2]) {
                expectedRank += q > probs[2][7] ? 1 : 0;
            }
            double[] r = rank.series().get(0).y();
            assertEquals(expectedRank, r[r.length - 1], 0, "rank of w7 at position 2");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void directLogitAttributionsAddUpToTheLogitDifference(String name, Spec spec) throws Exception {
        try (LoupeModel model = open(name, spec); RunResult r = model.run(RunRequest.of(TOKENS))) {
            float[] logits = r.logits().toFloatArray();
            int v = model.info().dVocab();
            int pos = 3;
            double expected = logits[pos * v + 11] - logits[pos * v + 29];
            for (String granularity : List.of("layer", "head")) {
                SeriesResult dla = (SeriesResult) analyze(model, new DirectLogitAttributionPlugin(),
                        Map.of("position", "3", "target", "w11", "contrast", "w29", "granularity", granularity));
                double sum = 0;
                for (double y : dla.series().get(0).y()) {
                    sum += y;
                }
                assertEquals(expected, sum, 1e-3 * Math.max(1, Math.abs(expected)), granularity + " bars sum to the logit difference");
                if (granularity.equals("head")) {
                    assertTrue(dla.series().get(0).xLabels().contains("L1H" + (spec.heads() - 1)));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void theTunedLensLearnsToReadEarlyLayersAndIsCached(String name, Spec spec) throws Exception {
        System.setProperty("loupe.home", tmp.resolve("home-" + name).toString());
        try (LoupeModel model = open(name, spec)) {
            StringBuilder text = new StringBuilder();
            java.util.Random random = new java.util.Random(3);
            for (int i = 0; i < 256; i++) {
                text.append('w').append(random.nextInt(spec.vocab())).append(' ');
            }
            Map<String, String> params = Map.of("trainText", text.toString(), "steps", "100", "lr", "0.01");
            MatrixResult tuned = (MatrixResult) analyze(model, new TunedLensPlugin(), params);
            double before = tuned.stats().get("KL before training (nats)");
            double after = tuned.stats().get("KL after training (nats)");
            assertTrue(after < 0.8 * before, "training lowers KL(final || lens): " + before + " -> " + after);
            MatrixResult logit = (MatrixResult) analyze(model, new LogitLensPlugin(), Map.of());
            int last = tuned.rows() - 1;
            for (int p = 0; p < TOKENS.length; p++) {
                assertEquals(logit.get(last, p), tuned.get(last, p), 1e-6, "the final layer needs no translator");
            }
            MatrixResult again = (MatrixResult) analyze(model, new TunedLensPlugin(), params);
            assertTrue(!again.stats().containsKey("KL after training (nats)"), "the second view loads the saved lens");
            assertEquals(java.util.Arrays.toString(tuned.values()), java.util.Arrays.toString(again.values()));
        } finally {
            System.clearProperty("loupe.home");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void aTargetThatIsNotOneTokenIsRefusedByName(String name, Spec spec) {
        try (LoupeModel model = open(name, spec)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> analyze(model, new LensTrajectoryPlugin(), Map.of("target", "w1 w2")));
            assertTrue(e.getMessage().contains("target") && e.getMessage().contains("2 tokens"), e.getMessage());
        }
    }
}
