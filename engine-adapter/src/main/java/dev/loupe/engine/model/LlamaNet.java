package dev.loupe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.loupe.engine.format.HfConfig;
import dev.loupe.engine.hooks.HookContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The Llama layout (model_type llama, mistral, qwen2 and configs shaped like them), as Hugging Face's
 * LlamaForCausalLM computes it: RMSNorm, rotary embeddings, grouped-query attention, SwiGLU MLP, q/k/v biases
 * where the config asks (always for Qwen2), tied or untied unembedding, Mistral/Qwen2 sliding windows.
 *
 * <p>hook_k and hook_v have the kv-head count on their head axis, as in TransformerLens; keys and values are
 * repeated to the query heads only inside attention.
 */
public final class LlamaNet extends TransformerNet {
    private static final Pattern IGNORABLE = Pattern.compile("(model\\.)?layers\\.\\d+\\.self_attn\\.rotary_emb\\.inv_freq");

    private final double eps;
    private final Ops.Activation activation;
    private final Rotary rotary;
    private final int[] slidingWindow;
    private final NDArray embedTokens;
    private final NDArray normW;
    private final NDArray unembedT;
    private final Block[] blocks;

    private record Block(NDArray inNorm, NDArray qT, NDArray qB, NDArray kT, NDArray kB, NDArray vT, NDArray vB,
            NDArray oT, NDArray oB, NDArray postNorm, NDArray gateT, NDArray gateB, NDArray upT, NDArray upB,
            NDArray downT, NDArray downB) {
    }

    public static NetSpec spec(HfConfig c, String modelType) {
        int d = c.requireInt("hidden_size", 1);
        int layers = c.requireInt("num_hidden_layers", 1);
        int heads = c.requireInt("num_attention_heads", 1);
        int kvHeads = c.has("num_key_value_heads") ? c.requireInt("num_key_value_heads", 1) : heads;
        if (heads % kvHeads != 0) {
            throw c.bad("num_key_value_heads", "(" + kvHeads + ") must divide num_attention_heads (" + heads + ")");
        }
        int headDim = c.has("head_dim") ? c.requireInt("head_dim", 2) : d / heads;
        if (!c.has("head_dim") && d % heads != 0) {
            throw c.bad("hidden_size", "(" + d + ") is not divisible by num_attention_heads (" + heads + ")");
        }
        if (headDim % 2 != 0) {
            throw c.bad("head_dim", "(" + headDim + ") must be even for rotary embeddings");
        }
        int inter = c.requireInt("intermediate_size", 1);
        int vocab = c.requireInt("vocab_size", 1);
        int ctx = c.optInt("max_position_embeddings", 2048);
        return new NetSpec("llama", modelType, layers, heads, kvHeads, d, headDim, inter, vocab, ctx, true, true,
                List.of(), c.optIdList("eos_token_id"));
    }

    /**
     * @param rope          the rotary settings, read by the family from either config layout
     * @param slidingWindow per layer, the sliding window (0 = full causal attention), as the family read it
     */
    public LlamaNet(HfConfig c, String modelType, RopeSpec rope, int[] slidingWindow, Weights w) {
        super(spec(c, modelType));
        if (slidingWindow.length != spec.layers()) {
            throw new IllegalArgumentException(slidingWindow.length + " sliding windows for " + spec.layers() + " layers");
        }
        this.eps = c.optDouble("rms_norm_eps", 1e-6);
        this.activation = Ops.Activation.parse(c, "hidden_act", c.optString("hidden_act", "silu"));
        this.rotary = new Rotary(rope, spec.dHead(), spec.contextLength());
        this.slidingWindow = slidingWindow.clone();
        boolean qwen = modelType.toLowerCase(Locale.ROOT).startsWith("qwen2");
        boolean attentionBias = c.optBoolean("attention_bias", false);
        boolean qkvBias = qwen || attentionBias;
        boolean mlpBias = c.optBoolean("mlp_bias", false);
        int d = spec.dModel();
        long qOut = (long) spec.heads() * spec.dHead();
        long kvOut = (long) spec.kvHeads() * spec.dHead();
        int inter = spec.dMlp();

        this.embedTokens = w.get("embed_tokens.weight", spec.dVocab(), d);
        this.normW = w.get("norm.weight", d);
        boolean tied = c.optBoolean("tie_word_embeddings", false);
        NDArray head;
        if (tied) {
            head = embedTokens;
            if (w.hasRaw("lm_head.weight")) {
                w.getRaw("lm_head.weight", spec.dVocab(), d); // a saved copy of the tied matrix: checked, unused
            }
        } else {
            head = w.getRaw("lm_head.weight", spec.dVocab(), d);
        }
        this.unembedT = head.transpose(1, 0);
        this.blocks = new Block[spec.layers()];
        for (int l = 0; l < spec.layers(); l++) {
            String p = "layers." + l + ".";
            String a = p + "self_attn.";
            String m = p + "mlp.";
            blocks[l] = new Block(
                    w.get(p + "input_layernorm.weight", d),
                    t(w.get(a + "q_proj.weight", qOut, d)), qkvBias ? w.get(a + "q_proj.bias", qOut) : null,
                    t(w.get(a + "k_proj.weight", kvOut, d)), qkvBias ? w.get(a + "k_proj.bias", kvOut) : null,
                    t(w.get(a + "v_proj.weight", kvOut, d)), qkvBias ? w.get(a + "v_proj.bias", kvOut) : null,
                    t(w.get(a + "o_proj.weight", d, qOut)), attentionBias ? w.get(a + "o_proj.bias", d) : null,
                    w.get(p + "post_attention_layernorm.weight", d),
                    t(w.get(m + "gate_proj.weight", inter, d)), mlpBias ? w.get(m + "gate_proj.bias", inter) : null,
                    t(w.get(m + "up_proj.weight", inter, d)), mlpBias ? w.get(m + "up_proj.bias", inter) : null,
                    t(w.get(m + "down_proj.weight", d, inter)), mlpBias ? w.get(m + "down_proj.bias", d) : null);
        }
        w.checkAllUsed(IGNORABLE);
    }

    private static NDArray t(NDArray linearWeight) {
        return linearWeight.transpose(1, 0);
    }

    @Override
    public NDArray[] attentionOutput(int layer) {
        return new NDArray[] {blocks[layer].oT, blocks[layer].oB};
    }

    @Override
    public Unembedding unembedding() {
        return new Unembedding(Unembedding.NormKind.RMS_NORM, normW, null, eps, unembedT);
    }

    public static String[] prefixes() {
        return new String[] {"model.", ""};
    }

    @Override
    protected List<String> embedHooks() {
        return List.of("hook_embed");
    }

    @Override
    protected List<String> blockHookSuffixes() {
        return List.of("hook_resid_pre", "ln1.hook_normalized", "attn.hook_q", "attn.hook_k", "attn.hook_v",
                "attn.hook_rot_q", "attn.hook_rot_k", "attn.hook_attn_scores", "attn.hook_pattern", "attn.hook_z",
                "hook_attn_out", "hook_resid_mid", "ln2.hook_normalized", "mlp.hook_pre", "mlp.hook_pre_linear",
                "mlp.hook_post", "hook_mlp_out", "hook_resid_post");
    }

    @Override
    public Output forward(NetInput input, KvCache cache, HookContext hooks) {
        NDArray tokens = input.tokenIds();
        NDManager m = tokens.getManager();
        long batch = tokens.getShape().get(0);
        int t = (int) tokens.getShape().get(1);
        int offset = cache == null ? 0 : cache.length();
        int h = spec.heads();
        int kv = spec.kvHeads();
        int dh = spec.dHead();
        int rep = h / kv;

        NDArray resid = hooks.hook("hook_embed", Ops.embedding(tokens, embedTokens));
        NDArray[] cosSin = rotary.tables(m, offset, t, resid.getDataType());
        List<NDArray> masks = new ArrayList<>();
        for (int l = 0; l < spec.layers(); l++) {
            masks.add(t > 1 || offset > 0 || slidingWindow[l] > 0
                    ? maskFor(m, offset, t, slidingWindow[l], masks, l, resid) : null);
        }
        double scale = 1.0 / Math.sqrt(dh);

        for (int l = 0; l < spec.layers(); l++) {
            Block b = blocks[l];
            String p = blockPrefix[l];
            resid = hooks.hook(p + "hook_resid_pre", resid);
            NDArray x = hooks.hook(p + "ln1.hook_normalized", Ops.rmsNorm(resid, b.inNorm, eps));
            NDArray q = hooks.hook(p + "attn.hook_q", Ops.linear(x, b.qT, b.qB).reshape(batch, t, h, dh));
            NDArray k = hooks.hook(p + "attn.hook_k", Ops.linear(x, b.kT, b.kB).reshape(batch, t, kv, dh));
            NDArray v = hooks.hook(p + "attn.hook_v", Ops.linear(x, b.vT, b.vB).reshape(batch, t, kv, dh));
            q = hooks.hook(p + "attn.hook_rot_q", Rotary.apply(q, cosSin[0], cosSin[1]));
            k = hooks.hook(p + "attn.hook_rot_k", Rotary.apply(k, cosSin[0], cosSin[1]));
            if (cache != null) {
                NDArray[] kvFull = cache.append(l, k, v);
                k = kvFull[0];
                v = kvFull[1];
            }
            if (rep > 1) {
                k = k.repeat(2, rep);
                v = v.repeat(2, rep);
            }
            NDArray z = attend(p, q, k, v, masks.get(l), scale, hooks);
            NDArray attnOut = hooks.hook(p + "hook_attn_out", Ops.linear(z.reshape(batch, t, (long) h * dh), b.oT, b.oB));
            NDArray residMid = hooks.hook(p + "hook_resid_mid", resid.add(attnOut));
            NDArray x2 = hooks.hook(p + "ln2.hook_normalized", Ops.rmsNorm(residMid, b.postNorm, eps));
            NDArray gate = hooks.hook(p + "mlp.hook_pre", Ops.linear(x2, b.gateT, b.gateB));
            NDArray up = hooks.hook(p + "mlp.hook_pre_linear", Ops.linear(x2, b.upT, b.upB));
            NDArray post = hooks.hook(p + "mlp.hook_post", activation.apply(gate).mul(up));
            NDArray mlpOut = hooks.hook(p + "hook_mlp_out", Ops.linear(post, b.downT, b.downB));
            resid = hooks.hook(p + "hook_resid_post", residMid.add(mlpOut));
        }
        if (cache != null) {
            cache.advance(t);
        }
        NDArray normed = hooks.hook("ln_final.hook_normalized", Ops.rmsNorm(resid, normW, eps));
        NDArray logits = hooks.hook("logits", normed.matMul(unembedT));
        return new Output(logits, normed);
    }

    /** Layers with the same window share one mask. */
    private NDArray maskFor(NDManager m, int offset, int t, int window, List<NDArray> earlier, int layer, NDArray like) {
        for (int j = 0; j < layer; j++) {
            if (slidingWindow[j] == window && earlier.get(j) != null) {
                return earlier.get(j);
            }
        }
        return Ops.causalMask(m, offset, t, offset + t, window, like.getDataType());
    }
}
