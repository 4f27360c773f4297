package dev.loupe.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.loupe.engine.format.TensorDType;
import dev.loupe.engine.format.TensorData;
import dev.loupe.engine.testing.Gpt2Reference;
import dev.loupe.engine.testing.LlamaReference;
import dev.loupe.engine.testing.ReferenceMath;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.engine.testing.TestCheckpoints.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine against independent plain-Java references of Hugging Face transformers' GPT-2 and Llama-family
 * forward passes ({@link Gpt2Reference}, {@link LlamaReference}), on random checkpoints that vary every config field
 * the engine reads: sizes, head counts, GQA ratios, head_dim, tied and untied heads, rope theta and scaling,
 * biases, activations, sliding windows, and F16/BF16 storage. Logits and every block's residual stream must agree
 * to 1e-4 relative error (max |engine - reference| / max |reference|) in F32 compute.
 */
class ReferenceParityTest {
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path tmp;

    static Stream<Arguments> cases() {
        JsonObject llama3 = rope("llama3", 8.0);
        llama3.addProperty("low_freq_factor", 1.0);
        llama3.addProperty("high_freq_factor", 4.0);
        llama3.addProperty("original_max_position_embeddings", 16);
        // original 32 with head_dim 16 puts frequencies in all three llama3 bands (kept, smoothed, divided).
        JsonObject llama3AllBands = llama3.deepCopy();
        llama3AllBands.addProperty("original_max_position_embeddings", 32);
        // The pre-4.43 spelling "type" must still be understood.
        JsonObject linearOldKey = new JsonObject();
        linearOldKey.addProperty("type", "linear");
        linearOldKey.addProperty("factor", 4.0);

        Spec gpt2 = Spec.gpt2();
        Spec llama = Spec.llama();
        return Stream.of(
                // ---- GPT-2 ----
                Arguments.of("gpt2 d32 h4 tied", gpt2, 16),
                Arguments.of("gpt2 d64 h8 3 layers untied", gpt2.withDims(64, 160).withHeads(8, 8).withLayers(3)
                        .withVocab(96).withTied(false).withSeed(11), 20),
                Arguments.of("gpt2 scale_attn_by_inverse_layer_idx", gpt2.withLayers(3).withSeed(12)
                        .withConfig("scale_attn_by_inverse_layer_idx", true), 16),
                Arguments.of("gpt2 exact gelu h2", gpt2.withHeads(2, 2).withSeed(13)
                        .withConfig("activation_function", "gelu"), 12),
                Arguments.of("gpt2 relu eps 1e-2", gpt2.withDims(48, 96).withHeads(6, 6).withSeed(14)
                        .withConfig("activation_function", "relu").withConfig("layer_norm_epsilon", 1e-2), 12),
                Arguments.of("gpt2 n_inner null", gpt2.withDims(32, 128).withSeed(15)
                        .withConfig("n_inner", JsonNull.INSTANCE), 10),
                Arguments.of("gpt2 long input", gpt2.withSeed(16), 60),

                // ---- Llama ----
                Arguments.of("llama gqa 2 untied", llama, 16),
                Arguments.of("llama mha tied", llama.withHeads(4, 4).withTied(true).withSeed(21), 16),
                Arguments.of("llama gqa 4 d64 3 layers", llama.withDims(64, 128).withHeads(8, 2).withLayers(3)
                        .withVocab(100).withSeed(22), 16),
                Arguments.of("llama mqa kv=1", llama.withHeads(4, 1).withSeed(23), 16),
                Arguments.of("llama head_dim 16 != d/heads", llama.withDims(48, 96).withHeads(4, 2).withSeed(24)
                        .withConfig("head_dim", 16), 16),
                Arguments.of("llama rope_theta 500000", llama.withLayers(3).withSeed(25)
                        .withConfig("rope_theta", 500000.0), 24),
                Arguments.of("llama3 rope_scaling", llama.withContext(64).withSeed(26)
                        .withConfig("rope_theta", 500000.0).withConfig("rope_scaling", llama3), 48),
                Arguments.of("llama3 rope_scaling all bands hd16", llama.withDims(64, 128).withHeads(4, 2)
                        .withContext(80).withSeed(27).withConfig("rope_scaling", llama3AllBands), 56),
                Arguments.of("llama linear rope_scaling (type key)", llama.withContext(64).withSeed(28)
                        .withConfig("rope_scaling", linearOldKey), 40),
                Arguments.of("llama dynamic rope_scaling", llama.withContext(64).withSeed(29)
                        .withConfig("rope_scaling", rope("dynamic", 2.0)), 40),
                Arguments.of("llama attention_bias mlp_bias eps 1e-2", llama.withSeed(30)
                        .withConfig("attention_bias", true).withConfig("mlp_bias", true)
                        .withConfig("rms_norm_eps", 1e-2), 16),
                Arguments.of("llama head_dim override + bias + tied", llama.withDims(32, 64).withHeads(2, 1)
                        .withTied(true).withSeed(31).withConfig("head_dim", 24).withConfig("attention_bias", true), 12),
                Arguments.of("llama hidden_act gelu", llama.withSeed(32).withConfig("hidden_act", "gelu"), 12),

                // ---- Qwen2 ----
                Arguments.of("qwen2 tied qkv bias", Spec.qwen2(), 16),
                Arguments.of("qwen2 untied gqa 4", Spec.qwen2().withHeads(8, 2).withDims(64, 96).withTied(false)
                        .withSeed(40).withConfig("rope_theta", 1000000.0), 16),
                Arguments.of("qwen2 sliding_window ignored without use_sliding_window", Spec.qwen2().withSeed(41)
                        .withConfig("sliding_window", 4).withConfig("use_sliding_window", false), 16),
                Arguments.of("qwen2 use_sliding_window from layer 1", Spec.qwen2().withLayers(3).withSeed(42)
                        .withConfig("use_sliding_window", true).withConfig("sliding_window", 5)
                        .withConfig("max_window_layers", 1), 16),
                // Recent transformers write layer_types into config.json; it overrides max_window_layers.
                Arguments.of("qwen2 layer_types sliding then full", Spec.qwen2().withSeed(43)
                        .withConfig("use_sliding_window", true).withConfig("sliding_window", 4)
                        .withConfig("layer_types", List.of("sliding_attention", "full_attention")), 16),

                // ---- Mistral ----
                Arguments.of("mistral sliding_window 5", Spec.mistral().withSeed(50)
                        .withConfig("sliding_window", 5), 20),
                Arguments.of("mistral sliding_window null", Spec.mistral().withSeed(51).withHeads(4, 1)
                        .withConfig("sliding_window", JsonNull.INSTANCE), 20),

                // ---- stored in half precision, computed in F32 ----
                Arguments.of("llama F16", llama.withDtype(TensorDType.F16).withSeed(60), 16),
                Arguments.of("llama BF16", llama.withDtype(TensorDType.BF16).withSeed(61), 16),
                Arguments.of("gpt2 F16", gpt2.withDtype(TensorDType.F16).withSeed(62), 16),
                Arguments.of("qwen2 BF16", Spec.qwen2().withDtype(TensorDType.BF16).withSeed(63), 16),
                Arguments.of("mistral F16 window", Spec.mistral().withDtype(TensorDType.F16).withSeed(64)
                        .withConfig("sliding_window", 3), 12));
    }

    private static JsonObject rope(String type, double factor) {
        JsonObject o = new JsonObject();
        o.addProperty("rope_type", type);
        o.addProperty("factor", factor);
        return o;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void logitsAndResidualStreamMatchTheReference(String name, Spec spec, int length) {
        long[] tokens = randomTokens(spec, length);
        Path dir = TestCheckpoints.write(tmp.resolve("ckpt"), spec);

        // The reference reads config.json itself and gets the very values the file stores (F16/BF16 rounded).
        JsonObject config = ReferenceMath.readConfig(dir);
        Map<String, TensorData> tensors = TestCheckpoints.tensors(spec);
        if (spec.dtype() != TensorDType.F32) {
            tensors.replaceAll((k, v) -> v.convert(spec.dtype()));
        }
        ReferenceMath.Forward expected = spec.modelType().equals("gpt2")
                ? new Gpt2Reference(config, tensors).forward(tokens)
                : new LlamaReference(config, tensors).forward(tokens);

        try (LoupeModel model = LoupeModel.open(dir);
                RunResult run = model.run(RunRequest.of(tokens).capture("blocks.*.hook_resid_post", "logits"))) {
            double worst = 0;
            for (int l = 0; l < spec.layers(); l++) {
                String hook = "blocks." + l + ".hook_resid_post";
                assertArrayEquals(new long[] {1, length, spec.dModel()}, run.cache().shape(hook), hook);
                worst = Math.max(worst, check(name, hook, expected.residPost().get(l), run.cache().floats(hook),
                        TOLERANCE));
            }
            assertArrayEquals(new long[] {1, length, spec.vocab()}, run.logits().getShape().getShape(), "logits");
            worst = Math.max(worst, check(name, "logits", expected.logits(), run.logits().toFloatArray(), TOLERANCE));
            System.out.printf("%-60s worst relative error %.3g%n", name, worst);
        }
    }

    static Stream<Arguments> activations() {
        return Stream.of("gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "quick_gelu", "relu", "silu")
                .flatMap(act -> Stream.of(
                        Arguments.of(act, Spec.gpt2().withLayers(1).withConfig("activation_function", act)),
                        Arguments.of(act, Spec.llama().withLayers(1).withConfig("hidden_act", act))));
    }

    /**
     * Each activation checked in isolation against transformers' ACT2FN definition, applied to the engine's own
     * mlp.hook_pre. End to end, exact gelu and its tanh approximation differ by only about 2e-4 relative, too close
     * to the parity tolerance to tell apart reliably; here they differ by orders of magnitude more than float error.
     */
    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("activations")
    void mlpActivationIsTransformersDefinition(String act, Spec spec) {
        Path dir = TestCheckpoints.write(tmp.resolve("ckpt"), spec);
        boolean gated = !spec.modelType().equals("gpt2");
        try (LoupeModel model = LoupeModel.open(dir);
                RunResult run = model.run(RunRequest.of(randomTokens(spec, 16)).capture("blocks.0.mlp.*"))) {
            float[] pre = run.cache().floats("blocks.0.mlp.hook_pre");
            float[] linear = gated ? run.cache().floats("blocks.0.mlp.hook_pre_linear") : null;
            float[] post = run.cache().floats("blocks.0.mlp.hook_post");
            double[][] expected = new double[1][pre.length];
            for (int i = 0; i < pre.length; i++) {
                // LlamaMLP: down(act(gate(x)) * up(x)); TransformerLens calls up(x) hook_pre_linear.
                expected[0][i] = ReferenceMath.activation(act, pre[i]) * (gated ? linear[i] : 1);
            }
            // Float32 evaluation of the same formula stays within a few ulps; a different formula does not.
            check(spec.modelType() + " " + act, "blocks.0.mlp.hook_post", expected, post, 1e-5);
        }
    }

    /** Relative error max|a - b| / max|b| of the engine's flat [pos * width] values against the reference. */
    private static double check(String name, String what, double[][] reference, float[] actual,
            double tolerance) {
        int width = reference[0].length;
        assertTrue(actual.length == reference.length * width, what + ": " + actual.length + " values, expected "
                + reference.length * width);
        double maxDiff = 0;
        double maxRef = 0;
        int worstPos = -1;
        int worstIdx = -1;
        for (int p = 0; p < reference.length; p++) {
            for (int i = 0; i < width; i++) {
                double diff = Math.abs(actual[p * width + i] - reference[p][i]);
                if (diff > maxDiff) {
                    maxDiff = diff;
                    worstPos = p;
                    worstIdx = i;
                }
                maxRef = Math.max(maxRef, Math.abs(reference[p][i]));
            }
        }
        double rel = maxDiff / maxRef;
        String where = worstPos < 0 ? "" : " (worst at position " + worstPos + ", index " + worstIdx + ": engine "
                + actual[worstPos * width + worstIdx] + ", reference " + reference[worstPos][worstIdx] + ")";
        assertTrue(rel <= tolerance, name + " " + what + ": relative error " + rel + " > " + tolerance + where);
        return rel;
    }

    private static long[] randomTokens(Spec spec, int length) {
        Random r = new Random(spec.seed() * 31 + length);
        long[] ids = new long[length];
        for (int i = 0; i < length; i++) {
            ids[i] = r.nextInt(spec.vocab());
        }
        return ids;
    }
}
