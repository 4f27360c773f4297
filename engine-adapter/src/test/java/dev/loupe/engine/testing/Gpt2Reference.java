package dev.loupe.engine.testing;

import static dev.loupe.engine.testing.ReferenceMath.activation;
import static dev.loupe.engine.testing.ReferenceMath.addInPlace;
import static dev.loupe.engine.testing.ReferenceMath.boolOr;
import static dev.loupe.engine.testing.ReferenceMath.conv1d;
import static dev.loupe.engine.testing.ReferenceMath.copy;
import static dev.loupe.engine.testing.ReferenceMath.doubleOr;
import static dev.loupe.engine.testing.ReferenceMath.intOr;
import static dev.loupe.engine.testing.ReferenceMath.layerNorm;
import static dev.loupe.engine.testing.ReferenceMath.maskedSoftmax;
import static dev.loupe.engine.testing.ReferenceMath.requireInt;
import static dev.loupe.engine.testing.ReferenceMath.stringOr;

import com.google.gson.JsonObject;
import dev.loupe.engine.format.TensorData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately naive GPT-2 forward pass (GPT2LMHeadModel, eval mode, one sequence, no padding) in double
 * precision, written from transformers' modeling_gpt2.py and configuration_gpt2.py and sharing no code with the
 * engine. Scalar loops only: for test-sized models and short inputs.
 */
public final class Gpt2Reference {
    private final Map<String, TensorData> t;
    private final int layers;
    private final int heads;
    private final int d;
    private final int inner;
    private final int vocab;
    private final int positions;
    private final double eps;
    private final String act;
    private final boolean scaleAttnWeights;
    private final boolean scaleByInverseLayerIdx;
    private final boolean tied;

    /**
     * @param config config.json as written (missing fields take GPT2Config's defaults)
     * @param tensors the checkpoint's tensors by name, in any floating dtype (values are used exactly as stored)
     */
    public Gpt2Reference(JsonObject config, Map<String, TensorData> tensors) {
        // GPT2LMHeadModel.save_pretrained prefixes the body with "transformer."; the original OpenAI upload does
        // not. Accept both.
        Map<String, TensorData> byName = new HashMap<>();
        tensors.forEach((k, v) -> byName.put(k.startsWith("transformer.") ? k.substring("transformer.".length()) : k,
                v));
        this.t = byName;
        this.layers = requireInt(config, "n_layer");
        this.heads = requireInt(config, "n_head");
        this.d = requireInt(config, "n_embd");
        // GPT2MLP: inner_dim = n_inner if not None else 4 * hidden_size.
        this.inner = intOr(config, "n_inner", 4 * d);
        this.vocab = requireInt(config, "vocab_size");
        this.positions = intOr(config, "n_positions", 1024);
        this.eps = doubleOr(config, "layer_norm_epsilon", 1e-5);
        this.act = stringOr(config, "activation_function", "gelu_new");
        this.scaleAttnWeights = boolOr(config, "scale_attn_weights", true);
        this.scaleByInverseLayerIdx = boolOr(config, "scale_attn_by_inverse_layer_idx", false);
        // PretrainedConfig defaults tie_word_embeddings to true; tied means lm_head IS wte, whatever the file holds.
        this.tied = boolOr(config, "tie_word_embeddings", true);
        // reorder_and_upcast_attn only changes HF's float evaluation order, not the maths: nothing to do here.
    }

    private float[] w(String name, long... shape) {
        return ReferenceMath.weight(t, name, shape);
    }

    public ReferenceMath.Forward forward(long[] ids) {
        int n = ids.length;
        if (n > positions) {
            throw new IllegalArgumentException(n + " tokens but n_positions is " + positions);
        }
        float[] wte = w("wte.weight", vocab, d);
        float[] wpe = w("wpe.weight", positions, d);
        double[][] x = new double[n][d];
        for (int p = 0; p < n; p++) {
            int id = Math.toIntExact(ids[p]);
            for (int i = 0; i < d; i++) {
                // position_ids are 0..n-1 without a cache
                x[p][i] = (double) wte[id * d + i] + wpe[p * d + i];
            }
        }
        List<double[][]> residPost = new ArrayList<>();
        int hd = d / heads;
        for (int l = 0; l < layers; l++) {
            String pre = "h." + l + ".";
            double[][] h1 = layerNorm(x, w(pre + "ln_1.weight", d), w(pre + "ln_1.bias", d), eps);
            double[][] qkv = conv1d(h1, w(pre + "attn.c_attn.weight", d, 3L * d), w(pre + "attn.c_attn.bias", 3L * d),
                    d, 3 * d);
            // GPT2Attention._attn: scores = q k^T, / sqrt(head_dim) if scale_attn_weights, / (layer_idx + 1) if
            // scale_attn_by_inverse_layer_idx, causal mask, softmax, @ v.
            double scale = 1;
            if (scaleAttnWeights) {
                scale /= Math.sqrt(hd);
            }
            if (scaleByInverseLayerIdx) {
                scale /= (l + 1);
            }
            double[][] z = new double[n][d];
            for (int h = 0; h < heads; h++) {
                int qo = h * hd;
                int ko = d + h * hd;
                int vo = 2 * d + h * hd;
                for (int i = 0; i < n; i++) {
                    double[] s = new double[n];
                    boolean[] allowed = new boolean[n];
                    for (int j = 0; j <= i; j++) {
                        double dot = 0;
                        for (int e = 0; e < hd; e++) {
                            dot += qkv[i][qo + e] * qkv[j][ko + e];
                        }
                        s[j] = dot * scale;
                        allowed[j] = true;
                    }
                    double[] a = maskedSoftmax(s, allowed);
                    for (int j = 0; j <= i; j++) {
                        for (int e = 0; e < hd; e++) {
                            z[i][qo + e] += a[j] * qkv[j][vo + e];
                        }
                    }
                }
            }
            double[][] attnOut = conv1d(z, w(pre + "attn.c_proj.weight", d, d), w(pre + "attn.c_proj.bias", d), d, d);
            addInPlace(x, attnOut);
            double[][] h2 = layerNorm(x, w(pre + "ln_2.weight", d), w(pre + "ln_2.bias", d), eps);
            double[][] hidden = conv1d(h2, w(pre + "mlp.c_fc.weight", d, inner), w(pre + "mlp.c_fc.bias", inner), d,
                    inner);
            for (double[] row : hidden) {
                for (int i = 0; i < inner; i++) {
                    row[i] = activation(act, row[i]);
                }
            }
            double[][] mlpOut = conv1d(hidden, w(pre + "mlp.c_proj.weight", inner, d), w(pre + "mlp.c_proj.bias", d),
                    inner, d);
            addInPlace(x, mlpOut);
            residPost.add(copy(x));
        }
        double[][] fin = layerNorm(x, w("ln_f.weight", d), w("ln_f.bias", d), eps);
        float[] unembed = tied ? wte : w("lm_head.weight", vocab, d);
        double[][] logits = ReferenceMath.linear(fin, unembed, null, d, vocab);
        return new ReferenceMath.Forward(logits, residPost);
    }
}
