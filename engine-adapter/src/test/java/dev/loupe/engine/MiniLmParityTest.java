package dev.loupe.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loupe.engine.testing.BertReference;
import dev.loupe.engine.testing.MiniLmCheckpoint;
import dev.loupe.engine.testing.MiniLmCheckpoint.Param;
import dev.loupe.engine.testing.OnnxModelReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parity of the engine's BERT family with a real trained model: all-MiniLM-L6-v2 as shipped on Maven Central
 * (ONNX), imported into a Hugging Face checkpoint by {@link MiniLmCheckpoint} and run by both ONNX Runtime (the
 * reference) and {@link LoupeModel}. A plain-Java forward pass ({@link BertReference}) checks the importer on its
 * own, so a failure here says whether the checkpoint or the engine is wrong.
 */
class MiniLmParityTest {

    /** float32 through six post-norm layers; ONNX Runtime and libtorch differ in summation order only. */
    private static final double TOLERANCE = 1e-4;

    private static final String SHORT = "The quick brown fox jumps over the lazy dog.";
    /** 138 WordPiece tokens with [CLS] and [SEP]: past the 128 the model was trained on, well inside its 512. */
    private static final String LONG = "Interpretability research asks what a trained network has actually learned."
            + " Researchers open a transformer, run it on a prompt, and read its attention patterns, the residual"
            + " stream at every layer, and the outputs of each multilayer perceptron. Tools such as TransformerLens"
            + " name every intermediate activation with a hook, so that an experiment can capture, patch or steer"
            + " it. A desktop workbench brings those views to people who would rather not write Python: it loads a"
            + " checkpoint from disk, runs it on the graphics card when one is present, and draws the results as"
            + " heatmaps, charts and tables that can be exported for a paper. Sessions remember every run.";

    private static Path dir;
    private static OrtEnvironment env;
    private static OrtSession session;
    private static HuggingFaceTokenizer tokenizer;

    @BeforeAll
    static void setUp() throws Exception {
        dir = MiniLmCheckpoint.materialize();
        env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            session = env.createSession(MiniLmCheckpoint.onnxBytes(), opts);
        }
        tokenizer = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (session != null) {
            session.close();
        }
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    @Test
    void importedCheckpointHasTheBertLayout() throws IOException {
        JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json"), StandardCharsets.UTF_8))
                .getAsJsonObject();
        assertEquals("bert", config.get("model_type").getAsString());
        assertEquals(384, config.get("hidden_size").getAsInt());
        assertEquals(6, config.get("num_hidden_layers").getAsInt());
        assertEquals(12, config.get("num_attention_heads").getAsInt());
        assertEquals(1536, config.get("intermediate_size").getAsInt());
        assertEquals(30522, config.get("vocab_size").getAsInt());
        assertEquals(512, config.get("max_position_embeddings").getAsInt());
        assertEquals(2, config.get("type_vocab_size").getAsInt());
        assertEquals(1e-12, config.get("layer_norm_eps").getAsDouble(), 1e-20);
        assertEquals("gelu", config.get("hidden_act").getAsString());

        Map<String, Param> tensors = MiniLmCheckpoint.readSafetensors(dir.resolve("model.safetensors"));
        // 5 embedding tensors, 16 per layer, 2 for the pooler.
        assertEquals(5 + 6 * 16 + 2, tensors.size(), () -> "tensors: " + tensors.keySet());
        assertArrayEquals(new long[] {30522, 384}, tensors.get("embeddings.word_embeddings.weight").shape());
        assertArrayEquals(new long[] {384, 384}, tensors.get("encoder.layer.5.attention.self.value.weight").shape());
        assertArrayEquals(new long[] {1536, 384}, tensors.get("encoder.layer.0.intermediate.dense.weight").shape());
        assertArrayEquals(new long[] {384, 1536}, tensors.get("encoder.layer.0.output.dense.weight").shape());
        assertArrayEquals(new long[] {384, 384}, tensors.get("pooler.dense.weight").shape());
        assertTrue(tensors.keySet().stream().noneMatch(n -> n.startsWith("onnx::") || n.contains("position_ids")));

        // Materialising again reuses the folder instead of rewriting it.
        long written = Files.getLastModifiedTime(dir.resolve("model.safetensors")).toMillis();
        MiniLmCheckpoint.materialize(dir);
        assertEquals(written, Files.getLastModifiedTime(dir.resolve("model.safetensors")).toMillis());
    }

    /** The importer on its own: the checkpoint, run by a naive Java BERT, reproduces ONNX Runtime. */
    @ParameterizedTest
    @ValueSource(strings = {SHORT, LONG})
    void importedWeightsReproduceOnnxRuntimeWithoutTheEngine(String text) throws Exception {
        long[] ids = tokenizer.encode(text).getIds();
        float[][] expected = onnxLastHiddenState(ids);
        BertReference ref = new BertReference(
                MiniLmCheckpoint.readSafetensors(dir.resolve("model.safetensors")), 12, 6, 1e-12);
        double[][] actual = ref.lastHiddenState(ids);
        double max = 0;
        for (int t = 0; t < ids.length; t++) {
            for (int d = 0; d < 384; d++) {
                max = Math.max(max, Math.abs(actual[t][d] - expected[t][d]));
            }
        }
        System.out.printf("MiniLM import, plain-Java BERT vs ONNX Runtime, %d tokens: max |diff| = %.3g%n",
                ids.length, max);
        assertTrue(max <= TOLERANCE, "max abs difference " + max);
    }

    @Test
    void importerRefusesAWeightItCannotName() {
        // An anonymous MatMul weight whose output feeds no named bias, in a node without a module path.
        ByteBuffer raw = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        OnnxModelReader.Tensor w = new OnnxModelReader.Tensor("onnx::MatMul_7", new long[] {2, 2},
                OnnxModelReader.FLOAT, raw, null, null);
        OnnxModelReader.Node matmul = new OnnxModelReader.Node("MatMul_3", "MatMul", List.of("x", w.name()),
                List.of("y"), Map.of());
        OnnxModelReader.Node relu = new OnnxModelReader.Node("Relu_4", "Relu", List.of("y"), List.of("z"), Map.of());
        OnnxModelReader.Graph g = new OnnxModelReader.Graph(List.of(matmul, relu), Map.of(w.name(), w),
                List.of("x"), List.of("z"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> MiniLmCheckpoint.convert(g));
        assertTrue(e.getMessage().contains("onnx::MatMul_7") && e.getMessage().contains("MatMul_3"), e.getMessage());
    }

    @Test
    void loupeOpensTheImportedCheckpointAndTokenizesLikeHuggingFace() {
        // open() rejects missing and unexpected tensors, so this also checks the importer's tensor set.
        try (LoupeModel model = LoupeModel.open(dir)) {
            assertNotNull(model.info());
            assertTrue(model.hasTokenizer());
            assertArrayEquals(tokenizer.encode(LONG).getIds(), model.encode(LONG));
            assertTrue(model.hookNames().contains("blocks.5.hook_resid_post"), () -> "hooks: " + model.hookNames());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {SHORT, LONG})
    void lastHiddenStateMatchesOnnxRuntime(String text) throws Exception {
        long[] ids = tokenizer.encode(text).getIds();
        float[][] expected = onnxLastHiddenState(ids);
        try (LoupeModel model = LoupeModel.open(dir);
                RunResult result = model.run(RunRequest.of(ids).capture("*"))) {
            NDArray hidden = result.lastHiddenState();
            assertArrayEquals(new long[] {1, ids.length, 384}, hidden.getShape().getShape());
            float[] actual = hidden.toFloatArray();
            double max = 0;
            for (int t = 0; t < ids.length; t++) {
                for (int d = 0; d < 384; d++) {
                    max = Math.max(max, Math.abs(actual[t * 384 + d] - expected[t][d]));
                }
            }
            System.out.printf("MiniLM parity, Loupe vs ONNX Runtime, %d tokens: max |diff| = %.3g%n", ids.length, max);
            assertTrue(max <= TOLERANCE, "max abs difference " + max + " over " + ids.length + " tokens");
        }
    }

    /**
     * Every layer, not just the last: ONNX Runtime exposes only the final output, so the per-layer reference is the
     * plain-Java BERT (itself checked against ONNX Runtime above). In Loupe's BERT, a block's output after its
     * final LayerNorm is {@code blocks.L.ln2.hook_normalized}, and the embedding LayerNorm is
     * {@code embed.ln.hook_normalized}.
     */
    @Test
    void everyLayerMatchesThePlainJavaReference() throws Exception {
        long[] ids = tokenizer.encode(SHORT).getIds();
        List<double[][]> expected = new BertReference(
                MiniLmCheckpoint.readSafetensors(dir.resolve("model.safetensors")), 12, 6, 1e-12).hiddenStates(ids);
        try (LoupeModel model = LoupeModel.open(dir);
                RunResult result = model.run(RunRequest.of(ids).capture("*"))) {
            StringBuilder report = new StringBuilder("MiniLM per-layer max |diff| vs plain-Java BERT:");
            double worst = 0;
            for (int l = -1; l < 6; l++) {
                String hook = l < 0 ? "embed.ln.hook_normalized" : "blocks." + l + ".ln2.hook_normalized";
                assertTrue(result.cache().has(hook), () -> hook + " not captured; have " + result.cache().names());
                float[] actual = result.cache().floats(hook);
                double[][] want = expected.get(l + 1);
                double max = 0;
                for (int t = 0; t < ids.length; t++) {
                    for (int d = 0; d < 384; d++) {
                        max = Math.max(max, Math.abs(actual[t * 384 + d] - want[t][d]));
                    }
                }
                report.append(String.format(" %s=%.2g", l < 0 ? "embed" : "L" + l, max));
                worst = Math.max(worst, max);
            }
            System.out.println(report);
            assertTrue(worst <= TOLERANCE, report.toString());
        }
    }

    /** ONNX Runtime's last_hidden_state [pos][hidden] for one unpadded sequence. */
    private static float[][] onnxLastHiddenState(long[] ids) throws OrtException {
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1);
        Map<String, long[]> byName = Map.of("input_ids", ids, "attention_mask", mask,
                "token_type_ids", new long[ids.length]);
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            for (String name : session.getInputNames()) {
                long[] v = byName.get(name);
                if (v == null) {
                    throw new IllegalStateException("unexpected ONNX input " + name + "; inputs are "
                            + session.getInputNames());
                }
                inputs.put(name, OnnxTensor.createTensor(env, new long[][] {v}));
            }
            // The export names its outputs output_0 (last_hidden_state, rank 3) and a number (pooler, rank 2).
            String hiddenName = null;
            for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
                if (e.getValue().getInfo() instanceof TensorInfo ti && ti.getShape().length == 3) {
                    hiddenName = e.getKey();
                }
            }
            assertNotNull(hiddenName, "no rank-3 output in " + session.getOutputNames());
            try (OrtSession.Result r = session.run(inputs, Set.of(hiddenName))) {
                float[][][] out = (float[][][]) r.get(hiddenName).orElseThrow().getValue();
                return out[0];
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }
}
