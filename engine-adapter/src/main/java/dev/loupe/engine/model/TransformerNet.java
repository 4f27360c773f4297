package dev.loupe.engine.model;

import ai.djl.ndarray.NDArray;
import dev.loupe.engine.hooks.HookContext;
import dev.loupe.engine.input.InputKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A transformer implemented natively in DJL NDArray operations, with a TransformerLens hook at every activation.
 * Implementations hold their weights on the model's manager and create nothing on it during a forward pass.
 */
public abstract class TransformerNet {

    /** logits [batch, pos, d_vocab] (null without an LM head); lastHidden [batch, pos, d_model]. */
    public record Output(NDArray logits, NDArray lastHidden) {
    }

    protected final NetSpec spec;
    protected final String[] blockPrefix;

    protected TransformerNet(NetSpec spec) {
        this.spec = spec;
        this.blockPrefix = new String[spec.layers()];
        for (int l = 0; l < spec.layers(); l++) {
            blockPrefix[l] = "blocks." + l + ".";
        }
    }

    public NetSpec spec() {
        return spec;
    }

    /** The input kinds this net embeds; the engine refuses any other before a pass. Text nets take token ids. */
    public Set<InputKind> inputKinds() {
        return Set.of(InputKind.TEXT);
    }

    /**
     * Runs one input (on the pass's manager) of a kind in {@link #inputKinds}. With a cache, the tokens continue the
     * cached positions and their keys and values are appended; hooks see only the new positions.
     */
    public abstract Output forward(NetInput input, KvCache cache, HookContext hooks);

    /**
     * The model's final norm and unembedding, for reading the residual stream at any layer (logit lens, direct
     * logit attribution). Null for encoders without a language-modelling head.
     */
    public Unembedding unembedding() {
        return null;
    }

    /**
     * The attention output projection of an applied layer: {W_O [heads*d_head, d_model], b_O [d_model] or null}, so
     * that hook_z can be split into per-head writes to the residual stream (direct logit attribution).
     */
    public abstract NDArray[] attentionOutput(int layer);

    /** Hooks before the first block (hook_embed, hook_pos_embed, ...). */
    protected abstract List<String> embedHooks();

    /** The hooks of one block, in the order the forward pass reaches them (pre-LN layout; BERT overrides it). */
    protected List<String> blockHookSuffixes() {
        return List.of("hook_resid_pre", "ln1.hook_normalized", "attn.hook_q", "attn.hook_k", "attn.hook_v",
                "attn.hook_attn_scores", "attn.hook_pattern", "attn.hook_z", "hook_attn_out", "hook_resid_mid",
                "ln2.hook_normalized", "mlp.hook_pre", "mlp.hook_post", "hook_mlp_out", "hook_resid_post");
    }

    /** Every hook this network exposes, in forward order. */
    public List<String> hookNames() {
        List<String> names = new ArrayList<>(embedHooks());
        List<String> suffixes = blockHookSuffixes();
        for (int l = 0; l < spec.layers(); l++) {
            for (String s : suffixes) {
                names.add(blockPrefix[l] + s);
            }
        }
        names.addAll(finalHooks());
        return names;
    }

    protected List<String> finalHooks() {
        return spec.hasLmHead() ? List.of("ln_final.hook_normalized", "logits") : List.of("ln_final.hook_normalized");
    }

    /**
     * Scaled dot-product attention with hooks: q [b, q, h, d], k and v [b, k, h, d] (kv heads already repeated).
     * Returns z [b, q, h, d].
     */
    protected static NDArray attend(String prefix, NDArray q, NDArray k, NDArray v, NDArray mask, double scale,
            HookContext hooks) {
        NDArray scores = q.transpose(0, 2, 1, 3).matMul(k.transpose(0, 2, 3, 1)).mul((float) scale);
        if (mask != null) {
            scores = scores.add(mask);
        }
        scores = hooks.hook(prefix + "attn.hook_attn_scores", scores);
        NDArray pattern = hooks.hook(prefix + "attn.hook_pattern", scores.softmax(-1));
        NDArray z = pattern.matMul(v.transpose(0, 2, 1, 3)).transpose(0, 2, 1, 3);
        return hooks.hook(prefix + "attn.hook_z", z);
    }
}
