package dev.loupe.plugins.logitlens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.engine.LoupeException;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.engine.testing.TestCheckpoints.Spec;
import dev.loupe.plugin.AnalysisPlugin;
import dev.loupe.plugin.ArtifactStore;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.result.ComparisonResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.SeriesResult;
import dev.loupe.plugin.testkit.PluginHarness;
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

    /** Runs a plugin the way the host does, on the token ids {@link #TOKENS}. */
    private static Result analyze(LoupeModel model, AnalysisPlugin plugin, Map<String, String> params) throws Exception {
        return analyze(model, plugin, params, ArtifactStore.none(), Progress.none());
    }

    private static Result analyze(LoupeModel model, AnalysisPlugin plugin, Map<String, String> params,
            ArtifactStore artifacts, Progress progress) throws Exception {
        PluginHarness host = PluginHarness.on(model);
        return host.run(plugin, host.tokens(TOKENS), plugin.params().parse(params), artifacts, progress);
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
            int expectedRank = 1; // 1 = the top token
            for (double q : probs[2]) {
                expectedRank += q > probs[2][7] ? 1 : 0;
            }
            double[] r = rank.series().get(0).y();
            assertEquals(expectedRank, r[r.length - 1], 0, "rank of w7 at position 2");
            assertEquals(SeriesResult.Kind.RANK, rank.kind(), "drawn on a rank axis");
            for (double one : r) {
                assertTrue(one >= 1, "ranks count from 1: " + java.util.Arrays.toString(r));
            }
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

    /** Tasks begun, in order: tells a run that trained ("Training the tuned lens") from one that did not. */
    private static final class RecordingProgress implements Progress {
        final List<String> tasks = new java.util.ArrayList<>();

        @Override
        public void begin(String task, long totalWork) {
            tasks.add(task);
        }

        @Override
        public void worked(long units) {
        }

        @Override
        public void message(String text) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        boolean trained() {
            return tasks.contains("Training the tuned lens");
        }
    }

    /** An in-memory store that remembers which keys were put. */
    private static final class CountingStore implements ArtifactStore {
        final ArtifactStore inner = ArtifactStore.inMemory();
        final List<String> puts = new java.util.ArrayList<>();
        final Map<String, byte[]> last = new java.util.HashMap<>();

        @Override
        public java.util.Optional<byte[]> get(String key) {
            return inner.get(key);
        }

        @Override
        public void put(String key, byte[] data) {
            puts.add(key);
            last.put(key, data.clone());
            inner.put(key, data);
        }
    }

    /** Hands out the same bytes for every key, as a session holding something unexpected would. */
    private static ArtifactStore holding(byte[] bytes) {
        return new ArtifactStore() {
            @Override
            public java.util.Optional<byte[]> get(String key) {
                return java.util.Optional.of(bytes.clone());
            }

            @Override
            public void put(String key, byte[] data) {
                throw new AssertionError("a failed load must not store anything");
            }
        };
    }

    private static String randomText(int vocab, int words) {
        StringBuilder text = new StringBuilder();
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < words; i++) {
            text.append('w').append(random.nextInt(vocab)).append(' ');
        }
        return text.toString();
    }

    private static void assertSameGrid(MatrixResult expected, MatrixResult actual, String what) {
        assertEquals(expected.rows(), actual.rows(), what);
        assertEquals(expected.cols(), actual.cols(), what);
        for (int i = 0; i < expected.values().length; i++) {
            assertEquals(Float.floatToIntBits(expected.values()[i]), Float.floatToIntBits(actual.values()[i]),
                    what + ": cell " + i + " bit for bit");
        }
        assertEquals(expected.cellText(), actual.cellText(), what);
        assertEquals(expected.cellDetails(), actual.cellDetails(), what);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void theTunedLensLearnsToReadEarlyLayersAndShowsItBesideTheLogitLens(String name, Spec spec) throws Exception {
        try (LoupeModel model = open(name, spec)) {
            Map<String, String> params = Map.of("trainText", randomText(spec.vocab(), 256), "steps", "100", "lr", "0.01");
            CountingStore store = new CountingStore();
            RecordingProgress progress = new RecordingProgress();
            ComparisonResult both = (ComparisonResult) analyze(model, new TunedLensPlugin(), params, store, progress);
            assertTrue(progress.trained(), "the first view trains: " + progress.tasks);
            assertEquals(2, both.panels().size());
            MatrixResult logitPanel = both.panels().get(0);
            MatrixResult tuned = both.panels().get(1);
            assertTrue(logitPanel.title().startsWith("Logit lens") && tuned.title().startsWith("Tuned lens"),
                    logitPanel.title() + " / " + tuned.title());
            assertSameGrid((MatrixResult) analyze(model, new LogitLensPlugin(), Map.of()), logitPanel,
                    "the left panel is the logit lens");

            double before = tuned.stats().get("KL before training (nats)");
            double after = tuned.stats().get("KL after training (nats)");
            assertTrue(after < 0.8 * before, "training lowers KL(final || lens): " + before + " -> " + after);
            assertFalse(tuned.stats().containsKey(TunedLensPlugin.LOADED_STAT));
            int last = tuned.rows() - 1;
            for (int p = 0; p < TOKENS.length; p++) {
                assertEquals(logitPanel.get(last, p), tuned.get(last, p), 1e-6, "the final layer needs no translator");
            }
            assertEquals(1, store.puts.size(), "the trained translators are kept: " + store.puts);
            assertTrue(store.puts.get(0).startsWith("translators/"), store.puts.get(0));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void aSecondViewWithTheSameStoreLoadsTheTranslatorsInsteadOfTraining(String name, Spec spec) throws Exception {
        try (LoupeModel model = open(name, spec)) {
            Map<String, String> params = Map.of("trainText", randomText(spec.vocab(), 128), "steps", "20", "lr", "0.01");
            CountingStore store = new CountingStore();
            ComparisonResult first = (ComparisonResult) analyze(model, new TunedLensPlugin(), params, store, Progress.none());

            RecordingProgress progress = new RecordingProgress();
            ComparisonResult again = (ComparisonResult) analyze(model, new TunedLensPlugin(), params, store, progress);
            assertFalse(progress.trained(), "loaded, not trained: " + progress.tasks);
            assertEquals(1, store.puts.size(), "nothing new stored");
            MatrixResult tuned = again.panels().get(1);
            assertEquals(1.0, tuned.stats().get(TunedLensPlugin.LOADED_STAT));
            for (int i = 0; i < 2; i++) {
                assertSameGrid(first.panels().get(i), again.panels().get(i), "panel " + i);
            }
            for (String stat : List.of("KL before training (nats)", "KL after training (nats)", "training tokens")) {
                assertEquals(first.panels().get(1).stats().get(stat), tuned.stats().get(stat), stat + " comes back with the lens");
            }

            // Other settings are other translators; retrain replaces the stored ones.
            RecordingProgress other = new RecordingProgress();
            Map<String, String> moreSteps = new java.util.HashMap<>(params);
            moreSteps.put("steps", "21");
            analyze(model, new TunedLensPlugin(), moreSteps, store, other);
            assertTrue(other.trained(), "new settings train");
            assertEquals(2, java.util.Set.copyOf(store.puts).size());
            RecordingProgress retrain = new RecordingProgress();
            Map<String, String> forced = new java.util.HashMap<>(params);
            forced.put("retrain", "true");
            ComparisonResult retrained = (ComparisonResult) analyze(model, new TunedLensPlugin(), forced, store, retrain);
            assertTrue(retrain.trained(), "retrain trains");
            assertFalse(retrained.panels().get(1).stats().containsKey(TunedLensPlugin.LOADED_STAT));
            assertEquals(store.puts.get(0), store.puts.get(store.puts.size() - 1), "and replaces the same key");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void storedBytesThatAreNotTranslatorsForThisModelAreRefusedByName(String name, Spec spec) throws Exception {
        Map<String, String> params = Map.of("trainText", randomText(spec.vocab(), 64), "steps", "1");
        byte[] otherModels;
        try (LoupeModel wider = open(name + "-wider", spec.withLayers(spec.layers() + 1))) {
            CountingStore store = new CountingStore();
            analyze(wider, new TunedLensPlugin(), params, store, Progress.none());
            otherModels = store.last.get(store.puts.get(0));
        }
        try (LoupeModel model = open(name, spec)) {
            LoupeException shape = assertThrows(LoupeException.class,
                    () -> analyze(model, new TunedLensPlugin(), params, holding(otherModels), Progress.none()));
            assertTrue(shape.getMessage().startsWith("artifact translators/"), shape.getMessage());
            assertTrue(shape.getMessage().contains("does not fit this model: A has shape [" + (spec.layers() + 1) + ", "),
                    shape.getMessage());
            assertTrue(shape.getMessage().contains("set retrain"), shape.getMessage());

            byte[] garbage = "definitely not a safetensors file".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            LoupeException junk = assertThrows(LoupeException.class,
                    () -> analyze(model, new TunedLensPlugin(), params, holding(garbage), Progress.none()));
            assertTrue(junk.getMessage().startsWith("artifact translators/")
                    && junk.getMessage().contains("is not a valid translator file"), junk.getMessage());
            assertFalse(junk.getMessage().contains("loupe-tuned-lens"), "no scratch paths: " + junk.getMessage());
            assertFalse(junk.getMessage().contains("\n"), "one line");

            byte[] empty = new byte[0];
            LoupeException none = assertThrows(LoupeException.class,
                    () -> analyze(model, new TunedLensPlugin(), params, holding(empty), Progress.none()));
            assertTrue(none.getMessage().contains("is not a valid translator file"), none.getMessage());

            // A store that reports damage (a session whose checksum fails) stops the view; the message says how on.
            ArtifactStore damaged = new ArtifactStore() {
                @Override
                public java.util.Optional<byte[]> get(String key) {
                    throw new LoupeException("s.db: artifact " + key + " is damaged");
                }

                @Override
                public void put(String key, byte[] data) {
                }
            };
            LoupeException d = assertThrows(LoupeException.class,
                    () -> analyze(model, new TunedLensPlugin(), params, damaged, Progress.none()));
            assertTrue(d.getMessage().contains("is damaged; set retrain"), d.getMessage());
            Map<String, String> retrain = new java.util.HashMap<>(params);
            retrain.put("retrain", "true");
            assertTrue(analyze(model, new TunedLensPlugin(), retrain, damaged, Progress.none()) instanceof ComparisonResult,
                    "retrain does not read the damaged entry");

            // A store that cannot keep them (a session over its entry limit) still gets the grid, with a note.
            ArtifactStore full = new ArtifactStore() {
                @Override
                public java.util.Optional<byte[]> get(String key) {
                    return java.util.Optional.empty();
                }

                @Override
                public void put(String key, byte[] data) {
                    throw new LoupeException("s.db: cannot save artifact " + key + ": it is too large");
                }
            };
            ComparisonResult unsaved = (ComparisonResult) analyze(model, new TunedLensPlugin(), params, full,
                    Progress.none());
            assertTrue(unsaved.panels().get(1).stats().get(TunedLensPlugin.NOT_SAVED_STAT) > 0,
                    "says they were not saved: " + unsaved.panels().get(1).stats());
            ComparisonResult trained = (ComparisonResult) analyze(model, new TunedLensPlugin(), params,
                    ArtifactStore.none(), Progress.none());
            assertSameGrid(trained.panels().get(1), unsaved.panels().get(1), "the grid is the trained one");
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
