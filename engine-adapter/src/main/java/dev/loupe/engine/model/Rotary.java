package dev.loupe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import dev.loupe.engine.format.HfConfig;
import java.util.Locale;

/**
 * Rotary position embeddings as Hugging Face's Llama computes them (the rotate-half layout), with the default,
 * "linear", "dynamic" (NTK) and "llama3" frequency schedules. Frequencies are rounded through F32 exactly as
 * PyTorch does in F32, so that angles at large positions agree with the reference to the last bit that matters.
 */
final class Rotary {
    private final int dim;
    private final float[] invFreq;
    private final String type;
    private final double base;
    private final double factor;
    private final int maxPositions;

    Rotary(HfConfig c, int headDim) {
        this.dim = headDim;
        this.base = c.optDouble("rope_theta", 10000.0);
        this.maxPositions = c.optInt("max_position_embeddings", 2048);
        if (c.has("partial_rotary_factor") && c.requireDouble("partial_rotary_factor") != 1.0) {
            throw c.bad("partial_rotary_factor", "is " + c.requireDouble("partial_rotary_factor")
                    + ": partial rotary embeddings are not part of the Llama layout Loupe implements");
        }
        JsonObject scaling = c.optObject("rope_scaling");
        String t = "default";
        double f = 1.0;
        float[] freqs = defaultInvFreq(base, dim);
        if (scaling != null) {
            String key = scaling.has("rope_type") ? "rope_type" : "type";
            t = scaling.has(key) ? scaling.get(key).getAsString().toLowerCase(Locale.ROOT) : "default";
            f = scaling.has("factor") ? scaling.get("factor").getAsDouble() : 1.0;
            switch (t) {
                case "default" -> { }
                case "linear" -> {
                    for (int i = 0; i < freqs.length; i++) {
                        freqs[i] = (float) (freqs[i] / f);
                    }
                }
                case "dynamic" -> { } // adjusted per sequence length in invFreqFor
                case "llama3" -> freqs = llama3(freqs, scaling, f, c);
                default -> throw c.bad("rope_scaling", "has type \"" + t
                        + "\", which Loupe does not implement (default, linear, dynamic, llama3)");
            }
        }
        this.type = t;
        this.factor = f;
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

    private static float[] llama3(float[] freqs, JsonObject s, double factor, HfConfig c) {
        for (String k : new String[] {"factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings"}) {
            if (!s.has(k)) {
                throw c.bad("rope_scaling", "of type llama3 needs \"" + k + "\"");
            }
        }
        double low = s.get("low_freq_factor").getAsDouble();
        double high = s.get("high_freq_factor").getAsDouble();
        double oldContext = s.get("original_max_position_embeddings").getAsDouble();
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
