package dev.loupe.engine.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.family.TransformersFixtures.Layout;
import dev.loupe.engine.format.ModelFormatException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A config field that changes the forward pass and that Loupe does not implement is refused with one line naming
 * the field, never read as a default; so is a field of the wrong type.
 */
class ConfigRefusalTest {
    @TempDir
    Path tmp;

    private static Consumer<JsonObject> set(String field, String json) {
        return c -> c.add(field, JsonParser.parseString(json));
    }

    private static Consumer<JsonObject> rope(String field, String json) {
        return c -> c.getAsJsonObject("rope_parameters").add(field, JsonParser.parseString(json));
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                // rotary settings, transformers 5 layout
                Arguments.of("qwen2", Layout.V5, rope("rope_type", "\"yarn\""), List.of("rope_parameters.rope_type", "yarn")),
                Arguments.of("qwen2", Layout.V5, rope("rope_type", "\"longrope\""), List.of("rope_parameters.rope_type", "longrope")),
                Arguments.of("qwen2", Layout.V5, rope("rope_type", "{\"a\": 1}"), List.of("rope_parameters.rope_type", "string")),
                Arguments.of("llama", Layout.V5, rope("factor", "\"abc\""), List.of("rope_parameters.factor", "abc")),
                Arguments.of("llama", Layout.V5, rope("factor", "-2"), List.of("rope_parameters.factor", "positive")),
                Arguments.of("qwen2", Layout.V5, rope("rope_theta", "\"big\""), List.of("rope_parameters.rope_theta")),
                Arguments.of("qwen2", Layout.V5, rope("partial_rotary_factor", "0.5"), List.of("rope_parameters.partial_rotary_factor")),
                Arguments.of("qwen2", Layout.V5, rope("rope_type", "\"llama3\""), List.of("rope_parameters.factor", "llama3")),
                Arguments.of("qwen2", Layout.V5, set("rope_parameters",
                        "{\"full_attention\": {\"rope_type\": \"default\", \"rope_theta\": 10000}}"),
                        List.of("rope_parameters.full_attention", "per layer type")),
                Arguments.of("qwen2", Layout.V5, set("rope_scaling", "{\"rope_type\": \"linear\", \"factor\": 2}"),
                        List.of("rope_scaling", "rope_parameters")),
                // rotary settings, transformers 4 layout
                Arguments.of("qwen2", Layout.V4, set("rope_scaling", "{\"type\": \"su\", \"factor\": 2}"), List.of("rope_scaling.type", "su")),
                Arguments.of("llama", Layout.V4, set("rope_scaling", "{\"rope_type\": \"linear\", \"factor\": [2]}"),
                        List.of("rope_scaling.factor")),
                Arguments.of("llama", Layout.V4, set("partial_rotary_factor", "0.5"), List.of("partial_rotary_factor")),
                // attention kinds
                Arguments.of("qwen2", Layout.V5, set("layer_types", "[\"full_attention\", \"chunked_attention\"]"),
                        List.of("layer_types", "chunked_attention")),
                Arguments.of("qwen2", Layout.V5, set("layer_types", "[\"full_attention\"]"), List.of("layer_types", "one attention type per layer")),
                Arguments.of("llama", Layout.V5, set("layer_types", "[\"full_attention\", \"sliding_attention\"]"),
                        List.of("layer_types", "sliding_attention")),
                Arguments.of("mistral", Layout.V5, set("layer_types", "[\"full_attention\", \"sliding_attention\"]"),
                        List.of("layer_types", "full_attention")),
                Arguments.of("mistral", Layout.V5, set("sliding_window", "\"wide\""), List.of("sliding_window")),
                // what other architectures add
                Arguments.of("llama", Layout.V5, set("attn_logit_softcapping", "50.0"), List.of("attn_logit_softcapping", "soft-capping")),
                Arguments.of("qwen2", Layout.V5, set("final_logit_softcapping", "30.0"), List.of("final_logit_softcapping")),
                Arguments.of("llama", Layout.V5, set("query_pre_attn_scalar", "256"), List.of("query_pre_attn_scalar")),
                Arguments.of("llama", Layout.V5, set("attention_multiplier", "0.5"), List.of("attention_multiplier")),
                Arguments.of("mistral", Layout.V5, set("logits_scaling", "8"), List.of("logits_scaling")),
                Arguments.of("qwen2", Layout.V5, set("use_qk_norm", "true"), List.of("use_qk_norm", "query/key norms")),
                Arguments.of("gpt2", Layout.V5, set("qk_layernorm", "true"), List.of("qk_layernorm")),
                Arguments.of("bert", Layout.V5, set("use_parallel_residual", "true"), List.of("use_parallel_residual")),
                // per-family fields
                Arguments.of("gpt2", Layout.V5, set("scale_attn_weights", "false"), List.of("scale_attn_weights")),
                Arguments.of("gpt2", Layout.V5, set("add_cross_attention", "true"), List.of("add_cross_attention")),
                Arguments.of("bert", Layout.V5, set("is_decoder", "true"), List.of("is_decoder")),
                Arguments.of("bert", Layout.V5, set("position_embedding_type", "\"relative_key\""), List.of("position_embedding_type")),
                // wrong types
                Arguments.of("llama", Layout.V5, set("eos_token_id", "[\"x\", 2]"), List.of("eos_token_id", "entry 0")),
                Arguments.of("gpt2", Layout.V5, set("eos_token_id", "\"end\""), List.of("eos_token_id")),
                Arguments.of("qwen2", Layout.V5, set("dtype", "\"int8\""), List.of("dtype", "int8")),
                Arguments.of("qwen2", Layout.V4, set("torch_dtype", "7"), List.of("torch_dtype")));
    }

    @ParameterizedTest(name = "{0} {1}: {3}")
    @MethodSource("refusals")
    void refusesNamingTheField(String name, Layout layout, Consumer<JsonObject> edit, List<String> fragments) {
        Path dir = TransformersFixtures.copy(name, layout, tmp, edit);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> LoupeModel.open(dir).close());
        String msg = e.getMessage();
        assertEquals(1, msg.lines().count(), msg);
        assertTrue(msg.contains("config.json"), msg);
        for (String f : fragments) {
            assertTrue(msg.contains(f), "message should name \"" + f + "\": " + msg);
        }
    }

    /** Values that change nothing are accepted: the harmless spelling of each refused field, and both dtype fields. */
    @Test
    void harmlessValuesOpen() {
        Path dir = TransformersFixtures.copy("qwen2", Layout.V5, tmp, c -> {
            c.addProperty("attn_logit_softcapping", (String) null);
            c.add("final_logit_softcapping", com.google.gson.JsonNull.INSTANCE);
            c.addProperty("use_qk_norm", false);
            c.addProperty("partial_rotary_factor", 1.0);
            c.addProperty("torch_dtype", "float32");
            c.getAsJsonObject("rope_parameters").addProperty("partial_rotary_factor", 1);
            c.add("eos_token_id", JsonParser.parseString("[2, 5]"));
        });
        try (LoupeModel m = LoupeModel.open(dir)) {
            assertEquals("qwen2", m.info().modelType());
        }
    }
}
