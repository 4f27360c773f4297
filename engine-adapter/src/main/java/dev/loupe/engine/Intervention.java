package dev.loupe.engine;

/**
 * A change made to an activation as the forward pass goes through a hook. {@code hook} is a hook name or a glob
 * over hook names ({@code blocks.*.hook_resid_post}). {@code positions} are absolute token positions (null = all),
 * and stay absolute during KV-cached generation. {@code heads} (null = all) applies only at hooks with a head axis:
 * {@code attn.hook_q|k|v|z} ([batch, pos, head, d_head]) and {@code attn.hook_attn_scores|hook_pattern}
 * ([batch, head, query_pos, key_pos]; positions then select query positions).
 */
public sealed interface Intervention
        permits Intervention.AddVector, Intervention.Replace, Intervention.Ablate, Intervention.Patch {

    String hook();

    int[] positions();

    /** Activation steering: {@code x[pos] += coefficient * vector}; vector has the hook's trailing size. */
    record AddVector(String hook, float[] vector, double coefficient, int[] positions) implements Intervention {
        public AddVector {
            if (vector == null || vector.length == 0) {
                throw new LoupeException("steering vector for " + hook + " is empty");
            }
        }
    }

    /** Sets {@code x[pos] = values}; values has the hook's trailing size (everything after the position axis). */
    record Replace(String hook, float[] values, int[] positions) implements Intervention {
    }

    /** Zero- or mean-ablation; the mean is over the positions of the current input. */
    record Ablate(String hook, Mode mode, int[] heads, int[] positions) implements Intervention {
        public enum Mode { ZERO, MEAN }
    }

    /** Activation patching: take the activation from another run's cache (which must have captured this hook). */
    record Patch(String hook, ActivationCache source, int[] heads, int[] positions) implements Intervention {
    }

    static AddVector addVector(String hook, float[] vector, double coefficient) {
        return new AddVector(hook, vector, coefficient, null);
    }

    static Ablate zeroAblate(String hook, int... heads) {
        return new Ablate(hook, Ablate.Mode.ZERO, heads.length == 0 ? null : heads, null);
    }

    static Ablate meanAblate(String hook, int... heads) {
        return new Ablate(hook, Ablate.Mode.MEAN, heads.length == 0 ? null : heads, null);
    }

    static Patch patch(String hook, ActivationCache source) {
        return new Patch(hook, source, null, null);
    }
}
