package dev.loupe.engine.testing;

import static dev.loupe.engine.testing.ReferenceMath.activation;
import static dev.loupe.engine.testing.ReferenceMath.addInPlace;
import static dev.loupe.engine.testing.ReferenceMath.boolOr;
import static dev.loupe.engine.testing.ReferenceMath.copy;
import static dev.loupe.engine.testing.ReferenceMath.doubleOr;
import static dev.loupe.engine.testing.ReferenceMath.intOr;
import static dev.loupe.engine.testing.ReferenceMath.linear;
import static dev.loupe.engine.testing.ReferenceMath.maskedSoftmax;
import static dev.loupe.engine.testing.ReferenceMath.objectOrNull;
import static dev.loupe.engine.testing.ReferenceMath.present;
import static dev.loupe.engine.testing.ReferenceMath.requireInt;
import static dev.loupe.engine.testing.ReferenceMath.rmsNorm;
import static dev.loupe.engine.testing.ReferenceMath.stringOr;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.loupe.engine.format.TensorData;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately naive forward pass of the Llama family (LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM;
 * eval mode, one sequence, no padding, no cache) in double precision, written from transformers'
 * modeling_llama.py, modeling_mistral.py, modeling_qwen2.py, their configuration classes and
 * modeling_rope_utils.py. It shares no code with the engine.
 *
 * <p>Everything is double except the rotary angles: transformers builds inv_freq and the position * inv_freq
 * product in float32 (autocast disabled), so those roundings are part of the model's definition and are replicated
 * here with Java floats; cos and sin are then taken in double.
 */
public final class LlamaReference {
    private final Map<String, TensorData> t;
    private final String modelType;
    private final int layers;
    private final int heads;
    private final int kvHeads;
    private final int d;
    private final int headDim;
    private final int inner;
    private final int vocab;
    private final int maxPositions;
    private final double eps;
    private final String act;
    private final boolean tied;
    private final boolean qkvBias;
    private final boolean oBias;
    private final boolean mlpBias;
    /** Per layer: the sliding window in tokens, or 0 for full causal attention. */
    private final int[] window;
    private final JsonObject config;

    /**
     * @param config config.json as written (missing fields take the defaults of the model_type's config class)
     * @param tensors the checkpoint's tensors by name, in any floating dtype (values are used exactly as stored)
     */
    public LlamaReference(JsonObject config, Map<String, TensorData> tensors) {
        this.config = config;
        this.t = tensors;
        this.modelType = stringOr(config, "model_type", "llama").toLowerCase(Locale.ROOT);
        this.layers = requireInt(config, "num_hidden_layers");
        this.heads = requireInt(config, "num_attention_heads");
        // All three config classes: num_key_value_heads=None means plain multi-head attention.
        this.kvHeads = intOr(config, "num_key_value_heads", heads);
        this.d = requireInt(config, "hidden_size");
        // getattr(config, "head_dim", None) or hidden_size // num_attention_heads (a null head_dim falls back too).
        this.headDim = intOr(config, "head_dim", d / heads);
        this.inner = requireInt(config, "intermediate_size");
        this.vocab = requireInt(config, "vocab_size");
        this.maxPositions = intOr(config, "max_position_embeddings", switch (modelType) {
            case "mistral" -> 4096 * 32;
            case "qwen2" -> 32768;
            default -> 2048;
        });
        this.eps = doubleOr(config, "rms_norm_eps", 1e-6);
        this.act = stringOr(config, "hidden_act", "silu");
        this.tied = boolOr(config, "tie_word_embeddings", false);
        switch (modelType) {
            case "qwen2" -> {
                // Qwen2Attention: q/k/v always carry a bias, o_proj never; Qwen2MLP has none.
                qkvBias = true;
                oBias = false;
                mlpBias = false;
            }
            case "mistral" -> {
                // MistralAttention and MistralMLP are bias-free whatever the config says.
                qkvBias = false;
                oBias = false;
                mlpBias = false;
            }
            default -> {
                // LlamaAttention: attention_bias applies to q, k, v and o alike; LlamaMLP: mlp_bias to all three.
                qkvBias = boolOr(config, "attention_bias", false);
                oBias = qkvBias;
                mlpBias = boolOr(config, "mlp_bias", false);
            }
        }
        this.window = slidingWindows(config);
        if (doubleOr(config, "partial_rotary_factor", 1.0) != 1.0) {
            throw new IllegalArgumentException("Llama-family models rotate the whole head; partial_rotary_factor "
                    + "is not supported by this reference");
        }
    }

    /** Which layers use sliding-window attention, and how wide, as each config class decides it. */
    private int[] slidingWindows(JsonObject c) {
        int[] w = new int[layers];
        switch (modelType) {
            case "mistral" -> {
                // MistralConfig: sliding_window defaults to 4096; null disables it; it applies to every layer.
                int sw = c.has("sliding_window") ? (c.get("sliding_window").isJsonNull() ? 0
                        : c.get("sliding_window").getAsInt()) : 4096;
                java.util.Arrays.fill(w, sw);
            }
            case "qwen2" -> {
                // Qwen2Config: the window only exists with use_sliding_window, and then only on the layers that
                // layer_types marks "sliding_attention" (by default those at index >= max_window_layers).
                boolean use = boolOr(c, "use_sliding_window", false);
                int sw = use ? intOr(c, "sliding_window", 4096) : 0;
                int maxWindowLayers = intOr(c, "max_window_layers", 28);
                JsonArray types = present(c, "layer_types") ? c.getAsJsonArray("layer_types") : null;
                for (int l = 0; l < layers; l++) {
                    boolean sliding = types != null ? types.get(l).getAsString().equals("sliding_attention")
                            : l >= maxWindowLayers;
                    w[l] = sliding ? sw : 0;
                }
            }
            default -> {
                // LlamaConfig has no sliding window.
            }
        }
        return w;
    }

    private float[] w(String name, long... shape) {
        return ReferenceMath.weight(t, name, shape);
    }

    private float[] bias(boolean has, String name, long size) {
        return has ? w(name, size) : null;
    }

    public ReferenceMath.Forward forward(long[] ids) {
        int n = ids.length;
        float[] embed = w("model.embed_tokens.weight", vocab, d);
        double[][] x = new double[n][d];
        for (int p = 0; p < n; p++) {
            int id = Math.toIntExact(ids[p]);
            for (int i = 0; i < d; i++) {
                x[p][i] = embed[id * d + i];
            }
        }
        double[][] cos = new double[n][];
        double[][] sin = new double[n][];
        rotaryTables(n, cos, sin);

        int q = heads * headDim;
        int kv = kvHeads * headDim;
        int groups = heads / kvHeads;
        double scaling = Math.pow(headDim, -0.5);
        List<double[][]> residPost = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            String pre = "model.layers." + l + ".";
            String at = pre + "self_attn.";
            double[][] h = rmsNorm(x, w(pre + "input_layernorm.weight", d), eps);
            double[][] qs = linear(h, w(at + "q_proj.weight", q, d), bias(qkvBias, at + "q_proj.bias", q), d, q);
            double[][] ks = linear(h, w(at + "k_proj.weight", kv, d), bias(qkvBias, at + "k_proj.bias", kv), d, kv);
            double[][] vs = linear(h, w(at + "v_proj.weight", kv, d), bias(qkvBias, at + "v_proj.bias", kv), d, kv);
            for (int p = 0; p < n; p++) {
                for (int hh = 0; hh < heads; hh++) {
                    rotate(qs[p], hh * headDim, cos[p], sin[p]);
                }
                for (int hh = 0; hh < kvHeads; hh++) {
                    rotate(ks[p], hh * headDim, cos[p], sin[p]);
                }
            }
            double[][] z = new double[n][q];
            for (int hh = 0; hh < heads; hh++) {
                // repeat_kv expands each kv head n_rep times in place, so query head h reads kv head h / n_rep.
                int ko = (hh / groups) * headDim;
                int qo = hh * headDim;
                for (int i = 0; i < n; i++) {
                    double[] s = new double[n];
                    boolean[] allowed = new boolean[n];
                    for (int j = 0; j <= i; j++) {
                        // Sliding window (masking_utils): key j is visible from query i iff i - j < window.
                        if (window[l] > 0 && i - j >= window[l]) {
                            continue;
                        }
                        double dot = 0;
                        for (int e = 0; e < headDim; e++) {
                            dot += qs[i][qo + e] * ks[j][ko + e];
                        }
                        s[j] = dot * scaling;
                        allowed[j] = true;
                    }
                    double[] a = maskedSoftmax(s, allowed);
                    for (int j = 0; j <= i; j++) {
                        if (allowed[j]) {
                            for (int e = 0; e < headDim; e++) {
                                z[i][qo + e] += a[j] * vs[j][ko + e];
                            }
                        }
                    }
                }
            }
            double[][] attnOut = linear(z, w(at + "o_proj.weight", d, q), bias(oBias, at + "o_proj.bias", d), q, d);
            addInPlace(x, attnOut);

            String mp = pre + "mlp.";
            double[][] h2 = rmsNorm(x, w(pre + "post_attention_layernorm.weight", d), eps);
            double[][] gate = linear(h2, w(mp + "gate_proj.weight", inner, d),
                    bias(mlpBias, mp + "gate_proj.bias", inner), d, inner);
            double[][] up = linear(h2, w(mp + "up_proj.weight", inner, d), bias(mlpBias, mp + "up_proj.bias", inner),
                    d, inner);
            for (int p = 0; p < n; p++) {
                for (int i = 0; i < inner; i++) {
                    gate[p][i] = activation(act, gate[p][i]) * up[p][i];
                }
            }
            double[][] mlpOut = linear(gate, w(mp + "down_proj.weight", d, inner),
                    bias(mlpBias, mp + "down_proj.bias", d), inner, d);
            addInPlace(x, mlpOut);
            residPost.add(copy(x));
        }
        double[][] fin = rmsNorm(x, w("model.norm.weight", d), eps);
        // Tied: lm_head is embed_tokens and any lm_head.weight in the file is ignored (HF re-ties after loading).
        float[] unembed = tied ? embed : w("lm_head.weight", vocab, d);
        return new ReferenceMath.Forward(linear(fin, unembed, null, d, vocab), residPost);
    }

    /**
     * apply_rotary_pos_emb with rotate_half: emb = cat(freqs, freqs), x * cos(emb) + rotate_half(x) * sin(emb),
     * where rotate_half(x) = cat(-x2, x1). So dimension i pairs with i + headDim/2, not with its neighbour.
     */
    private void rotate(double[] v, int offset, double[] cos, double[] sin) {
        int half = headDim / 2;
        for (int i = 0; i < half; i++) {
            double a = v[offset + i];
            double b = v[offset + half + i];
            v[offset + i] = a * cos[i] - b * sin[i];
            v[offset + half + i] = b * cos[i] + a * sin[i];
        }
    }

    /** cos and sin of the rotary angles for positions 0..n-1, one entry per frequency (headDim / 2). */
    private void rotaryTables(int n, double[][] cos, double[][] sin) {
        float[] invFreq = inverseFrequencies(n);
        for (int p = 0; p < n; p++) {
            cos[p] = new double[invFreq.length];
            sin[p] = new double[invFreq.length];
            for (int i = 0; i < invFreq.length; i++) {
                // LlamaRotaryEmbedding.forward: freqs = inv_freq.float() @ position_ids.float(), a float32 product.
                float angle = (float) p * invFreq[i];
                cos[p][i] = Math.cos(angle);
                sin[p][i] = Math.sin(angle);
            }
        }
    }

    /**
     * inv_freq as ROPE_INIT_FUNCTIONS[rope_type] computes it, in float32: default, linear, dynamic and llama3.
     * Every rope type here has attention_factor 1, so cos and sin are not rescaled.
     */
    float[] inverseFrequencies(int seqLen) {
        double theta = doubleOr(config, "rope_theta", 10000.0);
        JsonObject scaling = objectOrNull(config, "rope_scaling");
        // BC in the config classes: "type" was renamed "rope_type".
        String type = scaling == null ? "default"
                : stringOr(scaling, "rope_type", stringOr(scaling, "type", "default"));
        int dim = headDim;
        switch (type) {
            case "default" -> {
                return defaultInvFreq(theta, dim);
            }
            case "linear" -> {
                // inv_freq /= factor (equivalent to dividing the positions).
                float factor = (float) scaling.get("factor").getAsDouble();
                float[] f = defaultInvFreq(theta, dim);
                for (int i = 0; i < f.length; i++) {
                    f[i] = f[i] / factor;
                }
                return f;
            }
            case "dynamic" -> {
                // NTK-aware: the base grows only once the sequence outgrows max_position_embeddings (Python
                // doubles), so within the context this equals the default rope.
                double factor = scaling.get("factor").getAsDouble();
                double len = Math.max(seqLen, maxPositions);
                double base = theta * Math.pow(factor * len / maxPositions - (factor - 1), (double) dim / (dim - 2));
                return defaultInvFreq(base, dim);
            }
            case "llama3" -> {
                return llama3InvFreq(defaultInvFreq(theta, dim), scaling);
            }
            default -> throw new IllegalArgumentException("reference does not implement rope_type " + type);
        }
    }

    /**
     * 1.0 / (base ** (arange(0, dim, 2).float() / dim)), each step in float32 as torch does it: the exponent is a
     * float32 quotient, the power a float32 result, and 1.0 / t is torch's reciprocal.
     */
    private static float[] defaultInvFreq(double base, int dim) {
        float b = (float) base;
        float[] f = new float[dim / 2];
        for (int i = 0; i < f.length; i++) {
            float exponent = (float) (2 * i) / (float) dim;
            float power = (float) Math.pow(b, exponent);
            f[i] = 1f / power;
        }
        return f;
    }

    /**
     * _compute_llama3_parameters: wavelengths longer than original_max / low_freq_factor are divided by factor,
     * those shorter than original_max / high_freq_factor kept, and the band between interpolated smoothly. All in
     * float32 tensors with Python-float scalars, replicated here operation by operation.
     */
    private static float[] llama3InvFreq(float[] invFreq, JsonObject s) {
        float factor = (float) s.get("factor").getAsDouble();
        double low = s.get("low_freq_factor").getAsDouble();
        double high = s.get("high_freq_factor").getAsDouble();
        double oldContext = s.get("original_max_position_embeddings").getAsDouble();
        float lowWavelen = (float) (oldContext / low);
        float highWavelen = (float) (oldContext / high);
        float twoPi = (float) (2 * Math.PI);
        float[] out = new float[invFreq.length];
        for (int i = 0; i < invFreq.length; i++) {
            // 2 * math.pi / inv_freq is torch's reciprocal(inv_freq) * scalar.
            float wavelen = (1f / invFreq[i]) * twoPi;
            float scaled = wavelen > lowWavelen ? invFreq[i] / factor : invFreq[i];
            float smooth = ((1f / wavelen) * (float) oldContext - (float) low) / (float) (high - low);
            float smoothed = (1f - smooth) * scaled / factor + smooth * scaled;
            boolean medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
            out[i] = medium ? smoothed : scaled;
        }
        return out;
    }
}
