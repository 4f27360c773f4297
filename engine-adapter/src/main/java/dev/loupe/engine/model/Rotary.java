package dev.loupe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Rotary position embeddings as Hugging Face's Llama computes them (the rotate-half layout), with the default,
 * "linear", "dynamic" (NTK) and "llama3" frequency schedules (read from either config layout into a RopeSpec by
 * the family). Frequencies are rounded through F32 exactly as
 * PyTorch does in F32, so that angles at large positions agree with the reference to the last bit that matters.
 */
final class Rotary {
    private final int dim;
    private final float[] invFreq;
    private final String type;
    private final double base;
    private final double factor;
    private final int maxPositions;

    Rotary(RopeSpec rope, int headDim, int maxPositions) {
        this.dim = headDim;
        this.base = rope.theta();
        this.maxPositions = maxPositions;
        this.type = rope.type();
        this.factor = rope.factor();
        float[] freqs = defaultInvFreq(base, dim);
        switch (type) {
            case "default", "dynamic" -> { } // dynamic: adjusted per sequence length in invFreqFor
            case "linear" -> {
                for (int i = 0; i < freqs.length; i++) {
                    freqs[i] = (float) (freqs[i] / factor);
                }
            }
            case "llama3" -> freqs = llama3(freqs, rope);
            default -> throw new IllegalArgumentException("rope type " + type + " (the family should have refused it)");
        }
        this.invFreq = freqs;
    }

    private static float[] defaultInvFreq(double base, int dim) {
        float[] out = new float[dim / 2];
        for (int i = 0; i < out.length; i++) {
            float exponent = (float) (2 * i) / (float) dim;
            out[i] = 1.0f / (float) Math.pow(base, exponent);
        }
        return out;
    }

    private static float[] llama3(float[] freqs, RopeSpec rope) {
        double factor = rope.factor();
        double low = rope.lowFreqFactor();
        double high = rope.highFreqFactor();
        double oldContext = rope.originalMaxPositions();
        double lowWavelen = oldContext / low;
        double highWavelen = oldContext / high;
        float[] out = new float[freqs.length];
        for (int i = 0; i < freqs.length; i++) {
            float inv = freqs[i];
            double wavelen = 2 * Math.PI / inv;
            float scaled = wavelen > lowWavelen ? (float) (inv / factor) : inv;
            if (!(wavelen < highWavelen) && !(wavelen > lowWavelen)) {
                float smooth = (float) ((oldContext / wavelen - low) / (high - low));
                scaled = (1 - smooth) * scaled / (float) factor + smooth * scaled;
            }
            out[i] = scaled;
        }
        return out;
    }

    private float[] invFreqFor(int seqLen) {
        if (!type.equals("dynamic") || seqLen <= maxPositions) {
            return invFreq;
        }
        double adjusted = base * Math.pow(factor * seqLen / maxPositions - (factor - 1), dim / (dim - 2.0));
        return defaultInvFreq(adjusted, dim);
    }

    /** cos and sin tables [1, t, 1, dim] for absolute positions offset..offset+t-1, in {@code type}. */
    NDArray[] tables(NDManager m, int offset, int t, DataType dtype) {
        NDArray inv = m.create(invFreqFor(offset + t)).reshape(1, dim / 2);
        NDArray pos = m.arange(offset, offset + t, 1, DataType.FLOAT32).reshape(t, 1);
        NDArray freqs = pos.mul(inv);
        NDArray emb = freqs.concat(freqs, 1).reshape(1, t, 1, dim);
        return new NDArray[] {emb.cos().toType(dtype, false), emb.sin().toType(dtype, false)};
    }

    /** x [b, t, heads, dim] rotated: x cos + rotate_half(x) sin. */
    static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        long half = x.getShape().get(3) / 2;
        NDArray x1 = x.get(":, :, :, 0:{}", half);
        NDArray x2 = x.get(":, :, :, {}:", half);
        NDArray rotated = x2.neg().concat(x1, 3);
        return x.mul(cos).add(rotated.mul(sin));
    }
}
