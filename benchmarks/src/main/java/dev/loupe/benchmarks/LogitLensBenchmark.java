package dev.loupe.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.plugin.ArtifactStore;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.host.PluginRun;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.testkit.PluginHarness;
import dev.loupe.plugins.logitlens.LogitLensPlugin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The logit lens on a GPT-2-small-sized model (12 layers, d_model 768, 50,257 tokens) at 64 tokens, against the
 * machine's own matrix-multiply speed measured in the same process: the full grid is 13 read-outs of
 * [64, 768] x [768, 50257] (about 64 GFLOP), so its lower bound is that work at the measured GEMM rate. Reports
 * the ratio of the lens's time to that bound (goal: within 2x). Weights are random (the timing does not depend on
 * them). Usage: {@code LogitLensBenchmark [OUT.md]}.
 */
public final class LogitLensBenchmark {
    private static final int TOKENS = 64;

    private LogitLensBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        Path dir = Files.createTempDirectory("loupe-lens-bench");
        System.err.println("writing a random GPT-2-small-sized checkpoint to " + dir + " ...");
        TestCheckpoints.write(dir.resolve("gpt2-small"), TestCheckpoints.Spec.gpt2().withLayers(12).withHeads(12, 12)
                .withDims(768, 3072).withVocab(50257).withContext(1024).withScale(0.02f).withoutTokenizer());
        LogitLensPlugin lens = new LogitLensPlugin();
        Params params = lens.params().defaults();
        try (LoupeModel model = LoupeModel.open(dir.resolve("gpt2-small"))) {
            long[] tokens = new long[TOKENS];
            for (int i = 0; i < TOKENS; i++) {
                tokens[i] = (i * 7919L) % 50257;
            }
            int layers = model.info().layers() + 1;
            double flops = 2.0 * layers * TOKENS * 768 * 50257;
            PluginHarness host = PluginHarness.on(model);
            double[] lensSeconds = new double[7];
            double[] gemmSeconds = new double[7];
            for (int rep = -2; rep < lensSeconds.length; rep++) { // two warm-ups, then interleaved samples
                // The host's forward pass and scratch scope for each sample; only analyze is timed.
                try (PluginRun run = host.prepare(lens, host.tokens(tokens), params, ArtifactStore.none())) {
                    NDManager scratch = run.context().manager();
                    long t0 = System.nanoTime();
                    lens.analyze(run.context(), params, Progress.none());
                    double lensTime = (System.nanoTime() - t0) / 1e9;
                    // The same FLOPs as one plain GEMM of the stacked residuals against W_U.
                    NDArray a = scratch.randomNormal(new Shape((long) layers * TOKENS, 768));
                    NDArray w = model.unembedding().weight();
                    long t1 = System.nanoTime();
                    NDArray c = a.matMul(w);
                    c.getFloat(0, 0); // force completion
                    double gemmTime = (System.nanoTime() - t1) / 1e9;
                    if (rep >= 0) {
                        lensSeconds[rep] = lensTime;
                        gemmSeconds[rep] = gemmTime;
                    }
                }
            }
            double lensMedian = median(lensSeconds);
            double gemmMedian = median(gemmSeconds);
            String report = String.format(Locale.ROOT, """
                    ## Logit lens vs the machine's matmul bound

                    GPT-2-small-sized model (12 layers, d_model 768, 50,257 tokens, random weights), 64 tokens:
                    the full grid reads out %d residual streams, %.1f GFLOP of unembedding matmuls.

                    | measurement (median of %d, same process, interleaved) | time | GFLOP/s |
                    |---|---:|---:|
                    | one GEMM [%d x 768] x [768 x 50257] (the bound) | %.3f s | %.1f |
                    | logit lens plugin, whole grid (matmuls, log-softmax, entropy, top-k, labels) | %.3f s | %.1f |

                    **Lens / bound: %.2fx** (goal: within 2x).
                    """, layers, flops / 1e9, lensSeconds.length, layers * TOKENS, gemmMedian, flops / gemmMedian / 1e9,
                    lensMedian, flops / lensMedian / 1e9, lensMedian / gemmMedian);
            System.out.println(report);
            if (args.length > 0) {
                Files.writeString(Path.of(args[0]), report);
            }
        }
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
