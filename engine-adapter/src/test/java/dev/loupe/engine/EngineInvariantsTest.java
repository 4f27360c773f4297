package dev.loupe.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.engine.testing.TestCheckpoints.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Structural identities every causal model must satisfy, checked on random checkpoints of each family. */
class EngineInvariantsTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> causalFamilies() {
        return Stream.of(
                Arguments.of("gpt2", Spec.gpt2()),
                Arguments.of("llama-gqa", Spec.llama()),
                Arguments.of("qwen2-tied-bias", Spec.qwen2()),
                Arguments.of("mistral-window", Spec.mistral().withConfig("sliding_window", 4)));
    }

    private static final long[] TOKENS = {5, 17, 3, 9, 42, 8, 8, 21, 5, 17};

    private LoupeModel open(Spec spec) {
        return LoupeModel.open(TestCheckpoints.write(tmp.resolve(spec.modelType()), spec));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("causalFamilies")
    void patternsAreCausalDistributions(String name, Spec spec) {
        try (LoupeModel m = open(spec); RunResult r = m.run(RunRequest.of(TOKENS).capture("*hook_pattern"))) {
            for (int l = 0; l < spec.layers(); l++) {
                NDArray p = r.cache().get("blocks." + l + ".attn.hook_pattern");
                assertArrayEquals(new long[] {1, spec.heads(), TOKENS.length, TOKENS.length}, p.getShape().getShape());
                float[] v = p.toFloatArray();
                int n = TOKENS.length;
                for (int h = 0; h < spec.heads(); h++) {
                    for (int q = 0; q < n; q++) {
                        double sum = 0;
                        for (int k = 0; k < n; k++) {
                            float a = v[(h * n + q) * n + k];
                            if (k > q) {
                                assertEquals(0f, a, "attention above the diagonal at layer " + l + " head " + h);
                            }
                            sum += a;
                        }
                        assertEquals(1.0, sum, 1e-5, "row " + q + " of layer " + l + " head " + h);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("causalFamilies")
    void residualStreamAddsUp(String name, Spec spec) {
        try (LoupeModel m = open(spec); RunResult r = m.run(RunRequest.of(TOKENS).capture("*"))) {
            for (int l = 0; l < spec.layers(); l++) {
                String b = "blocks." + l + ".";
                NDArray sum = r.cache().get(b + "hook_resid_pre").add(r.cache().get(b + "hook_attn_out"))
                        .add(r.cache().get(b + "hook_mlp_out"));
                assertClose(sum.toFloatArray(), r.cache().floats(b + "hook_resid_post"), 1e-5, b + "hook_resid_post");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("causalFamilies")
    void unembeddingTheFinalNormGivesTheLogits(String name, Spec spec) {
        try (LoupeModel m = open(spec); RunResult r = m.run(RunRequest.of(TOKENS).capture("*"))) {
            // W_U read back from the file independently of the engine's own copy.
            var tensors = TestCheckpoints.tensors(spec);
            String head = spec.tied()
                    ? (spec.modelType().equals("gpt2") ? "wte.weight" : "model.embed_tokens.weight")
                    : "lm_head.weight";
            float[] wU = tensors.get(head).toFloatArray();
            float[] normed = r.cache().floats("ln_final.hook_normalized");
            float[] logits = r.cache().floats("logits");
            int d = spec.dModel();
            int v = spec.vocab();
            float[] expected = new float[TOKENS.length * v];
            for (int p = 0; p < TOKENS.length; p++) {
                for (int t = 0; t < v; t++) {
                    double s = 0;
                    for (int i = 0; i < d; i++) {
                        s += normed[p * d + i] * wU[t * d + i];
                    }
                    expected[p * v + t] = (float) s;
                }
            }
            assertClose(expected, logits, 1e-4, "logits");
            assertClose(logits, r.logits().toFloatArray(), 0, "RunResult.logits");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("causalFamilies")
    void theUnembeddingReadsTheLastResidualAsTheLogits(String name, Spec spec) {
        try (LoupeModel m = open(spec); RunResult r = m.run(RunRequest.of(TOKENS).capture("*hook_resid_post"));
                ai.djl.ndarray.NDManager scratch = m.manager().newSubManager()) {
            NDArray last = r.cache().get("blocks." + (spec.layers() - 1) + ".hook_resid_post");
            NDArray copy = last.duplicate();
            copy.attach(scratch);
            assertClose(r.logits().toFloatArray(), m.unembedding().apply(copy).toFloatArray(), 1e-5,
                    "logit lens at the last layer");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("causalFamilies")
    void steeringWithCoefficientZeroChangesNothing(String name, Spec spec) {
        // Not a constant vector: LayerNorm subtracts the mean, so a constant shift is invisible to GPT-2.
        float[] vector = new float[spec.dModel()];
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) random.nextGaussian() * 3f;
        }
        try (LoupeModel m = open(spec);
                RunResult plain = m.run(RunRequest.of(TOKENS));
                RunResult zero = m.run(RunRequest.of(TOKENS)
                        .intervene(Intervention.addVector("blocks.0.hook_resid_post", vector, 0.0)));
                RunResult steered = m.run(RunRequest.of(TOKENS)
                        .intervene(Intervention.addVector("blocks.0.hook_resid_post", vector, 2.0)))) {
            assertClose(plain.logits().toFloatArray(), zero.logits().toFloatArray(), 0, "coefficient 0");
            assertTrue(maxAbsDiff(plain.logits().toFloatArray(), steered.logits().toFloatArray()) > 1e-3,
                    "a non-zero coefficient must change the logits");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("causalFamilies")
    void kvCachedGenerationEqualsUncached(String name, Spec spec) {
        try (LoupeModel m = open(spec)) {
            GenerateRequest greedy = GenerateRequest.greedy(new long[] {4, 9, 11}, 12).withStopAtEos(false);
            Generation cached = m.generate(greedy, null);
            Generation uncached = m.generate(greedy.withKvCache(false), null);
            assertArrayEquals(uncached.generated(), cached.generated());
            assertEquals(12, cached.generated().length);

            GenerateRequest sampled = greedy.withSampling(1.0, 20, 0.9, 7);
            assertArrayEquals(m.generate(sampled.withKvCache(false), null).generated(),
                    m.generate(sampled, null).generated());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("causalFamilies")
    void patchingFromAnotherRunCarriesItsActivation(String name, Spec spec) {
        long[] other = {7, 7, 30, 2, 19, 44, 6, 1, 13, 12};
        try (LoupeModel m = open(spec);
                RunResult source = m.run(RunRequest.of(other).capture("blocks.*.hook_resid_post"));
                RunResult self = m.run(RunRequest.of(TOKENS).capture("blocks.*.hook_resid_post"))) {
            String last = "blocks." + (spec.layers() - 1) + ".hook_resid_post";
            try (RunResult patched = m.run(RunRequest.of(TOKENS)
                    .intervene(Intervention.patch(last, source.cache())))) {
                assertClose(source.logits().toFloatArray(), patched.logits().toFloatArray(), 1e-5,
                        "logits after patching the last residual stream");
            }
            try (RunResult selfPatched = m.run(RunRequest.of(TOKENS)
                    .intervene(Intervention.patch("blocks.0.hook_resid_post", self.cache())))) {
                assertClose(self.logits().toFloatArray(), selfPatched.logits().toFloatArray(), 0, "self patch");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("causalFamilies")
    void ablatingEveryHeadLeavesOnlyTheOutputBias(String name, Spec spec) {
        try (LoupeModel m = open(spec);
                RunResult r = m.run(RunRequest.of(TOKENS).capture("blocks.0.hook_attn_out")
                        .intervene(Intervention.zeroAblate("blocks.0.attn.hook_z")));
                RunResult partial = m.run(RunRequest.of(TOKENS).capture("blocks.0.attn.hook_z")
                        .intervene(Intervention.zeroAblate("blocks.0.attn.hook_z", 1)))) {
            float[] out = r.cache().floats("blocks.0.hook_attn_out");
            int d = spec.dModel();
            for (int p = 1; p < TOKENS.length; p++) {
                for (int i = 0; i < d; i++) {
                    assertEquals(out[i], out[p * d + i], 1e-6, "with z = 0 every position gets the same (bias) output");
                }
            }
            float[] z = partial.cache().floats("blocks.0.attn.hook_z");
            int h = spec.heads();
            int dh = spec.headDim();
            double head0 = 0;
            for (int p = 0; p < TOKENS.length; p++) {
                for (int i = 0; i < dh; i++) {
                    assertEquals(0f, z[(p * h + 1) * dh + i], "head 1 ablated");
                    head0 += Math.abs(z[(p * h) * dh + i]);
                }
            }
            assertTrue(head0 > 0, "head 0 untouched");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("causalFamilies")
    void hookNamesAreTransformerLensNames(String name, Spec spec) {
        try (LoupeModel m = open(spec)) {
            List<String> hooks = m.hookNames();
            for (String h : List.of("hook_embed", "blocks.0.hook_resid_pre", "blocks.0.ln1.hook_normalized",
                    "blocks.0.attn.hook_q", "blocks.0.attn.hook_k", "blocks.0.attn.hook_v",
                    "blocks.0.attn.hook_attn_scores", "blocks.0.attn.hook_pattern", "blocks.0.attn.hook_z",
                    "blocks.0.hook_attn_out", "blocks.0.hook_resid_mid", "blocks.0.ln2.hook_normalized",
                    "blocks.0.mlp.hook_pre", "blocks.0.mlp.hook_post", "blocks.0.hook_mlp_out",
                    "blocks.0.hook_resid_post", "ln_final.hook_normalized", "logits")) {
                assertTrue(hooks.contains(h), h);
            }
            try (RunResult r = m.run(RunRequest.of(TOKENS).capture("*"))) {
                assertEquals(List.copyOf(r.cache().names()), hooks, "a full capture yields every hook in forward order");
                int kv = spec.kvHeads();
                assertArrayEquals(new long[] {1, TOKENS.length, kv, spec.headDim()}, r.cache().shape("blocks.1.attn.hook_k"));
                assertArrayEquals(new long[] {1, TOKENS.length, spec.heads(), spec.headDim()}, r.cache().shape("blocks.1.attn.hook_z"));
                assertArrayEquals(new long[] {1, TOKENS.length, spec.vocab()}, r.cache().shape("logits"));
            }
        }
    }

    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        double diff = maxAbsDiff(expected, actual);
        assertTrue(diff <= tol, what + ": max abs difference " + diff + " > " + tol);
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }
}
