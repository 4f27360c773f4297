package dev.loupe.engine.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.TextSpec;
import dev.loupe.engine.family.TransformersFixtures.Layout;
import dev.loupe.engine.format.HfConfig;
import dev.loupe.engine.format.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFamiliesTest {
    @TempDir
    Path tmp;

    private static HfConfig config(String json) {
        return HfConfig.of(Path.of("config.json"), JsonParser.parseString(json).getAsJsonObject());
    }

    @Test
    void theBuiltInFamiliesAreDiscovered() {
        assertEquals(List.of("gpt2", "looped", "llama", "bert"), ModelFamilies.all().stream().map(ModelFamily::name).toList());
        assertEquals(List.of("bert", "gpt2", "llama", "loupe_looped", "mistral", "qwen2"), ModelFamilies.modelTypes());
    }

    @Test
    void modelTypeChoosesTheFamily() {
        assertEquals("llama", ModelFamilies.forConfig(config("{\"model_type\": \"Qwen2\"}")).name());
        assertEquals("looped", ModelFamilies.forConfig(config("{\"model_type\": \"loupe_looped\"}")).name());
        assertEquals("bert", ModelFamilies.forConfig(config("{\"model_type\": \"bert\"}")).name());
    }

    @Test
    void architecturesStandInForAMissingModelType() {
        assertEquals("gpt2", ModelFamilies.forConfig(config("{\"architectures\": [\"GPT2LMHeadModel\"]}")).name());
        assertEquals("llama", ModelFamilies.forConfig(config("{\"architectures\": [\"MistralForCausalLM\"]}")).name());
        assertEquals("bert", ModelFamilies.forConfig(config("{\"architectures\": [\"BertForMaskedLM\"]}")).name());
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ModelFamilies.forConfig(config("{\"architectures\": [\"MambaForCausalLM\"]}")));
        assertTrue(e.getMessage().contains("missing field \"model_type\""), e.getMessage());
    }

    @Test
    void anUnsupportedModelTypeListsTheRegistrysTypes() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ModelFamilies.forConfig(config("{\"model_type\": \"gemma2\"}")));
        assertTrue(e.getMessage().contains("\"gemma2\" is not supported (Loupe runs bert, gpt2, llama, loupe_looped, mistral, qwen2)"),
                e.getMessage());
    }

    /** A model opened without model_type in its config is read by the family its architectures name. */
    @Test
    void opensByArchitecture() throws IOException {
        Path dir = TransformersFixtures.copy("mistral", Layout.V5, tmp, c -> c.remove("model_type"));
        try (LoupeModel m = LoupeModel.open(dir)) {
            assertEquals("llama", m.info().family());
            assertEquals("llama", m.info().modelType());
        }
    }

    @Test
    void modelInfoCarriesTheTextSideApart() {
        Path dir = TransformersFixtures.copy("bert", Layout.V5, tmp, c -> { });
        try (LoupeModel m = LoupeModel.open(dir)) {
            assertEquals(new TextSpec(64, 64, true), m.info().modality());
            assertEquals(64, m.info().dVocab());
            assertTrue(m.info().hasLmHead());
            JsonObject json = m.info().toJson();
            assertEquals(List.of("family", "model_type", "layers", "heads", "kv_heads", "d_model", "d_head", "d_mlp",
                    "d_vocab", "context_length", "parameters", "dtype", "compute_dtype", "device", "causal", "lm_head",
                    "path"), List.copyOf(json.keySet()));
        }
    }
}
