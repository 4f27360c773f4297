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
import com.google.gson.JsonParser;
import dev.loupe.engine.format.SafetensorsFile;
import dev.loupe.engine.format.SafetensorsWriter;
import dev.loupe.engine.format.TensorDType;
import dev.loupe.engine.format.TensorData;
import dev.loupe.engine.format.TensorInfo;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * A GPT-2 (Hugging Face {@code GPT2LMHeadModel}) written as DJL NDArray operations so it can be trained with
 * autograd. Parameters are held under their Hugging Face names and layouts (Conv1D weights stored [in, out], q, k
 * and v concatenated along out, unembedding tied to {@code wte}), so saving is a straight copy and the engine loads
 * the result like any GPT-2 checkpoint. Dropout is left out: the models are trained without it.
 *
 * <p>The blocks are applied in the order of a block schedule. The identity schedule [0, 1, .., n-1] is plain GPT-2
 * (tiny-lm); a schedule that repeats blocks, e.g. [0, 0, 0, 1, 1, 1] = A A A B B B, is a recurrent-depth model
 * (looped-lm): every application of a block uses the same tensors, so their gradients add up, and only the distinct
 * blocks are saved, under the engine's {@code loupe_looped} family.
 */
final class TrainableGpt2 {

    static final float LAYER_NORM_EPSILON = 1e-5f;
    /** Hugging Face's GPT-2 initialisation; right for tiny-lm's d_model 128, see {@link Config#looped}. */
    static final float GPT2_INIT_STD = 0.02f;
    // Hugging Face puts the float minimum where attention is masked; anything this negative gives the same exact
    // zero after softmax, without the risk of -inf arithmetic.
    private static final float MASKED_SCORE = -1e9f;

    /**
     * @param schedule which distinct block each applied layer uses
     * @param initStd the standard deviation of the normal initialisation
     */
    record Config(int vocabSize, int nPositions, int nEmbd, int nHead, List<Integer> schedule, float initStd) {
        Config {
            schedule = List.copyOf(schedule);
            for (int i = 0; i < schedule.size(); i++) {
                if (schedule.get(i) < 0 || schedule.get(i) > (i == 0 ? 0 : 1 + maxBlock(schedule.subList(0, i)))) {
                    throw new IllegalArgumentException("block schedule " + schedule + " must number its blocks "
                            + "0, 1, 2... in order of first use");
                }
            }
        }

        /** Plain GPT-2: {@code layers} blocks, each applied once. */
        static Config gpt2(int vocabSize, int nPositions, int nEmbd, int layers, int nHead) {
            return new Config(vocabSize, nPositions, nEmbd, nHead,
                    IntStream.range(0, layers).boxed().toList(), GPT2_INIT_STD);
        }

        /**
         * A recurrent-depth GPT-2. Its init std is 1/sqrt(d_model) rather than 0.02 (which suits d_model 768): at
         * d_model 64, 0.02 leaves attention almost exactly uniform, and a lookup head then sits on a saddle where
         * neither its query-key nor its copying part gets a gradient; from 1/sqrt(d) it forms in about a hundred
         * steps.
         */
        static Config looped(int vocabSize, int nPositions, int nEmbd, int nHead, List<Integer> schedule) {
            return new Config(vocabSize, nPositions, nEmbd, nHead, schedule, (float) (1 / Math.sqrt(nEmbd)));
        }

        int distinctBlocks() {
            return maxBlock(schedule) + 1;
        }

        /** Applied layers: the schedule's length. */
        int nLayer() {
            return schedule.size();
        }

        boolean looped() {
            return distinctBlocks() != schedule.size();
        }

        private static int maxBlock(List<Integer> schedule) {
            return schedule.stream().mapToInt(Integer::intValue).max().orElse(-1);
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
    // Scalars as tensors that live as long as the model. NDArray.mul(Number) would wrap the number in a tensor over
    // a Java direct buffer and close it at once, while autograd keeps that tensor saved for backward: a garbage
    // collection in between frees the memory and the backward pass reads garbage (NaN gradients, now and then).
    private final NDArray attentionScale;
    private final NDArray geluCubic;
    private final NDArray geluScale;
    private final NDArray one;
    private final NDArray half;

    /**
     * Initialises as Hugging Face does (N(0, initStd), residual projections scaled by 1/sqrt(2 x applied layers),
     * since every application writes into the residual stream), except for the position embeddings, which start
     * sinusoidal: a shift by one position, and "the row of symbol s" in looped-lm's tables, are then linear maps of
     * them, so previous-token and induction heads are within easy reach of a few thousand CPU steps.
     */
    TrainableGpt2(NDManager manager, Config config, long seed) {
        this.manager = manager;
        this.config = config;
        Random random = new Random(seed);
        int d = config.nEmbd();
        float std = config.initStd();
        float residualStd = (float) (std / Math.sqrt(2.0 * config.nLayer()));
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

    /**
     * Reads a checkpoint this class saved (config.json and model.safetensors), so figures can be recomputed from
     * the files on disk rather than from the weights still in memory.
     */
    static TrainableGpt2 load(NDManager manager, Path folder) throws IOException {
        JsonObject c = JsonParser.parseString(Files.readString(folder.resolve("config.json"))).getAsJsonObject();
        List<Integer> schedule = new ArrayList<>();
        if (c.has("block_schedule")) {
            c.getAsJsonArray("block_schedule").forEach(b -> schedule.add(b.getAsInt()));
        } else {
            IntStream.range(0, c.get("n_layer").getAsInt()).forEach(schedule::add);
        }
        Config config = new Config(c.get("vocab_size").getAsInt(), c.get("n_positions").getAsInt(),
                c.get("n_embd").getAsInt(), c.get("n_head").getAsInt(), schedule,
                c.get("initializer_range").getAsFloat());
        TrainableGpt2 model = new TrainableGpt2(manager, config, 0);
        try (SafetensorsFile file = SafetensorsFile.open(folder.resolve("model.safetensors"))) {
            for (Map.Entry<String, NDArray> e : model.params.entrySet()) {
                TensorInfo info = file.info(e.getKey());
                long[] expected = e.getValue().getShape().getShape();
                if (info.dtype() != TensorDType.F32 || !Arrays.equals(info.shape(), expected)) {
                    throw new IOException(folder + ": " + e.getKey() + " is " + info.dtype() + " "
                            + info.shapeString() + ", expected F32 " + e.getValue().getShape());
                }
                float[] values = new float[Math.toIntExact(info.elementCount())];
                file.data(e.getKey()).asFloatBuffer().get(values);
                NDArray loaded = manager.create(values, e.getValue().getShape());
                loaded.setRequiresGradient(true);
                e.getValue().close();
                e.setValue(loaded);
            }
        }
        return model;
    }

    Config config() {
        return config;
    }

    /** Hugging Face name -> trainable array, in checkpoint order. */
    Map<String, NDArray> parameters() {
        return params;
    }

    private void add(String name, NDArray array) {
        array.setRequiresGradient(true);
        params.put(name, array);
    }

    /** Transformer sinusoids, scaled so each coordinate has the standard deviation of the normal init. */
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

    private NDArray normal(Random random, float std, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        return manager.create(v, new Shape(rows, cols));
    }

    private NDArray p(String name) {
        return params.get(name);
    }

    /**
     * @param tokenIds int64 [batch, seq]
     * @param patterns if not null, receives each applied layer's attention pattern [batch, head, query, key]
     * @return logits [batch, seq, vocab]
     */
    NDArray forward(NDArray tokenIds, List<NDArray> patterns) {
        Shape shape = tokenIds.getShape();
        long batch = shape.get(0);
        long seq = shape.get(1);
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
            NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(attentionScale).add(mask);
            NDArray pattern = scores.softmax(-1);
            if (patterns != null) {
                patterns.add(pattern);
            }
            NDArray z = pattern.matMul(v).transpose(0, 2, 1, 3).reshape(batch, seq, d);
            x = x.add(z.matMul(p(pre + "attn.c_proj.weight")).add(p(pre + "attn.c_proj.bias")));
            NDArray m = layerNorm(x, pre + "ln_2");
            NDArray hidden = geluNew(m.matMul(p(pre + "mlp.c_fc.weight")).add(p(pre + "mlp.c_fc.bias")));
            x = x.add(hidden.matMul(p(pre + "mlp.c_proj.weight")).add(p(pre + "mlp.c_proj.bias")));
        }
        NDArray xf = layerNorm(x, "ln_f");
        return xf.matMul(p("wte.weight").transpose());
    }

    /** Mean next-token cross-entropy; positions whose weight is 0 (padding) do not count. */
    static NDArray crossEntropy(NDArray logits, NDArray targets, NDArray weights) {
        NDArray logProbs = logits.logSoftmax(-1);
        NDArray picked = logProbs.gather(targets.expandDims(-1), 2).squeeze(-1);
        return picked.mul(weights).sum().neg().div(weights.sum());
    }

    private NDArray layerNorm(NDArray x, String name) {
        return LayerNorm.layerNorm(x, new Shape(config.nEmbd()), p(name + ".weight"), p(name + ".bias"),
                LAYER_NORM_EPSILON).singletonOrThrow();
    }

    private static NDArray toHeads(NDArray x, long batch, long seq, int heads, int dHead) {
        return x.reshape(batch, seq, heads, dHead).transpose(0, 2, 1, 3);
    }

    /** GPT-2's "gelu_new": the tanh approximation, not the exact erf GELU that DJL's Activation.gelu computes. */
    NDArray geluNew(NDArray x) {
        NDArray inner = x.mul(x).mul(x).mul(geluCubic).add(x).mul(geluScale);
        return inner.tanh().add(one).mul(x).mul(half);
    }

    /**
     * Writes config.json and model.safetensors in the Hugging Face GPT-2 layout; a looped model as the engine's
     * loupe_looped family (n_layer counts distinct blocks, block_schedule gives their order).
     */
    void save(Path folder, Map<String, String> metadata) throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray a = e.getValue();
            tensors.put(e.getKey(), TensorData.ofFloats(a.getShape().getShape(), a.toType(DataType.FLOAT32, false)
                    .toFloatArray()));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt"); // transformers refuses safetensors without it
        meta.putAll(metadata);
        SafetensorsWriter.write(folder.resolve("model.safetensors"), tensors, meta);
        Files.writeString(folder.resolve("config.json"), configJson(), StandardCharsets.UTF_8);
    }

    String configJson() {
        JsonObject c = new JsonObject();
        JsonArray arch = new JsonArray();
        arch.add("GPT2LMHeadModel");
        c.add("architectures", arch);
        c.addProperty("model_type", config.looped() ? "loupe_looped" : "gpt2");
        c.addProperty("vocab_size", config.vocabSize());
        c.addProperty("n_positions", config.nPositions());
        c.addProperty("n_ctx", config.nPositions());
        c.addProperty("n_embd", config.nEmbd());
        c.addProperty("n_layer", config.distinctBlocks());
        if (config.looped()) {
            JsonArray schedule = new JsonArray();
            config.schedule().forEach(schedule::add);
            c.add("block_schedule", schedule);
        }
        c.addProperty("n_head", config.nHead());
        c.add("n_inner", JsonNull.INSTANCE);
        c.addProperty("activation_function", "gelu_new");
        c.addProperty("layer_norm_epsilon", 1e-5);
        c.addProperty("initializer_range", new BigDecimal(Float.toString(config.initStd())));
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

    /** Parameter count (tied unembedding counted once). */
    long parameterCount() {
        long n = 0;
        for (NDArray a : params.values()) {
            n += a.size();
        }
        return n;
    }
}
