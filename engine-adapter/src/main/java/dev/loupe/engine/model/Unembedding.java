package dev.loupe.engine.model;

import ai.djl.ndarray.NDArray;

/**
 * A causal LM's read-out: the final norm (LayerNorm or RMSNorm, with its weight, bias and eps) followed by the
 * unembedding {@code W_U} [d_model, d_vocab]. Results of {@link #apply} and {@link #normalize} are created on the
 * input's manager.
 */
public final class Unembedding {
    public enum NormKind { LAYER_NORM, RMS_NORM }

    private final NormKind kind;
    private final NDArray normWeight;
    private final NDArray normBias;
    private final double eps;
    private final NDArray unembedT;

    Unembedding(NormKind kind, NDArray normWeight, NDArray normBias, double eps, NDArray unembedT) {
        this.kind = kind;
        this.normWeight = normWeight;
        this.normBias = normBias;
        this.eps = eps;
        this.unembedT = unembedT;
    }

    public NormKind kind() {
        return kind;
    }

    /** The final norm applied to a residual-stream tensor [..., d_model]. */
    public NDArray normalize(NDArray resid) {
        return kind == NormKind.LAYER_NORM ? Ops.layerNorm(resid, normWeight, normBias, eps)
                : Ops.rmsNorm(resid, normWeight, eps);
    }

    /** Logits [..., d_vocab] for a residual-stream tensor: the final norm, then W_U. */
    public NDArray apply(NDArray resid) {
        return normalize(resid).matMul(unembedT);
    }

    /** W_U as [d_model, d_vocab] (a view owned by the model; do not close). */
    public NDArray weight() {
        return unembedT;
    }

    /** The norm's scale vector [d_model] (owned by the model). */
    public NDArray normWeight() {
        return normWeight;
    }

    /** The norm's bias [d_model], or null for RMSNorm. */
    public NDArray normBias() {
        return normBias;
    }

    public double eps() {
        return eps;
    }
}
