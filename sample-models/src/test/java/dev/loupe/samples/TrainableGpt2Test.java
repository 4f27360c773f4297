package dev.loupe.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
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

class TrainableGpt2Test {

    private static final TrainableGpt2.Config CONFIG = TrainableGpt2.Config.gpt2(50, 16, 32, 2, 4);

    @BeforeAll
    static void offline() {
        System.setProperty("ai.djl.offline", "true");
    }

    @Test
    void laterTokensDoNotChangeEarlierLogits() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainableGpt2 model = new TrainableGpt2(manager, CONFIG, 1);
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
            TrainableGpt2 model = new TrainableGpt2(manager, CONFIG, 1);
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
            TrainableGpt2 model = new TrainableGpt2(manager, CONFIG, 1);
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
            new TrainableGpt2(manager, CONFIG, 1).save(dir, Map.of("trainer", "test"));
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
            TrainableGpt2 saved = new TrainableGpt2(manager, CONFIG, 3);
            saved.save(dir, Map.of());
            TrainableGpt2 loaded = TrainableGpt2.load(manager, dir);
            assertEquals(CONFIG, loaded.config());
            NDArray ids = manager.create(new long[] {0, 4, 8, 15, 16, 23, 42}, new Shape(1, 7));
            assertArrayEquals(saved.forward(ids, null).toFloatArray(), loaded.forward(ids, null).toFloatArray(), 0f);
        }
    }

    @Test
    void aLoopedScheduleSavesOnlyItsDistinctBlocksAsLoupeLooped(@TempDir Path dir) throws Exception {
        TrainableGpt2.Config looped = TrainableGpt2.Config.looped(50, 16, 32, 4, List.of(0, 0, 1, 1, 1));
        try (NDManager manager = NDManager.newBaseManager()) {
            new TrainableGpt2(manager, looped, 1).save(dir, Map.of());
            assertEquals(looped, TrainableGpt2.load(manager, dir).config());
        }
        JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        assertEquals("loupe_looped", config.get("model_type").getAsString());
        assertEquals(2, config.get("n_layer").getAsInt());
        assertEquals("[0,0,1,1,1]", config.get("block_schedule").toString());
        try (SafetensorsFile file = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertEquals(2 + 2 * 12 + 2, file.names().size());
        }
    }

    @Test
    void aScheduleMustNumberItsBlocksInOrder() {
        assertThrows(IllegalArgumentException.class, () -> TrainableGpt2.Config.looped(50, 16, 32, 4, List.of(1, 0)));
        assertThrows(IllegalArgumentException.class, () -> TrainableGpt2.Config.looped(50, 16, 32, 4, List.of(0, 2)));
    }

    /** The trainer's forward and the engine's (which the app uses) must be the same function of the saved files. */
    @Test
    void theEngineComputesWhatTheTrainerComputes(@TempDir Path dir) throws Exception {
        long[] ids = {0, 4, 8, 15, 16, 23, 42, 7};
        for (TrainableGpt2.Config config : List.of(CONFIG, TrainableGpt2.Config.looped(50, 16, 32, 4,
                List.of(0, 0, 0, 1, 1, 1)))) {
            Path folder = Files.createDirectories(dir.resolve(config.looped() ? "looped" : "plain"));
            float[] trainer;
            try (NDManager manager = NDManager.newBaseManager()) {
                TrainableGpt2 model = new TrainableGpt2(manager, config, 5);
                model.save(folder, Map.of());
                trainer = model.forward(manager.create(ids, new Shape(1, ids.length)), null).toFloatArray();
            }
            try (LoupeModel engine = LoupeModel.open(folder); RunResult run = engine.run(RunRequest.of(ids))) {
                float[] logits = run.logits().toType(DataType.FLOAT32, false).toFloatArray();
                assertEquals(trainer.length, logits.length);
                for (int i = 0; i < logits.length; i++) {
                    assertEquals(trainer[i], logits[i], 1e-4f, config + " logit " + i);
                }
            }
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
