package dev.loupe.engine.testing;

import dev.loupe.engine.testing.MiniLmCheckpoint.Param;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A deliberately naive BERT encoder forward pass in plain Java (double precision, one sequence, no mask), written
 * straight from Hugging Face's BertModel. It shares no code with the engine, so agreeing with ONNX Runtime proves
 * an imported checkpoint's names and layouts are right independently of Loupe's BERT family. Only for short
 * inputs in tests: it is O(n^2 d + n d^2) scalar loops.
 */
public final class BertReference {
    private final Map<String, Param> p;
    private final int hidden;
    private final int heads;
    private final int layers;
    private final double eps;

    public BertReference(Map<String, Param> params, int heads, int layers, double eps) {
        this.p = params;
        this.hidden = Math.toIntExact(params.get("embeddings.word_embeddings.weight").shape()[1]);
        this.heads = heads;
        this.layers = layers;
        this.eps = eps;
    }

    /** Hugging Face's last_hidden_state [pos][hidden] for token ids with token_type 0 and full attention. */
    public double[][] lastHiddenState(long[] ids) {
        List<double[][]> all = hiddenStates(ids);
        return all.get(all.size() - 1);
    }

    /**
     * Hugging Face's hidden_states: [0] the embedding LayerNorm output, [L + 1] the output of layer L (after its
     * output LayerNorm), each [pos][hidden].
     */
    public List<double[][]> hiddenStates(long[] ids) {
        List<double[][]> states = new ArrayList<>();
        int n = ids.length;
        double[][] x = new double[n][hidden];
        float[] word = v("embeddings.word_embeddings.weight");
        float[] pos = v("embeddings.position_embeddings.weight");
        float[] type = v("embeddings.token_type_embeddings.weight");
        for (int t = 0; t < n; t++) {
            for (int d = 0; d < hidden; d++) {
                x[t][d] = word[(int) ids[t] * hidden + d] + pos[t * hidden + d] + type[d];
            }
        }
        x = layerNorm(x, "embeddings.LayerNorm");
        states.add(x);
        int dHead = hidden / heads;
        for (int l = 0; l < layers; l++) {
            String pre = "encoder.layer." + l + ".";
            double[][] q = linear(x, pre + "attention.self.query");
            double[][] k = linear(x, pre + "attention.self.key");
            double[][] val = linear(x, pre + "attention.self.value");
            double[][] ctx = new double[n][hidden];
            double scale = 1 / Math.sqrt(dHead);
            for (int h = 0; h < heads; h++) {
                int o = h * dHead;
                for (int i = 0; i < n; i++) {
                    double[] s = new double[n];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) {
                        double dot = 0;
                        for (int d = 0; d < dHead; d++) {
                            dot += q[i][o + d] * k[j][o + d];
                        }
                        s[j] = dot * scale;
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < n; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int j = 0; j < n; j++) {
                        double a = s[j] / sum;
                        for (int d = 0; d < dHead; d++) {
                            ctx[i][o + d] += a * val[j][o + d];
                        }
                    }
                }
            }
            // Post-norm: BERT normalises after each residual add.
            x = layerNorm(add(x, linear(ctx, pre + "attention.output.dense")), pre + "attention.output.LayerNorm");
            double[][] mid = linear(x, pre + "intermediate.dense");
            for (double[] row : mid) {
                for (int d = 0; d < row.length; d++) {
                    row[d] = 0.5 * row[d] * (1 + erf(row[d] / Math.sqrt(2)));
                }
            }
            x = layerNorm(add(x, linear(mid, pre + "output.dense")), pre + "output.LayerNorm");
            states.add(x);
        }
        return states;
    }

    /** nn.Linear: y = x W^T + b with W stored [out, in]. */
    private double[][] linear(double[][] x, String module) {
        Param w = p.get(module + ".weight");
        float[] wv = w.values();
        float[] b = v(module + ".bias");
        int out = Math.toIntExact(w.shape()[0]);
        int in = Math.toIntExact(w.shape()[1]);
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double acc = b[o];
                int base = o * in;
                for (int i = 0; i < in; i++) {
                    acc += x[t][i] * wv[base + i];
                }
                y[t][o] = acc;
            }
        }
        return y;
    }

    private double[][] layerNorm(double[][] x, String module) {
        float[] g = v(module + ".weight");
        float[] b = v(module + ".bias");
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double mean = 0;
            for (double e : x[t]) {
                mean += e;
            }
            mean /= x[t].length;
            double var = 0;
            for (double e : x[t]) {
                var += (e - mean) * (e - mean);
            }
            var /= x[t].length;
            double inv = 1 / Math.sqrt(var + eps);
            y[t] = new double[x[t].length];
            for (int d = 0; d < x[t].length; d++) {
                y[t][d] = (x[t][d] - mean) * inv * g[d] + b[d];
            }
        }
        return y;
    }

    /** a + b as a new array (the inputs may be hidden states already handed out). */
    private static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][];
        for (int t = 0; t < a.length; t++) {
            y[t] = new double[a[t].length];
            for (int d = 0; d < a[t].length; d++) {
                y[t][d] = a[t][d] + b[t][d];
            }
        }
        return y;
    }

    private float[] v(String name) {
        Param t = p.get(name);
        if (t == null) {
            throw new IllegalArgumentException("checkpoint has no " + name);
        }
        return t.values();
    }

    /**
     * erf to ~1e-14 (Java has none): its Maclaurin series where that converges without much cancellation, else
     * 1 - erfc from erfc's continued fraction, which converges fast for large arguments.
     */
    static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 2.5) {
            double term = ax;
            double sum = ax;
            double x2 = ax * ax;
            for (int n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
                term *= -x2 / n;
                sum += term / (2 * n + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double f = ax;
            for (int k = 80; k >= 1; k--) {
                f = ax + (k / 2.0) / f;
            }
            r = 1 - Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * f);
        }
        return x < 0 ? -r : r;
    }
}
