package dev.loupe.engine.testing;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.loupe.engine.format.SafetensorsWriter;
import dev.loupe.engine.format.TensorDType;
import dev.loupe.engine.format.TensorData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Writes small random-weight checkpoints in Hugging Face layout (config.json, model.safetensors, tokenizer.json)
 * for tests: real files read through the real loading path. Weights are seeded, so a checkpoint is reproducible.
 *
 * <p>The tokenizer is word-level over "w0".."w{vocab-1}" split on whitespace, so {@code "w3 w5"} encodes to
 * [3, 5].
 */
public final class TestCheckpoints {

    /** Shape and options of a random checkpoint. Sensible small defaults; change with the with* methods. */
    public record Spec(String modelType, int layers, int heads, int kvHeads, int dModel, int dMlp, int vocab,
            int context, boolean tied, TensorDType dtype, long seed, float scale, JsonObject extraConfig,
            boolean withTokenizer) {

        public static Spec gpt2() {
            return new Spec("gpt2", 2, 4, 4, 32, 128, 64, 64, true, TensorDType.F32, 1, 0.2f, new JsonObject(), true);
        }

        public static Spec llama() {
            return new Spec("llama", 2, 4, 2, 32, 96, 64, 64, false, TensorDType.F32, 2, 0.2f, new JsonObject(), true);
        }

        public static Spec qwen2() {
            return llama().withModelType("qwen2").withTied(true);
        }

        public static Spec mistral() {
            return llama().withModelType("mistral");
        }

        public static Spec bert() {
            return new Spec("bert", 2, 4, 4, 32, 128, 64, 64, true, TensorDType.F32, 3, 0.2f, new JsonObject(), true);
        }

        public Spec withModelType(String t) {
            return new Spec(t, layers, heads, kvHeads, dModel, dMlp, vocab, context, tied, dtype, seed, scale,
                    extraConfig, withTokenizer);
        }

        public Spec withLayers(int n) {
            return new Spec(modelType, n, heads, kvHeads, dModel, dMlp, vocab, context, tied, dtype, seed, scale,
                    extraConfig, withTokenizer);
        }

        public Spec withHeads(int h, int kv) {
            return new Spec(modelType, layers, h, kv, dModel, dMlp, vocab, context, tied, dtype, seed, scale,
                    extraConfig, withTokenizer);
        }

        public Spec withDims(int d, int mlp) {
            return new Spec(modelType, layers, heads, kvHeads, d, mlp, vocab, context, tied, dtype, seed, scale,
                    extraConfig, withTokenizer);
        }

        public Spec withVocab(int v) {
            return new Spec(modelType, layers, heads, kvHeads, dModel, dMlp, v, context, tied, dtype, seed, scale,
                    extraConfig, withTokenizer);
        }

        public Spec withContext(int c) {
            return new Spec(modelType, layers, heads, kvHeads, dModel, dMlp, vocab, c, tied, dtype, seed, scale,
                    extraConfig, withTokenizer);
        }

        public Spec withTied(boolean t) {
            return new Spec(modelType, layers, heads, kvHeads, dModel, dMlp, vocab, context, t, dtype, seed, scale,
                    extraConfig, withTokenizer);
        }

        public Spec withDtype(TensorDType t) {
            return new Spec(modelType, layers, heads, kvHeads, dModel, dMlp, vocab, context, tied, t, seed, scale,
                    extraConfig, withTokenizer);
        }

        public Spec withSeed(long s) {
            return new Spec(modelType, layers, heads, kvHeads, dModel, dMlp, vocab, context, tied, dtype, s, scale,
                    extraConfig, withTokenizer);
        }

        /** Standard deviation of the random weights. */
        public Spec withScale(float sd) {
            return new Spec(modelType, layers, heads, kvHeads, dModel, dMlp, vocab, context, tied, dtype, seed, sd,
                    extraConfig, withTokenizer);
        }

        public Spec withoutTokenizer() {
            return new Spec(modelType, layers, heads, kvHeads, dModel, dMlp, vocab, context, tied, dtype, seed, scale,
                    extraConfig, false);
        }

        /** Adds or overrides a config.json field (rope_theta, rope_scaling, attention_bias, head_dim, ...). */
        public Spec withConfig(String field, Object value) {
            JsonObject extra = extraConfig.deepCopy();
            extra.add(field, new com.google.gson.Gson().toJsonTree(value));
            return new Spec(modelType, layers, heads, kvHeads, dModel, dMlp, vocab, context, tied, dtype, seed, scale,
                    extra, withTokenizer);
        }

        public int headDim() {
            return extraConfig.has("head_dim") ? extraConfig.get("head_dim").getAsInt() : dModel / heads;
        }

        boolean configFlag(String field) {
            return extraConfig.has(field) && extraConfig.get(field).getAsBoolean();
        }
    }

    private TestCheckpoints() {
    }

    /** Writes the checkpoint into {@code dir} (created if needed) and returns dir. */
    public static Path write(Path dir, Spec spec) {
        try {
            Files.createDirectories(dir);
            JsonObject config = config(spec);
            Files.writeString(dir.resolve("config.json"), new GsonBuilder().setPrettyPrinting().create().toJson(config),
                    StandardCharsets.UTF_8);
            Map<String, TensorData> tensors = switch (spec.modelType()) {
                case "gpt2", "loupe_looped" -> gpt2Tensors(spec);
                case "bert" -> bertTensors(spec);
                default -> llamaTensors(spec);
            };
            if (spec.dtype() != TensorDType.F32) {
                tensors.replaceAll((k, v) -> v.convert(spec.dtype()));
            }
            SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
            if (spec.withTokenizer()) {
                Files.writeString(dir.resolve("tokenizer.json"), wordLevelTokenizer(spec.vocab(),
                        spec.modelType().equals("bert")), StandardCharsets.UTF_8);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tensors a spec produces, in F32, by name (for reference implementations in tests). */
    public static Map<String, TensorData> tensors(Spec spec) {
        return switch (spec.modelType()) {
            case "gpt2", "loupe_looped" -> gpt2Tensors(spec);
            case "bert" -> bertTensors(spec);
            default -> llamaTensors(spec);
        };
    }

    static JsonObject config(Spec s) {
        JsonObject c = new JsonObject();
        c.addProperty("model_type", s.modelType());
        switch (s.modelType()) {
            case "gpt2", "loupe_looped" -> {
                c.add("architectures", array("GPT2LMHeadModel"));
                c.addProperty("n_layer", s.layers());
                c.addProperty("n_head", s.heads());
                c.addProperty("n_embd", s.dModel());
                c.addProperty("n_inner", s.dMlp());
                c.addProperty("n_positions", s.context());
                c.addProperty("n_ctx", s.context());
                c.addProperty("vocab_size", s.vocab());
                c.addProperty("activation_function", "gelu_new");
                c.addProperty("layer_norm_epsilon", 1e-5);
                c.addProperty("bos_token_id", 0);
                c.addProperty("eos_token_id", 0);
                c.addProperty("tie_word_embeddings", s.tied());
            }
            case "bert" -> {
                c.add("architectures", array("BertModel"));
                c.addProperty("num_hidden_layers", s.layers());
                c.addProperty("num_attention_heads", s.heads());
                c.addProperty("hidden_size", s.dModel());
                c.addProperty("intermediate_size", s.dMlp());
                c.addProperty("max_position_embeddings", s.context());
                c.addProperty("vocab_size", s.vocab());
                c.addProperty("type_vocab_size", 2);
                c.addProperty("hidden_act", "gelu");
                c.addProperty("layer_norm_eps", 1e-12);
            }
            default -> {
                c.add("architectures", array("LlamaForCausalLM"));
                c.addProperty("num_hidden_layers", s.layers());
                c.addProperty("num_attention_heads", s.heads());
                c.addProperty("num_key_value_heads", s.kvHeads());
                c.addProperty("hidden_size", s.dModel());
                c.addProperty("intermediate_size", s.dMlp());
                c.addProperty("max_position_embeddings", s.context());
                c.addProperty("vocab_size", s.vocab());
                c.addProperty("hidden_act", "silu");
                c.addProperty("rms_norm_eps", 1e-6);
                c.addProperty("rope_theta", 10000.0);
                c.addProperty("tie_word_embeddings", s.tied());
                c.addProperty("bos_token_id", 0);
                c.addProperty("eos_token_id", 1);
            }
        }
        for (var e : s.extraConfig().entrySet()) {
            c.add(e.getKey(), e.getValue());
        }
        return c;
    }

    private static JsonArray array(String... values) {
        JsonArray a = new JsonArray();
        for (String v : values) {
            a.add(v);
        }
        return a;
    }

    private static Map<String, TensorData> gpt2Tensors(Spec s) {
        Random r = new Random(s.seed());
        Map<String, TensorData> t = new LinkedHashMap<>();
        int d = s.dModel();
        int f = s.dMlp();
        t.put("wte.weight", random(r, s.scale(), s.vocab(), d));
        t.put("wpe.weight", random(r, s.scale(), s.context(), d));
        for (int l = 0; l < s.layers(); l++) {
            String p = "h." + l + ".";
            t.put(p + "ln_1.weight", around(r, 1f, 0.1f, d));
            t.put(p + "ln_1.bias", random(r, 0.1f, d));
            t.put(p + "attn.c_attn.weight", random(r, s.scale(), d, 3 * d));
            t.put(p + "attn.c_attn.bias", random(r, 0.1f, 3 * d));
            t.put(p + "attn.c_proj.weight", random(r, s.scale(), d, d));
            t.put(p + "attn.c_proj.bias", random(r, 0.1f, d));
            t.put(p + "ln_2.weight", around(r, 1f, 0.1f, d));
            t.put(p + "ln_2.bias", random(r, 0.1f, d));
            t.put(p + "mlp.c_fc.weight", random(r, s.scale(), d, f));
            t.put(p + "mlp.c_fc.bias", random(r, 0.1f, f));
            t.put(p + "mlp.c_proj.weight", random(r, s.scale(), f, d));
            t.put(p + "mlp.c_proj.bias", random(r, 0.1f, d));
        }
        t.put("ln_f.weight", around(r, 1f, 0.1f, d));
        t.put("ln_f.bias", random(r, 0.1f, d));
        if (!s.tied()) {
            t.put("lm_head.weight", random(r, s.scale(), s.vocab(), d));
        }
        return t;
    }

    private static Map<String, TensorData> llamaTensors(Spec s) {
        Random r = new Random(s.seed());
        Map<String, TensorData> t = new LinkedHashMap<>();
        int d = s.dModel();
        int f = s.dMlp();
        int q = s.heads() * s.headDim();
        int kv = s.kvHeads() * s.headDim();
        boolean qkvBias = s.modelType().startsWith("qwen2") || s.configFlag("attention_bias");
        boolean oBias = s.configFlag("attention_bias");
        boolean mlpBias = s.configFlag("mlp_bias");
        t.put("model.embed_tokens.weight", random(r, s.scale() * 5, s.vocab(), d));
        for (int l = 0; l < s.layers(); l++) {
            String p = "model.layers." + l + ".";
            t.put(p + "input_layernorm.weight", around(r, 1f, 0.1f, d));
            t.put(p + "self_attn.q_proj.weight", random(r, s.scale(), q, d));
            t.put(p + "self_attn.k_proj.weight", random(r, s.scale(), kv, d));
            t.put(p + "self_attn.v_proj.weight", random(r, s.scale(), kv, d));
            if (qkvBias) {
                t.put(p + "self_attn.q_proj.bias", random(r, 0.1f, q));
                t.put(p + "self_attn.k_proj.bias", random(r, 0.1f, kv));
                t.put(p + "self_attn.v_proj.bias", random(r, 0.1f, kv));
            }
            t.put(p + "self_attn.o_proj.weight", random(r, s.scale(), d, q));
            if (oBias) {
                t.put(p + "self_attn.o_proj.bias", random(r, 0.1f, d));
            }
            t.put(p + "post_attention_layernorm.weight", around(r, 1f, 0.1f, d));
            t.put(p + "mlp.gate_proj.weight", random(r, s.scale(), f, d));
            t.put(p + "mlp.up_proj.weight", random(r, s.scale(), f, d));
            t.put(p + "mlp.down_proj.weight", random(r, s.scale(), d, f));
            if (mlpBias) {
                t.put(p + "mlp.gate_proj.bias", random(r, 0.1f, f));
                t.put(p + "mlp.up_proj.bias", random(r, 0.1f, f));
                t.put(p + "mlp.down_proj.bias", random(r, 0.1f, d));
            }
        }
        t.put("model.norm.weight", around(r, 1f, 0.1f, d));
        if (!s.tied()) {
            t.put("lm_head.weight", random(r, s.scale(), s.vocab(), d));
        }
        return t;
    }

    private static Map<String, TensorData> bertTensors(Spec s) {
        Random r = new Random(s.seed());
        Map<String, TensorData> t = new LinkedHashMap<>();
        int d = s.dModel();
        int f = s.dMlp();
        t.put("embeddings.word_embeddings.weight", random(r, s.scale(), s.vocab(), d));
        t.put("embeddings.position_embeddings.weight", random(r, s.scale(), s.context(), d));
        t.put("embeddings.token_type_embeddings.weight", random(r, s.scale(), 2, d));
        t.put("embeddings.LayerNorm.weight", around(r, 1f, 0.1f, d));
        t.put("embeddings.LayerNorm.bias", random(r, 0.1f, d));
        for (int l = 0; l < s.layers(); l++) {
            String p = "encoder.layer." + l + ".";
            for (String n : new String[] {"query", "key", "value"}) {
                t.put(p + "attention.self." + n + ".weight", random(r, s.scale(), d, d));
                t.put(p + "attention.self." + n + ".bias", random(r, 0.1f, d));
            }
            t.put(p + "attention.output.dense.weight", random(r, s.scale(), d, d));
            t.put(p + "attention.output.dense.bias", random(r, 0.1f, d));
            t.put(p + "attention.output.LayerNorm.weight", around(r, 1f, 0.1f, d));
            t.put(p + "attention.output.LayerNorm.bias", random(r, 0.1f, d));
            t.put(p + "intermediate.dense.weight", random(r, s.scale(), f, d));
            t.put(p + "intermediate.dense.bias", random(r, 0.1f, f));
            t.put(p + "output.dense.weight", random(r, s.scale(), d, f));
            t.put(p + "output.dense.bias", random(r, 0.1f, d));
            t.put(p + "output.LayerNorm.weight", around(r, 1f, 0.1f, d));
            t.put(p + "output.LayerNorm.bias", random(r, 0.1f, d));
        }
        return t;
    }

    private static TensorData random(Random r, float scale, int... shape) {
        long[] dims = new long[shape.length];
        int n = 1;
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i];
            n *= shape[i];
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return TensorData.ofFloats(dims, v);
    }

    private static TensorData around(Random r, float center, float spread, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = center + (float) (r.nextGaussian() * spread);
        }
        return TensorData.ofFloats(new long[] {n}, v);
    }

    /** A word-level tokenizer.json over w0..w{n-1}; with bert=true it wraps input in [CLS]=w1 ... [SEP]=w2. */
    static String wordLevelTokenizer(int vocab, boolean bert) {
        JsonObject vocabMap = new JsonObject();
        for (int i = 0; i < vocab; i++) {
            vocabMap.addProperty("w" + i, i);
        }
        JsonObject model = new JsonObject();
        model.addProperty("type", "WordLevel");
        model.add("vocab", vocabMap);
        model.addProperty("unk_token", "w3");
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "WhitespaceSplit");
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", null);
        root.add("padding", null);
        root.add("added_tokens", new JsonArray());
        root.add("normalizer", null);
        root.add("pre_tokenizer", pre);
        if (bert) {
            JsonObject post = new JsonObject();
            post.addProperty("type", "BertProcessing");
            JsonArray sep = new JsonArray();
            sep.add("w2");
            sep.add(2);
            JsonArray cls = new JsonArray();
            cls.add("w1");
            cls.add(1);
            post.add("sep", sep);
            post.add("cls", cls);
            root.add("post_processor", post);
        } else {
            root.add("post_processor", null);
        }
        JsonObject decoder = new JsonObject();
        decoder.addProperty("type", "WordPiece");
        decoder.addProperty("prefix", "##");
        decoder.addProperty("cleanup", false);
        root.add("decoder", decoder);
        root.add("model", model);
        return new GsonBuilder().serializeNulls().setPrettyPrinting().create().toJson(root);
    }
}
