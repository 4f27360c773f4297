package dev.loupe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.loupe.engine.format.ModelFormatException;
import dev.loupe.engine.format.HfConfig;
import java.util.Locale;

/**
 * The tensor maths the families share, each written to match the PyTorch module Hugging Face uses. Every result is
 * created on the manager of the activation (the first operand), never on the weights' manager, so a forward pass's
 * scope frees all of it.
 */
final class Ops {
    private Ops() {
    }

    static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, double eps) {
        Shape last = new Shape(x.getShape().get(x.getShape().dimension() - 1));
        return x.getNDArrayInternal().layerNorm(x, last, gamma, beta, (float) eps).singletonOrThrow();
    }

    /** Rows of {@code weight} for each id in {@code ids} [batch, pos] -> [batch, pos, d], on the ids' manager. */
    static NDArray embedding(NDArray ids, NDArray weight) {
        return ids.getNDArrayInternal().embedding(ids, weight, ai.djl.ndarray.types.SparseFormat.DENSE).singletonOrThrow();
    }

    /** Llama's RMSNorm: in F32, x / sqrt(mean(x^2) + eps), then scaled by the weight in the input's dtype. */
    static NDArray rmsNorm(NDArray x, NDArray weight, double eps) {
        DataType in = x.getDataType();
        NDArray x32 = in == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray variance = x32.square().mean(new int[] {-1}, true);
        NDArray normed = x32.div(variance.add((float) eps).sqrt());
        if (in != DataType.FLOAT32) {
            normed = normed.toType(in, false);
        }
        return normed.mul(weight);
    }

    /** y = x @ weightT + bias, with weightT already [in, out] (a transposed view of a Linear's [out, in] weight). */
    static NDArray linear(NDArray x, NDArray weightT, NDArray bias) {
        NDArray y = x.matMul(weightT);
        return bias == null ? y : y.add(bias);
    }

    enum Activation {
        GELU, GELU_TANH, RELU, SILU, GELU_FAST, QUICK_GELU;

        static Activation parse(HfConfig config, String field, String value) {
            switch (value.toLowerCase(Locale.ROOT)) {
                case "gelu": return GELU;
                case "gelu_new": case "gelu_pytorch_tanh": case "gelu_tanh": return GELU_TANH;
                case "gelu_fast": return GELU_FAST;
                case "quick_gelu": return QUICK_GELU;
                case "relu": return RELU;
                case "silu": case "swish": return SILU;
                default:
                    throw config.bad(field, "is \"" + value
                            + "\", which Loupe does not implement (gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, quick_gelu, relu, silu)");
            }
        }

        NDArray apply(NDArray x) {
            switch (this) {
                case GELU:
                    return ai.djl.nn.Activation.gelu(x); // PyTorch's exact (erf) GELU, as nn.functional.gelu
                case GELU_TANH: {
                    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), Hugging Face's NewGELUActivation
                    NDArray inner = x.add(x.pow(3).mul(0.044715f)).mul((float) Math.sqrt(2.0 / Math.PI));
                    return x.mul(0.5f).mul(inner.tanh().add(1f));
                }
                case GELU_FAST: {
                    NDArray inner = x.mul(0.7978845608f).mul(x.mul(x).mul(0.044715f).add(1f));
                    return x.mul(0.5f).mul(inner.tanh().add(1f));
                }
                case QUICK_GELU:
                    return x.mul(ai.djl.nn.Activation.sigmoid(x.mul(1.702f)));
                case RELU:
                    return ai.djl.nn.Activation.relu(x);
                case SILU:
                    return x.mul(ai.djl.nn.Activation.sigmoid(x));
                default:
                    throw new IllegalStateException();
            }
        }
    }

    /**
     * Additive attention mask [1, 1, q, k]: -inf where a query may not look. Queries are the absolute positions
     * offset..offset+q-1; keys 0..k-1. slidingWindow > 0 also hides keys at distance >= window (Mistral).
     */
    static NDArray causalMask(NDManager m, int offset, int q, int k, int slidingWindow, DataType type) {
        NDArray qPos = m.arange(offset, offset + q, 1, DataType.INT64).reshape(q, 1);
        NDArray kPos = m.arange(0, k, 1, DataType.INT64).reshape(1, k);
        NDArray hidden = kPos.gt(qPos);
        if (slidingWindow > 0) {
            hidden = hidden.logicalOr(qPos.sub(kPos).gte(slidingWindow));
        }
        NDArray zeros = m.zeros(new Shape(q, k), type);
        NDArray negInf = m.full(new Shape(q, k), Float.NEGATIVE_INFINITY, type);
        return NDArrays.where(hidden, negInf, zeros).reshape(1, 1, q, k);
    }

    static ModelFormatException unsupported(HfConfig config, String field, Object value, String why) {
        return config.bad(field, "is " + value + ": " + why);
    }
}
