package dev.loupe.samples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.LayerNorm;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.loupe.engine.format.SafetensorsWriter;
import dev.loupe.engine.format.TensorData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A recurrent-depth GPT-2 for training with DJL autograd: {@code n_layer} distinct blocks applied in the order of a
 * block schedule (e.g. [0, 0, 0, 1, 1, 1] = A A A B B B), so each application of a block uses the same tensors and
 * their gradients add up. Parameters carry Hugging Face GPT-2 names and layouts (Conv1D weights [in, out], q|k|v
 * fused, unembedding tied to {@code wte}); only the distinct blocks are stored ({@code h.0.*}, {@code h.1.*}),
 * which is what the engine's {@code loupe_looped} family reads.
 *
 * <p>{@link TinyGpt2} applies each of its blocks once and so cannot express a schedule; the arithmetic here is the
 * same (pre-LN, gelu_new, 1/sqrt(d_head) scaling, no dropout).
 */
final class LoopedGpt2 {

    private static final float MASKED_SCORE = -1e9f;
    private static final float LAYER_NORM_EPSILON = 1e-5f;

    record Config(int vocabSize, int nPositions, int nEmbd, int nHead, int[] schedule) {
        int distinctBlocks() {
            int max = 0;
            for (int b : schedule) {
                max = Math.max(max, b);
            }
            return max + 1;
        }

        int dHead() {
            return nEmbd / nHead;
        }

        int nInner() {
            return 4 * nEmbd;
        }
    }

    private final Config config;
    private final NDManager manager;
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private final NDArray causalMask;
    // Constants as arrays owned by the model, never as Java numbers: DJL turns x.mul(0.5f) (or x.pow(3)) into a
    // scalar tensor over a direct buffer that it frees as soon as the op returns, but autograd keeps that tensor
    // for the backward pass, which then reads freed memory (garbage or NaN gradients, at random steps).
    private final NDArray attentionScale;
    private final NDArray geluCubic;
    private final NDArray geluScale;
    private final NDArray one;
    private final NDArray half;

    /**
     * Normal init with std 1/sqrt(d_model) rather than GPT-2's 0.02 (which suits d_model 768): at d_model 64,
     * 0.02 leaves attention almost exactly uniform, and a lookup head then sits on a saddle where neither its
     * query-key nor its copying part gets a gradient (the table is a permutation, so a uniform average says
     * nothing about the answer); from 1/sqrt(d) it forms in about a hundred steps. Residual projections are scaled
     * by 1/sqrt(2 x applied layers), since every application writes into the residual stream. Position embeddings
     * start sinusoidal, so that "the row of symbol s" and "k tokens back" are linear maps of them.
     */
    LoopedGpt2(NDManager manager, Config config, long seed) {
        this.manager = manager;
        this.config = config;
        Random random = new Random(seed);
        int d = config.nEmbd();
        float std = (float) (1 / Math.sqrt(d));
        float residualStd = (float) (std / Math.sqrt(2.0 * config.schedule().length));
        add("wte.weight", normal(random, std, config.vocabSize(), d));
        add("wpe.weight", sinusoidal(config.nPositions(), d, std));
        for (int i = 0; i < config.distinctBlocks(); i++) {
            String p = "h." + i + ".";
            add(p + "ln_1.weight", manager.ones(new Shape(d)));
            add(p + "ln_1.bias", manager.zeros(new Shape(d)));
            add(p + "attn.c_attn.weight", normal(random, std, d, 3 * d));
            add(p + "attn.c_attn.bias", manager.zeros(new Shape(3 * d)));
            add(p + "attn.c_proj.weight", normal(random, residualStd, d, d));
            add(p + "attn.c_proj.bias", manager.zeros(new Shape(d)));
            add(p + "ln_2.weight", manager.ones(new Shape(d)));
            add(p + "ln_2.bias", manager.zeros(new Shape(d)));
            add(p + "mlp.c_fc.weight", normal(random, std, d, config.nInner()));
            add(p + "mlp.c_fc.bias", manager.zeros(new Shape(config.nInner())));
            add(p + "mlp.c_proj.weight", normal(random, residualStd, config.nInner(), d));
            add(p + "mlp.c_proj.bias", manager.zeros(new Shape(d)));
        }
        add("ln_f.weight", manager.ones(new Shape(d)));
        add("ln_f.bias", manager.zeros(new Shape(d)));
        int n = config.nPositions();
        float[] mask = new float[n * n];
        for (int q = 0; q < n; q++) {
            for (int k = q + 1; k < n; k++) {
                mask[q * n + k] = MASKED_SCORE;
            }
        }
        causalMask = manager.create(mask, new Shape(n, n));
        attentionScale = manager.create((float) (1.0 / Math.sqrt(config.dHead())));
        geluCubic = manager.create(0.044715f);
        geluScale = manager.create((float) Math.sqrt(2.0 / Math.PI));
        one = manager.create(1f);
        half = manager.create(0.5f);
    }

    Config config() {
        return config;
    }

    Map<String, NDArray> parameters() {
        return params;
    }

    long parameterCount() {
        long n = 0;
        for (NDArray a : params.values()) {
            n += a.size();
        }
        return n;
    }

    private void add(String name, NDArray array) {
        array.setRequiresGradient(true);
        params.put(name, array);
    }

    private NDArray normal(Random random, float std, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        return manager.create(v, new Shape(rows, cols));
    }

    private NDArray sinusoidal(int positions, int d, float std) {
        float amplitude = (float) (std * Math.sqrt(2));
        float[] v = new float[positions * d];
        for (int pos = 0; pos < positions; pos++) {
            for (int i = 0; i < d / 2; i++) {
                double angle = pos / Math.pow(10000, 2.0 * i / d);
                v[pos * d + 2 * i] = (float) (amplitude * Math.sin(angle));
                v[pos * d + 2 * i + 1] = (float) (amplitude * Math.cos(angle));
            }
        }
        return manager.create(v, new Shape(positions, d));
    }

    private NDArray p(String name) {
        return params.get(name);
    }

    /**
     * @param tokenIds int64 [batch, seq]
     * @return logits [batch, seq, vocab]
     */
    NDArray forward(NDArray tokenIds) {
        long batch = tokenIds.getShape().get(0);
        long seq = tokenIds.getShape().get(1);
        int d = config.nEmbd();
        int heads = config.nHead();
        int dHead = config.dHead();
        NDArray mask = causalMask.get(":" + seq + ", :" + seq);
        NDArray x = Embedding.embedding(tokenIds, p("wte.weight"), SparseFormat.DENSE).singletonOrThrow()
                .add(p("wpe.weight").get(":" + seq));
        for (int block : config.schedule()) {
            String pre = "h." + block + ".";
            NDArray h = layerNorm(x, pre + "ln_1");
            NDArray qkv = h.matMul(p(pre + "attn.c_attn.weight")).add(p(pre + "attn.c_attn.bias"));
            NDList split = qkv.split(3, 2);
            NDArray q = toHeads(split.get(0), batch, seq, heads, dHead);
            NDArray k = toHeads(split.get(1), batch, seq, heads, dHead);
            NDArray v = toHeads(split.get(2), batch, seq, heads, dHead);
            NDArray pattern = q.matMul(k.transpose(0, 1, 3, 2)).mul(attentionScale).add(mask).softmax(-1);
            NDArray z = pattern.matMul(v).transpose(0, 2, 1, 3).reshape(batch, seq, d);
            x = x.add(z.matMul(p(pre + "attn.c_proj.weight")).add(p(pre + "attn.c_proj.bias")));
            NDArray m = layerNorm(x, pre + "ln_2");
            NDArray hidden = geluNew(m.matMul(p(pre + "mlp.c_fc.weight")).add(p(pre + "mlp.c_fc.bias")));
            x = x.add(hidden.matMul(p(pre + "mlp.c_proj.weight")).add(p(pre + "mlp.c_proj.bias")));
        }
        return layerNorm(x, "ln_f").matMul(p("wte.weight").transpose());
    }

    private NDArray layerNorm(NDArray x, String name) {
        return LayerNorm.layerNorm(x, new Shape(config.nEmbd()), p(name + ".weight"), p(name + ".bias"),
                LAYER_NORM_EPSILON).singletonOrThrow();
    }

    /** GPT-2's "gelu_new" (tanh approximation), which the engine applies for activation_function gelu_new. */
    private NDArray geluNew(NDArray x) {
        NDArray inner = x.mul(x).mul(x).mul(geluCubic).add(x).mul(geluScale);
        return inner.tanh().add(one).mul(x).mul(half);
    }

    private static NDArray toHeads(NDArray x, long batch, long seq, int heads, int dHead) {
        return x.reshape(batch, seq, heads, dHead).transpose(0, 2, 1, 3);
    }

    /** Writes config.json (model_type loupe_looped) and model.safetensors. */
    void save(Path folder, Map<String, String> metadata) throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray a = e.getValue();
            tensors.put(e.getKey(), TensorData.ofFloats(a.getShape().getShape(),
                    a.toType(DataType.FLOAT32, false).toFloatArray()));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.putAll(metadata);
        SafetensorsWriter.write(folder.resolve("model.safetensors"), tensors, meta);
        Files.writeString(folder.resolve("config.json"), configJson(), StandardCharsets.UTF_8);
    }

    /** GPT-2's config fields, with n_layer counting distinct blocks and block_schedule giving their order. */
    String configJson() {
        JsonObject c = new JsonObject();
        JsonArray arch = new JsonArray();
        arch.add("GPT2LMHeadModel");
        c.add("architectures", arch);
        c.addProperty("model_type", "loupe_looped");
        c.addProperty("vocab_size", config.vocabSize());
        c.addProperty("n_positions", config.nPositions());
        c.addProperty("n_ctx", config.nPositions());
        c.addProperty("n_embd", config.nEmbd());
        c.addProperty("n_layer", config.distinctBlocks());
        JsonArray schedule = new JsonArray();
        for (int b : config.schedule()) {
            schedule.add(b);
        }
        c.add("block_schedule", schedule);
        c.addProperty("n_head", config.nHead());
        c.add("n_inner", JsonNull.INSTANCE);
        c.addProperty("activation_function", "gelu_new");
        c.addProperty("layer_norm_epsilon", 1e-5);
        c.addProperty("initializer_range", Math.round(1e4 / Math.sqrt(config.nEmbd())) / 1e4); // see the constructor
        c.addProperty("resid_pdrop", 0.0);
        c.addProperty("embd_pdrop", 0.0);
        c.addProperty("attn_pdrop", 0.0);
        c.addProperty("scale_attn_weights", true);
        c.addProperty("scale_attn_by_inverse_layer_idx", false);
        c.addProperty("reorder_and_upcast_attn", false);
        c.addProperty("bos_token_id", WordLevelTokenizer.END_OF_TEXT_ID);
        c.addProperty("eos_token_id", WordLevelTokenizer.END_OF_TEXT_ID);
        c.addProperty("tie_word_embeddings", true);
        c.addProperty("torch_dtype", "float32");
        return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(c) + "\n";
    }
}
