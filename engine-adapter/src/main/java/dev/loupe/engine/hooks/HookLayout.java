package dev.loupe.engine.hooks;

/**
 * Which axes of a hook's activation hold token positions and attention heads. Residual-stream style hooks are
 * [batch, pos, ...]; per-head q/k/v/z are [batch, pos, head, d_head]; scores and patterns are
 * [batch, head, query_pos, key_pos].
 */
public record HookLayout(int positionAxis, int headAxis) {
    public static final HookLayout STREAM = new HookLayout(1, -1);
    public static final HookLayout PER_HEAD = new HookLayout(1, 2);
    public static final HookLayout PATTERN = new HookLayout(2, 1);

    public boolean hasHeads() {
        return headAxis >= 0;
    }

    /** Derived from the TransformerLens name, so plugins and interventions agree on it without a registry. */
    public static HookLayout forHook(String name) {
        if (name.endsWith("attn.hook_pattern") || name.endsWith("attn.hook_attn_scores")) {
            return PATTERN;
        }
        if (name.endsWith("attn.hook_q") || name.endsWith("attn.hook_k") || name.endsWith("attn.hook_v")
                || name.endsWith("attn.hook_z") || name.endsWith("attn.hook_rot_q") || name.endsWith("attn.hook_rot_k")) {
            return PER_HEAD;
        }
        return STREAM;
    }
}
