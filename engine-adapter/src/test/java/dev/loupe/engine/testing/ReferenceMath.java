package dev.loupe.engine.testing;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loupe.engine.format.TensorData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Scalar double-precision building blocks shared by the plain-Java reference forward passes ({@link Gpt2Reference},
 * {@link LlamaReference}). Nothing here touches the engine: the point of the references is to be an independent
 * second implementation of Hugging Face transformers' semantics, so they must not inherit the engine's mistakes.
 */
public final class ReferenceMath {

    /**
     * What a reference forward pass produces, for one sequence.
     *
     * @param logits [pos][vocab]
     * @param residPost the residual stream after each block (TransformerLens' blocks.{l}.hook_resid_post), each
     *        [pos][d_model], before the final norm
     */
    public record Forward(double[][] logits, List<double[][]> residPost) {
    }

    private ReferenceMath() {
    }

    // ---- config.json ----

    /** Reads a checkpoint's config.json with plain Gson (not the engine's HfConfig). */
    public static JsonObject readConfig(Path checkpointDir) {
        try {
            return JsonParser.parseString(Files.readString(checkpointDir.resolve("config.json"),
                    StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean present(JsonObject c, String field) {
        return c.has(field) && !c.get(field).isJsonNull();
    }

    static int intOr(JsonObject c, String field, int fallback) {
        return present(c, field) ? c.get(field).getAsInt() : fallback;
    }

    static double doubleOr(JsonObject c, String field, double fallback) {
        return present(c, field) ? c.get(field).getAsDouble() : fallback;
    }

    static boolean boolOr(JsonObject c, String field, boolean fallback) {
        return present(c, field) ? c.get(field).getAsBoolean() : fallback;
    }

    static String stringOr(JsonObject c, String field, String fallback) {
        return present(c, field) ? c.get(field).getAsString() : fallback;
    }

    static int requireInt(JsonObject c, String field) {
        if (!present(c, field)) {
            throw new IllegalArgumentException("config.json has no " + field);
        }
        return c.get(field).getAsInt();
    }

    static JsonObject objectOrNull(JsonObject c, String field) {
        JsonElement e = c.get(field);
        return e == null || e.isJsonNull() ? null : e.getAsJsonObject();
    }

    // ---- weights ----

    /** A tensor's values widened to float (F16/BF16 exactly, as the stored bits say), checking its shape. */
    static float[] weight(Map<String, TensorData> tensors, String name, long... expectedShape) {
        TensorData t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        if (!java.util.Arrays.equals(t.shape(), expectedShape)) {
            throw new IllegalArgumentException(name + " has shape " + java.util.Arrays.toString(t.shape())
                    + ", expected " + java.util.Arrays.toString(expectedShape));
        }
        return t.toFloatArray();
    }

    // ---- layers ----

    /** torch.nn.Linear: y = x W^T + b with W stored [out][in]. */
    static double[][] linear(double[][] x, float[] w, float[] bias, int in, int out) {
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double s = bias == null ? 0 : bias[o];
                int row = o * in;
                for (int i = 0; i < in; i++) {
                    s += x[t][i] * w[row + i];
                }
                y[t][o] = s;
            }
        }
        return y;
    }

    /** GPT-2's Conv1D: y = x W + b with W stored [in][out] (transposed relative to nn.Linear). */
    static double[][] conv1d(double[][] x, float[] w, float[] bias, int in, int out) {
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double s = bias[o];
                for (int i = 0; i < in; i++) {
                    s += x[t][i] * w[i * out + o];
                }
                y[t][o] = s;
            }
        }
        return y;
    }

    /** torch.nn.LayerNorm: biased variance, eps inside the square root. */
    static double[][] layerNorm(double[][] x, float[] w, float[] b, double eps) {
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            int d = x[t].length;
            double mean = 0;
            for (double v : x[t]) {
                mean += v;
            }
            mean /= d;
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean);
            }
            var /= d;
            double inv = 1 / Math.sqrt(var + eps);
            y[t] = new double[d];
            for (int i = 0; i < d; i++) {
                y[t][i] = (x[t][i] - mean) * inv * w[i] + b[i];
            }
        }
        return y;
    }

    /** LlamaRMSNorm: x / sqrt(mean(x^2) + eps) * weight, no mean subtraction, no bias. */
    static double[][] rmsNorm(double[][] x, float[] w, double eps) {
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            int d = x[t].length;
            double ms = 0;
            for (double v : x[t]) {
                ms += v * v;
            }
            ms /= d;
            double inv = 1 / Math.sqrt(ms + eps);
            y[t] = new double[d];
            for (int i = 0; i < d; i++) {
                y[t][i] = w[i] * (x[t][i] * inv);
            }
        }
        return y;
    }

    /** Softmax over the entries of s whose allowed flag is set; the others get exactly 0 (masked). */
    static double[] maskedSoftmax(double[] s, boolean[] allowed) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < s.length; j++) {
            if (allowed[j]) {
                max = Math.max(max, s[j]);
            }
        }
        double[] p = new double[s.length];
        double sum = 0;
        for (int j = 0; j < s.length; j++) {
            if (allowed[j]) {
                p[j] = Math.exp(s[j] - max);
                sum += p[j];
            }
        }
        for (int j = 0; j < s.length; j++) {
            p[j] /= sum;
        }
        return p;
    }

    static void addInPlace(double[][] acc, double[][] delta) {
        for (int t = 0; t < acc.length; t++) {
            for (int i = 0; i < acc[t].length; i++) {
                acc[t][i] += delta[t][i];
            }
        }
    }

    static double[][] copy(double[][] x) {
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            y[t] = x[t].clone();
        }
        return y;
    }

    // ---- activations (transformers' ACT2FN names) ----

    /** transformers.activations.ACT2FN[name] applied to one value. */
    public static double activation(String name, double x) {
        return switch (name) {
            // NewGELUActivation and torch's gelu(approximate="tanh") are the same formula.
            case "gelu_new", "gelu_pytorch_tanh" ->
                0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case "gelu_fast" -> 0.5 * x * (1 + Math.tanh(x * 0.7978845608 * (1 + 0.044715 * x * x)));
            // GELUActivation is torch's exact, erf-based gelu.
            case "gelu", "gelu_python" -> 0.5 * x * (1 + erf(x / Math.sqrt(2)));
            case "quick_gelu" -> x / (1 + Math.exp(-1.702 * x));
            case "relu" -> Math.max(0, x);
            case "silu", "swish" -> x / (1 + Math.exp(-x));
            case "sigmoid" -> 1 / (1 + Math.exp(-x));
            case "tanh" -> Math.tanh(x);
            case "linear" -> x;
            default -> throw new IllegalArgumentException("reference does not know activation " + name);
        };
    }

    /**
     * The error function to double precision. Java has none; this uses the everywhere-convergent series
     * erf(x) = 2/sqrt(pi) e^{-x^2} sum_n 2^n x^{2n+1} / (1*3*...*(2n+1)), whose terms are all positive, so it loses
     * nothing to cancellation. Beyond |x| = 6 erf is 1 to double precision.
     */
    static double erf(double x) {
        double a = Math.abs(x);
        if (a >= 6) {
            return Math.signum(x);
        }
        double term = a;
        double sum = a;
        for (int n = 1; n < 400; n++) {
            term *= 2 * a * a / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        double r = 2 / Math.sqrt(Math.PI) * Math.exp(-a * a) * sum;
        return x < 0 ? -r : r;
    }
}
