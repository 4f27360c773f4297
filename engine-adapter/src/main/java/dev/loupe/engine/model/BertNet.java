package dev.loupe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.loupe.engine.format.HfConfig;
import dev.loupe.engine.hooks.HookContext;
import java.util.List;
import java.util.regex.Pattern;

/**
 * BERT-style post-LN encoders (bert, and MiniLM sentence encoders), as Hugging Face's BertModel computes them.
 *
 * <p>Hook placement follows TransformerLens' BertBlock, because a post-LN block puts its norms after each sublayer:
 * {@code hook_resid_mid} = resid_pre + attn_out (before the norm), {@code ln1.hook_normalized} = the attention
 * output LayerNorm, {@code hook_resid_post} = ln1 output + mlp_out (before the norm), {@code ln2.hook_normalized} =
 * the block's output, which is the next block's {@code hook_resid_pre}. There is no ln1 before attention and no
 * final norm; {@code ln_final.hook_normalized} is the MLM head's transform when the checkpoint has one. The
 * embedding LayerNorm's output is {@code embed.ln.hook_normalized}.
 */
public final class BertNet extends TransformerNet {
    private static final Pattern IGNORABLE = Pattern.compile(
            "(bert\\.)?(embeddings\\.position_ids|pooler\\..*)|cls\\.seq_relationship\\..*");

    private final double eps;
    private final Ops.Activation activation;
    private final NDArray wordEmb;
    private final NDArray posEmb;
    private final NDArray typeEmb;
    private final NDArray embLnW;
    private final NDArray embLnB;
    private final Block[] blocks;
    private final MlmHead mlm;

    private record Block(NDArray qT, NDArray qB, NDArray kT, NDArray kB, NDArray vT, NDArray vB, NDArray oT,
            NDArray oB, NDArray ln1W, NDArray ln1B, NDArray inT, NDArray inB, NDArray outT, NDArray outB,
            NDArray ln2W, NDArray ln2B) {
    }

    private record MlmHead(NDArray denseT, NDArray denseB, NDArray lnW, NDArray lnB, NDArray decoderT,
            NDArray bias) {
    }

    public static NetSpec spec(HfConfig c, boolean hasMlmHead) {
        int d = c.requireInt("hidden_size", 1);
        int heads = c.requireInt("num_attention_heads", 1);
        if (d % heads != 0) {
            throw c.bad("hidden_size", "(" + d + ") is not divisible by num_attention_heads (" + heads + ")");
        }
        String posType = c.optString("position_embedding_type", "absolute");
        if (!posType.equals("absolute")) {
            throw c.bad("position_embedding_type", "is \"" + posType + "\"; Loupe implements absolute positions");
        }
        return new NetSpec("bert", c.optString("model_type", "bert"), c.requireInt("num_hidden_layers", 1), heads,
                heads, d, d / heads, c.requireInt("intermediate_size", 1), c.requireInt("vocab_size", 1),
                c.requireInt("max_position_embeddings", 1), false, hasMlmHead, List.of(), new long[0]);
    }

    public BertNet(HfConfig c, Weights w) {
        super(spec(c, w.hasRaw("cls.predictions.transform.dense.weight")));
        this.eps = c.optDouble("layer_norm_eps", 1e-12);
        this.activation = Ops.Activation.parse(c, "hidden_act", c.optString("hidden_act", "gelu"));
        int d = spec.dModel();
        int inter = spec.dMlp();
        this.wordEmb = w.get("embeddings.word_embeddings.weight", spec.dVocab(), d);
        this.posEmb = w.get("embeddings.position_embeddings.weight", spec.contextLength(), d);
        int types = c.optInt("type_vocab_size", 2);
        this.typeEmb = types > 0 ? w.get("embeddings.token_type_embeddings.weight", types, d) : null;
        this.embLnW = w.get("embeddings.LayerNorm.weight", d);
        this.embLnB = w.get("embeddings.LayerNorm.bias", d);
        this.blocks = new Block[spec.layers()];
        for (int l = 0; l < spec.layers(); l++) {
            String p = "encoder.layer." + l + ".";
            String a = p + "attention.";
            blocks[l] = new Block(
                    t(w.get(a + "self.query.weight", d, d)), w.get(a + "self.query.bias", d),
                    t(w.get(a + "self.key.weight", d, d)), w.get(a + "self.key.bias", d),
                    t(w.get(a + "self.value.weight", d, d)), w.get(a + "self.value.bias", d),
                    t(w.get(a + "output.dense.weight", d, d)), w.get(a + "output.dense.bias", d),
                    w.get(a + "output.LayerNorm.weight", d), w.get(a + "output.LayerNorm.bias", d),
                    t(w.get(p + "intermediate.dense.weight", inter, d)), w.get(p + "intermediate.dense.bias", inter),
                    t(w.get(p + "output.dense.weight", d, inter)), w.get(p + "output.dense.bias", d),
                    w.get(p + "output.LayerNorm.weight", d), w.get(p + "output.LayerNorm.bias", d));
        }
        if (spec.hasLmHead()) {
            String h = "cls.predictions.";
            NDArray decoder = w.hasRaw(h + "decoder.weight") ? w.getRaw(h + "decoder.weight", spec.dVocab(), d) : wordEmb;
            NDArray bias = w.hasRaw(h + "decoder.bias") && !w.hasRaw(h + "bias")
                    ? w.getRaw(h + "decoder.bias", spec.dVocab())
                    : w.getRaw(h + "bias", spec.dVocab());
            if (w.hasRaw(h + "decoder.bias") && w.hasRaw(h + "bias")) {
                w.getRaw(h + "decoder.bias", spec.dVocab()); // the same parameter saved twice by some exports
            }
            mlm = new MlmHead(t(w.getRaw(h + "transform.dense.weight", d, d)), w.getRaw(h + "transform.dense.bias", d),
                    w.getRaw(h + "transform.LayerNorm.weight", d), w.getRaw(h + "transform.LayerNorm.bias", d),
                    t(decoder), bias);
        } else {
            mlm = null;
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

    public static String[] prefixes() {
        return new String[] {"", "bert."};
    }

    @Override
    protected List<String> embedHooks() {
        return typeEmb == null
                ? List.of("hook_embed", "hook_pos_embed", "embed.ln.hook_normalized")
                : List.of("hook_embed", "hook_pos_embed", "hook_token_type_embed", "embed.ln.hook_normalized");
    }

    @Override
    protected List<String> blockHookSuffixes() {
        return List.of("hook_resid_pre", "attn.hook_q", "attn.hook_k", "attn.hook_v", "attn.hook_attn_scores",
                "attn.hook_pattern", "attn.hook_z", "hook_attn_out", "hook_resid_mid", "ln1.hook_normalized",
                "mlp.hook_pre", "mlp.hook_post", "hook_mlp_out", "hook_resid_post", "ln2.hook_normalized");
    }

    @Override
    protected List<String> finalHooks() {
        return mlm == null ? List.of() : List.of("ln_final.hook_normalized", "logits");
    }

    @Override
    public Output forward(NetInput input, KvCache cache, HookContext hooks) {
        NDArray tokens = input.tokenIds();
        if (cache != null) {
            throw new IllegalStateException("an encoder has no KV cache");
        }
        NDManager m = tokens.getManager();
        long batch = tokens.getShape().get(0);
        int t = (int) tokens.getShape().get(1);
        int h = spec.heads();
        int dh = spec.dHead();
        int d = spec.dModel();

        NDArray embed = hooks.hook("hook_embed", Ops.embedding(tokens, wordEmb));
        NDArray pos = hooks.hook("hook_pos_embed", posEmb.get(m, new NDIndex("0:{}", t)).expandDims(0));
        NDArray sum = embed.add(pos);
        if (typeEmb != null) {
            // A single segment: every token has type 0, as when the tokenizer is given one sentence.
            NDArray typeIds = m.zeros(new Shape(batch, t), DataType.INT64);
            sum = sum.add(hooks.hook("hook_token_type_embed", Ops.embedding(typeIds, typeEmb)));
        }
        NDArray resid = hooks.hook("embed.ln.hook_normalized", Ops.layerNorm(sum, embLnW, embLnB, eps));
        double scale = 1.0 / Math.sqrt(dh);

        for (int l = 0; l < spec.layers(); l++) {
            Block b = blocks[l];
            String p = blockPrefix[l];
            resid = hooks.hook(p + "hook_resid_pre", resid);
            NDArray q = hooks.hook(p + "attn.hook_q", Ops.linear(resid, b.qT, b.qB).reshape(batch, t, h, dh));
            NDArray k = hooks.hook(p + "attn.hook_k", Ops.linear(resid, b.kT, b.kB).reshape(batch, t, h, dh));
            NDArray v = hooks.hook(p + "attn.hook_v", Ops.linear(resid, b.vT, b.vB).reshape(batch, t, h, dh));
            NDArray z = attend(p, q, k, v, null, scale, hooks);
            NDArray attnOut = hooks.hook(p + "hook_attn_out", Ops.linear(z.reshape(batch, t, d), b.oT, b.oB));
            NDArray residMid = hooks.hook(p + "hook_resid_mid", resid.add(attnOut));
            NDArray normed = hooks.hook(p + "ln1.hook_normalized", Ops.layerNorm(residMid, b.ln1W, b.ln1B, eps));
            NDArray pre = hooks.hook(p + "mlp.hook_pre", Ops.linear(normed, b.inT, b.inB));
            NDArray post = hooks.hook(p + "mlp.hook_post", activation.apply(pre));
            NDArray mlpOut = hooks.hook(p + "hook_mlp_out", Ops.linear(post, b.outT, b.outB));
            NDArray residPost = hooks.hook(p + "hook_resid_post", normed.add(mlpOut));
            resid = hooks.hook(p + "ln2.hook_normalized", Ops.layerNorm(residPost, b.ln2W, b.ln2B, eps));
        }
        NDArray logits = null;
        if (mlm != null) {
            NDArray x = activation.apply(Ops.linear(resid, mlm.denseT, mlm.denseB));
            x = hooks.hook("ln_final.hook_normalized", Ops.layerNorm(x, mlm.lnW, mlm.lnB, eps));
            logits = hooks.hook("logits", Ops.linear(x, mlm.decoderT, mlm.bias));
        }
        return new Output(logits, resid);
    }
}
