package dev.loupe.engine.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.engine.family.TransformersFixtures.Layout;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checkpoints that transformers 5 itself wrote load through LoupeModel.open, in transformers 5's config layout and
 * in transformers 4's, and give transformers' own attention patterns, last hidden state and logits. The rotary
 * base of the Llama-family fixtures is 50000 and Mistral and Qwen2 have sliding windows shorter than the input, so
 * a config field read wrongly shows as a mismatch.
 */
class TransformersCheckpointParityTest {
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path tmp;

    static Stream<Arguments> cases() {
        return Stream.of(TransformersFixtures.NAMES)
                .flatMap(n -> Stream.of(Arguments.of(n, Layout.V5), Arguments.of(n, Layout.V4)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void matchesTransformers(String name, Layout layout) {
        Path dir = TransformersFixtures.copy(name, layout, tmp, c -> { });
        Map<String, Double> errors = errors(dir, name);
        errors.forEach((what, err) -> assertTrue(err < TOLERANCE,
                name + " " + layout + " " + what + ": relative error " + err + " (all: " + errors + ")"));
    }

    @Test
    void fixturesUseEachLayoutAsTransformersSpellsIt() {
        var v5 = TransformersFixtures.config("qwen2", Layout.V5);
        assertEquals(50000.0, v5.getAsJsonObject("rope_parameters").get("rope_theta").getAsDouble());
        assertFalse(v5.has("rope_theta"));
        assertTrue(v5.has("layer_types") && v5.has("dtype"));
        var v4 = TransformersFixtures.config("qwen2", Layout.V4);
        assertEquals(50000.0, v4.get("rope_theta").getAsDouble());
        assertFalse(v4.has("rope_parameters") || v4.has("layer_types"));
        assertTrue(v4.has("torch_dtype"));
        assertEquals("linear", TransformersFixtures.config("llama", Layout.V5).getAsJsonObject("rope_parameters")
                .get("rope_type").getAsString());
    }

    /** The comparison is sharp enough to see the bug it guards against: the default rotary base instead of 50000. */
    @Test
    void aWrongRotaryBaseIsSeen() {
        Path dir = TransformersFixtures.copy("qwen2", Layout.V5, tmp,
                c -> c.getAsJsonObject("rope_parameters").addProperty("rope_theta", 10000.0));
        double err = errors(dir, "qwen2").get("pattern.1");
        assertTrue(err > 100 * TOLERANCE, "rope_theta 10000 should change layer 1's pattern, error " + err);
    }

    /** Without its sliding window, Qwen2's layer 1 (sliding_attention) attends differently from transformers. */
    @Test
    void aMissedSlidingWindowIsSeen() {
        Path dir = TransformersFixtures.copy("qwen2", Layout.V5, tmp, c -> c.addProperty("use_sliding_window", false));
        Map<String, Double> errors = errors(dir, "qwen2");
        assertTrue(errors.get("pattern.0") < TOLERANCE, "layer 0 is full attention either way: " + errors);
        assertTrue(errors.get("pattern.1") > 100 * TOLERANCE, "layer 1 slides in transformers: " + errors);
    }

    /** Relative error of each pattern.{layer}, last_hidden and logits against transformers'. */
    private static Map<String, Double> errors(Path dir, String name) {
        Map<String, float[]> expected = TransformersFixtures.expected(name);
        Map<String, Double> out = new java.util.TreeMap<>();
        try (LoupeModel model = LoupeModel.open(dir);
                RunResult r = model.run(RunRequest.of(TransformersFixtures.tokens(expected))
                        .capture("blocks.*.attn.hook_pattern"))) {
            for (int l = 0; l < model.info().layers(); l++) {
                out.put("pattern." + l, TransformersFixtures.relError(
                        r.cache().floats("blocks." + l + ".attn.hook_pattern"), expected.get("pattern." + l)));
            }
            out.put("last_hidden", TransformersFixtures.relError(r.lastHiddenState().toFloatArray(),
                    expected.get("last_hidden")));
            out.put("logits", TransformersFixtures.relError(r.logits().toFloatArray(), expected.get("logits")));
        }
        return out;
    }
}
