package dev.loupe.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loupe.engine.format.SafetensorsFile;
import dev.loupe.engine.format.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyGpt2Test {

    private static final TinyGpt2.Config CONFIG = new TinyGpt2.Config(50, 16, 32, 2, 4);

    @BeforeAll
    static void offline() {
        System.setProperty("ai.djl.offline", "true");
    }

    @Test
    void laterTokensDoNotChangeEarlierLogits() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TinyGpt2 model = new TinyGpt2(manager, CONFIG, 1);
            float[] a = model.forward(manager.create(new long[] {0, 5, 7, 9}, new Shape(1, 4)), null)
                    .get(0, 2).toFloatArray();
            float[] b = model.forward(manager.create(new long[] {0, 5, 7, 42}, new Shape(1, 4)), null)
                    .get(0, 2).toFloatArray();
            assertArrayEquals(a, b, 1e-5f);
        }
    }

    @Test
    void attentionPatternsAreCausalAndNormalised() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TinyGpt2 model = new TinyGpt2(manager, CONFIG, 1);
            List<NDArray> patterns = new ArrayList<>();
            model.forward(manager.create(new long[] {0, 3, 4, 5, 6}, new Shape(1, 5)), patterns);
            assertEquals(CONFIG.nLayer(), patterns.size());
            float[] p = patterns.get(1).toFloatArray(); // [1, head, q, k]
            for (int h = 0; h < CONFIG.nHead(); h++) {
                for (int q = 0; q < 5; q++) {
                    float sum = 0;
                    for (int k = 0; k < 5; k++) {
                        float v = p[(h * 5 + q) * 5 + k];
                        if (k > q) {
                            assertEquals(0f, v);
                        }
                        sum += v;
                    }
                    assertEquals(1f, sum, 1e-5f);
                }
            }
        }
    }

    @Test
    void geluNewIsTheTanhApproximation() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TinyGpt2 model = new TinyGpt2(manager, CONFIG, 1);
            float[] xs = {-3f, -0.5f, 0f, 0.7f, 2.5f};
            float[] ys = model.geluNew(manager.create(xs)).toFloatArray();
            for (int i = 0; i < xs.length; i++) {
                double x = xs[i];
                double expected = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
                assertEquals(expected, ys[i], 1e-6);
            }
            // ... and not the exact erf GELU, which differs here by about 2e-4.
            assertNotEquals(0.5 * -3 * (1 + erf(-3 / Math.sqrt(2))), ys[0], 1e-5);
        }
    }

    @Test
    void savesAHuggingFaceGpt2Checkpoint(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            new TinyGpt2(manager, CONFIG, 1).save(dir, Map.of("trainer", "test"));
        }
        JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        assertEquals("gpt2", config.get("model_type").getAsString());
        assertEquals("gelu_new", config.get("activation_function").getAsString());
        assertEquals(32, config.get("n_embd").getAsInt());
        assertEquals(true, config.get("tie_word_embeddings").getAsBoolean());
        try (SafetensorsFile file = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertEquals("pt", file.metadata().get("format"));
            assertArrayEquals(new long[] {50, 32}, shape(file, "wte.weight"));
            assertArrayEquals(new long[] {16, 32}, shape(file, "wpe.weight"));
            assertArrayEquals(new long[] {32, 96}, shape(file, "h.1.attn.c_attn.weight"));
            assertArrayEquals(new long[] {96}, shape(file, "h.1.attn.c_attn.bias"));
            assertArrayEquals(new long[] {32, 128}, shape(file, "h.0.mlp.c_fc.weight"));
            assertArrayEquals(new long[] {128, 32}, shape(file, "h.0.mlp.c_proj.weight"));
            assertArrayEquals(new long[] {32}, shape(file, "ln_f.bias"));
            assertEquals(2 + 2 * 12 + 2, file.names().size()); // no lm_head: tied to wte
        }
    }

    @Test
    void loadsWhatItSaved(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            TinyGpt2 saved = new TinyGpt2(manager, CONFIG, 3);
            saved.save(dir, Map.of());
            TinyGpt2 loaded = TinyGpt2.load(manager, dir);
            assertEquals(CONFIG, loaded.config());
            NDArray ids = manager.create(new long[] {0, 4, 8, 15, 16, 23, 42}, new Shape(1, 7));
            assertArrayEquals(saved.forward(ids, null).toFloatArray(), loaded.forward(ids, null).toFloatArray(), 0f);
        }
    }

    private static long[] shape(SafetensorsFile file, String name) {
        TensorInfo info = file.info(name);
        return info.shape();
    }

    // Abramowitz and Stegun 7.1.26, good to 1.5e-7: enough to tell the two GELUs apart.
    private static double erf(double x) {
        double t = 1 / (1 + 0.3275911 * Math.abs(x));
        double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
                + 0.254829592) * t * Math.exp(-x * x);
        return Math.signum(x) * y;
    }
}
