package dev.loupe.engine.hooks;

import dev.loupe.engine.ModelInfo;
import java.util.Collection;
import java.util.Locale;

/**
 * What capturing a set of hooks will hold, from the model's dimensions alone, before anything runs: so a trace of
 * every hook at 2048 tokens of a 1B model (tens of gigabytes) is refused with its cost instead of ending in an
 * out-of-memory error halfway. Shapes follow the TransformerLens layouts of {@link HookLayout}.
 */
public final class CaptureSize {
    private CaptureSize() {
    }

    /** Elements one hook holds for a batch of one input of {@code tokens} positions. */
    public static long elements(ModelInfo info, String hook, int tokens) {
        long pos = tokens;
        if (hook.endsWith("attn.hook_pattern") || hook.endsWith("attn.hook_attn_scores")) {
            return info.heads() * pos * pos;
        }
        if (hook.endsWith("attn.hook_k") || hook.endsWith("attn.hook_v") || hook.endsWith("attn.hook_rot_k")) {
            return pos * info.kvHeads() * info.dHead(); // grouped-query attention keeps one per key/value head
        }
        if (hook.endsWith("attn.hook_q") || hook.endsWith("attn.hook_z") || hook.endsWith("attn.hook_rot_q")) {
            return pos * info.heads() * info.dHead();
        }
        if (hook.endsWith("mlp.hook_pre") || hook.endsWith("mlp.hook_post") || hook.endsWith("mlp.hook_pre_linear")) {
            return pos * info.dMlp();
        }
        if (hook.equals("logits")) {
            return info.isText() ? pos * info.dVocab() : 0;
        }
        return pos * info.dModel();
    }

    /** Bytes the hooks hold as F32 (what traces write and plugins read). */
    public static long f32Bytes(ModelInfo info, Collection<String> hooks, int tokens) {
        long total = 0;
        for (String h : hooks) {
            total = Math.addExact(total, Math.multiplyExact(elements(info, h, tokens), 4L));
        }
        return total;
    }

    /** "3.1 GB", "412 MB", "96 KB". */
    public static String describe(long bytes) {
        if (bytes >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
        }
        if (bytes >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.0f MB", bytes / 1e6);
        }
        return String.format(Locale.ROOT, "%.0f KB", Math.max(1, bytes / 1e3));
    }
}
