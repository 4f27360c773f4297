package dev.loupe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.loupe.engine.format.HfConfig;
import dev.loupe.engine.hooks.HookContext;
import java.util.List;
import java.util.regex.Pattern;

/**
 * GPT-2 as Hugging Face's GPT2LMHeadModel computes it: learned positions, pre-LN blocks, Conv1D weights stored
 * [in, out], fused q/k/v projection, unembedding tied to the token embedding (or a separate lm_head.weight).
 *
 * <p>The same class runs Loupe's recurrent-depth family (model_type {@code loupe_looped}): a GPT-2 whose config
 * declares {@code block_schedule}, the distinct block applied at each layer (e.g. [0, 0, 0, 1, 1, 1] for A A A B B
 * B). Only the distinct blocks are stored ({@code h.0.*}, {@code h.1.*}); hooks are named by applied layer, so
 * {@code blocks.4.hook_resid_post} is the output of the fifth application, and every view works unchanged.
 */
public final class Gpt2Net extends TransformerNet {
    /** Buffers some GPT-2 exports carry that are not parameters. */
    private static final Pattern IGNORABLE = Pattern.compile("(transformer\\.)?h\\.\\d+\\.attn\\.(bias|masked_bias)");

    private final double eps;
    private final Ops.Activation activation;
    private final boolean scaleByInverseLayer;
    private final NDArray wte;
    private final NDArray wpe;
    private final NDArray unembedT;
    private final NDArray lnFW;
    private final NDArray lnFB;
    private final Block[] blocks;
    /** Distinct block index applied at each layer; the identity for plain GPT-2. */
    private final int[] schedule;

    private record Block(NDArray ln1W, NDArray ln1B, NDArray attnW, NDArray attnB, NDArray projW, NDArray projB,
            NDArray ln2W, NDArray ln2B, NDArray fcW, NDArray fcB, NDArray outW, NDArray outB) {
    }

    public static NetSpec spec(HfConfig c) {
        int d = c.requireIntAlias("n_embd", "hidden_size");
        int[] schedule = schedule(c);
        int layers = schedule.length;
        int heads = c.requireIntAlias("n_head", "num_attention_heads");
        if (d % heads != 0) {
            throw c.bad("n_embd", "(" + d + ") is not divisible by n_head (" + heads + ")");
        }
        int inner = c.has("n_inner") ? c.requireInt("n_inner", 1) : 4 * d;
        int vocab = c.requireInt("vocab_size", 1);
        int ctx = c.requireIntAlias("n_positions", "max_position_embeddings");
        long[] eos = c.optIdList("eos_token_id");
        List<String> letters = new java.util.ArrayList<>();
        if (c.has("block_schedule")) {
            for (int b : schedule) {
                letters.add(String.valueOf((char) ('A' + b)));
            }
        }
        return new NetSpec(letters.isEmpty() ? "gpt2" : "looped", c.optString("model_type", "gpt2"), layers, heads,
                heads, d, d / heads, inner, vocab, ctx, true, true, letters, eos);
    }

    /**
     * The block applied at each layer: block_schedule for recurrent-depth models (indices into the n_layer distinct
     * blocks), else 0..n_layer-1.
     */
    static int[] schedule(HfConfig c) {
        int distinct = c.requireIntAlias("n_layer", "num_hidden_layers");
        if (!c.has("block_schedule")) {
            int[] identity = new int[distinct];
            for (int i = 0; i < distinct; i++) {
                identity[i] = i;
            }
            return identity;
        }
        var json = c.json().get("block_schedule");
        if (!json.isJsonArray() || json.getAsJsonArray().isEmpty()) {
            throw c.bad("block_schedule", "must be a non-empty list of block indices, found " + json);
        }
        var array = json.getAsJsonArray();
        int[] out = new int[array.size()];
        boolean[] seen = new boolean[distinct];
        for (int i = 0; i < out.length; i++) {
            var e = array.get(i);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber() || e.getAsDouble() != Math.rint(e.getAsDouble())
                    || e.getAsInt() < 0 || e.getAsInt() >= distinct) {
                throw c.bad("block_schedule", "entry " + i + " is " + e + "; entries must be block indices 0.."
                        + (distinct - 1) + " (n_layer = " + distinct + " distinct blocks)");
            }
            out[i] = e.getAsInt();
            seen[out[i]] = true;
        }
        for (int b = 0; b < distinct; b++) {
            if (!seen[b]) {
                throw c.bad("block_schedule", "never applies block " + b + " (n_layer = " + distinct + ")");
            }
        }
        return out;
    }

    public Gpt2Net(HfConfig c, Weights w) {
        super(spec(c));
        this.eps = c.optDouble("layer_norm_epsilon", 1e-5);
        this.activation = Ops.Activation.parse(c, "activation_function", c.optString("activation_function", "gelu_new"));
        this.scaleByInverseLayer = c.optBoolean("scale_attn_by_inverse_layer_idx", false);
        int d = spec.dModel();
        int inner = spec.dMlp();
        this.wte = w.get("wte.weight", spec.dVocab(), d);
        this.wpe = w.get("wpe.weight", spec.contextLength(), d);
        this.lnFW = w.get("ln_f.weight", d);
        this.lnFB = w.get("ln_f.bias", d);
        // Tied unless the file carries its own head; either way keep a transposed view for x @ W^T.
        boolean tied = c.optBoolean("tie_word_embeddings", true); // read always, so "yes" is refused, not ignored
        if (!tied && !w.hasRaw("lm_head.weight")) {
            throw c.bad("tie_word_embeddings", "is false, but the weights hold no lm_head.weight to unembed with");
        }
        NDArray head = w.hasRaw("lm_head.weight") && !tied
                ? w.getRaw("lm_head.weight", spec.dVocab(), d)
                : wte;
        if (w.hasRaw("lm_head.weight") && head == wte) {
            w.getRaw("lm_head.weight", spec.dVocab(), d); // tied copy saved by some exports: checked, then unused
        }
        this.unembedT = head.transpose(1, 0);
        this.schedule = schedule(c);
        int distinct = c.requireIntAlias("n_layer", "num_hidden_layers");
        this.blocks = new Block[distinct];
        for (int l = 0; l < distinct; l++) {
            String p = "h." + l + ".";
            blocks[l] = new Block(
                    w.get(p + "ln_1.weight", d), w.get(p + "ln_1.bias", d),
                    w.get(p + "attn.c_attn.weight", d, 3L * d), w.get(p + "attn.c_attn.bias", 3L * d),
                    w.get(p + "attn.c_proj.weight", d, d), w.get(p + "attn.c_proj.bias", d),
                    w.get(p + "ln_2.weight", d), w.get(p + "ln_2.bias", d),
                    w.get(p + "mlp.c_fc.weight", d, inner), w.get(p + "mlp.c_fc.bias", inner),
                    w.get(p + "mlp.c_proj.weight", inner, d), w.get(p + "mlp.c_proj.bias", d));
        }
        w.checkAllUsed(IGNORABLE);
    }

    @Override
    public NDArray[] attentionOutput(int layer) {
        Block b = blocks[schedule[layer]];
        return new NDArray[] {b.projW, b.projB};
    }

    @Override
    public Unembedding unembedding() {
        return new Unembedding(Unembedding.NormKind.LAYER_NORM, lnFW, lnFB, eps, unembedT);
    }

    public static String[] prefixes() {
        return new String[] {"", "transformer."};
    }

    @Override
    protected List<String> embedHooks() {
        return List.of("hook_embed", "hook_pos_embed");
    }

    @Override
    public Output forward(NetInput input, KvCache cache, HookContext hooks) {
        NDArray tokens = input.tokenIds();
        NDManager m = tokens.getManager();
        long batch = tokens.getShape().get(0);
        int t = (int) tokens.getShape().get(1);
        int offset = cache == null ? 0 : cache.length();
        int d = spec.dModel();
        int h = spec.heads();
        int dh = spec.dHead();

        NDArray embed = hooks.hook("hook_embed", Ops.embedding(tokens, wte));
        NDArray posEmbed = hooks.hook("hook_pos_embed",
                wpe.get(m, new NDIndex("{}:{}", offset, offset + t)).expandDims(0));
        NDArray resid = embed.add(posEmbed);
        NDArray mask = t > 1 || offset > 0 ? Ops.causalMask(m, offset, t, offset + t, 0, resid.getDataType()) : null;

        for (int l = 0; l < spec.layers(); l++) {
            Block b = blocks[schedule[l]];
            String p = blockPrefix[l];
            resid = hooks.hook(p + "hook_resid_pre", resid);
            NDArray x = hooks.hook(p + "ln1.hook_normalized", Ops.layerNorm(resid, b.ln1W, b.ln1B, eps));
            NDArray qkv = Ops.linear(x, b.attnW, b.attnB);
            NDArray q = hooks.hook(p + "attn.hook_q", qkv.get(":, :, 0:{}", d).reshape(batch, t, h, dh));
            NDArray k = hooks.hook(p + "attn.hook_k", qkv.get(":, :, {}:{}", d, 2 * d).reshape(batch, t, h, dh));
            NDArray v = hooks.hook(p + "attn.hook_v", qkv.get(":, :, {}:", 2 * d).reshape(batch, t, h, dh));
            if (cache != null) {
                NDArray[] kv = cache.append(l, k, v);
                k = kv[0];
                v = kv[1];
            }
            double scale = 1.0 / Math.sqrt(dh) / (scaleByInverseLayer ? l + 1 : 1);
            NDArray z = attend(p, q, k, v, mask, scale, hooks);
            NDArray attnOut = hooks.hook(p + "hook_attn_out", Ops.linear(z.reshape(batch, t, d), b.projW, b.projB));
            NDArray residMid = hooks.hook(p + "hook_resid_mid", resid.add(attnOut));
            NDArray x2 = hooks.hook(p + "ln2.hook_normalized", Ops.layerNorm(residMid, b.ln2W, b.ln2B, eps));
            NDArray pre = hooks.hook(p + "mlp.hook_pre", Ops.linear(x2, b.fcW, b.fcB));
            NDArray post = hooks.hook(p + "mlp.hook_post", activation.apply(pre));
            NDArray mlpOut = hooks.hook(p + "hook_mlp_out", Ops.linear(post, b.outW, b.outB));
            resid = hooks.hook(p + "hook_resid_post", residMid.add(mlpOut));
        }
        if (cache != null) {
            cache.advance(t);
        }
        NDArray normed = hooks.hook("ln_final.hook_normalized", Ops.layerNorm(resid, lnFW, lnFB, eps));
        NDArray logits = hooks.hook("logits", normed.matMul(unembedT));
        return new Output(logits, normed);
    }
}
