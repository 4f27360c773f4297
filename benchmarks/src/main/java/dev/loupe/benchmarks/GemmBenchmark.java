package dev.loupe.benchmarks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.loupe.engine.runtime.PyTorchRuntime;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Measure 4: the machine's F32 matrix-multiply rate, the yardstick other figures are read against. Measured through
 * DJL → PyTorch (the path Loupe uses: MKL's sgemm in this build) and, as a second opinion on what the silicon can
 * do, through ONNX Runtime's own GEMM (MLAS), each with the default thread count and with one thread. Besides the
 * large squares, the shape of MiniLM's MLP projection at 128 tokens (128×384 by 384×1536), so the forward-pass
 * comparison can be traced to its GEMMs.
 */
final class GemmBenchmark {
    /** m, k, n. */
    private static final long[][] SHAPES = {{128, 384, 1536}, {1024, 1024, 1024}, {2048, 2048, 2048}};

    static final String TORCH = "PyTorch (MKL) via DJL";
    static final String ORT = "ONNX Runtime (MLAS)";

    record Row(long[] shape, String runtime, boolean singleThread, Samples samples) {
        double gflops() {
            return 2.0 * shape[0] * shape[1] * shape[2] / (samples.medianMs() * 1e6);
        }

        double bestGflops() {
            return 2.0 * shape[0] * shape[1] * shape[2] / (samples.minMs() * 1e6);
        }

        /** By the calling thread's CPU time: meaningful on one thread only, and steady on a busy machine. */
        double cpuGflops() {
            return 2.0 * shape[0] * shape[1] * shape[2] / (samples.cpu().medianMs() * 1e6);
        }

        /** The rate a peak is taken from: wall clock with several threads, CPU time on one. */
        double peakGflops() {
            return singleThread ? cpuGflops() : gflops();
        }

        boolean large() {
            return shape[0] >= 1024;
        }
    }

    private final Settings settings;
    private final int torchThreads;
    private final List<Row> rows = new ArrayList<>();

    GemmBenchmark(Settings settings) {
        this.settings = settings;
        this.torchThreads = JniUtils.getNumThreads();
    }

    void measure() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (NDManager m = PyTorchRuntime.engine().newBaseManager(Device.cpu())) {
            for (long[] s : SHAPES) {
                float[] a = random(s[0] * s[1], 1);
                float[] b = random(s[1] * s[2], 2);
                NDArray ta = m.create(a, new Shape(s[0], s[1]));
                NDArray tb = m.create(b, new Shape(s[1], s[2]));
                byte[] model = OnnxMatMulModel.bytes(s[0], s[1], s[2]);
                try (OrtSession ortDefault = session(env, model, 0);
                        OrtSession ortOne = session(env, model, 1);
                        OnnxTensor oa = OnnxTensor.createTensor(env, FloatBuffer.wrap(a), new long[] {s[0], s[1]});
                        OnnxTensor ob = OnnxTensor.createTensor(env, FloatBuffer.wrap(b), new long[] {s[1], s[2]})) {
                    Map<String, OnnxTensor> inputs = Map.of("A", oa, "B", ob);
                    int reps = s[0] < 1024 ? 50 : 1; // a small GEMM is timed 50 at a time: one is ~100 µs
                    Runnable torchDefault = () -> JniUtils.setNumThreads(torchThreads);
                    Map<String, Samples> r = new RoundRobin()
                            .add("torch", torchDefault, () -> {
                                for (int i = 0; i < reps; i++) {
                                    ta.matMul(tb).close();
                                }
                            })
                            .add("torch1", () -> JniUtils.setNumThreads(1), () -> {
                                for (int i = 0; i < reps; i++) {
                                    ta.matMul(tb).close();
                                }
                            })
                            .add("ort", torchDefault, () -> {
                                for (int i = 0; i < reps; i++) {
                                    ortDefault.run(inputs).close();
                                }
                            })
                            .add("ort1", torchDefault, () -> {
                                for (int i = 0; i < reps; i++) {
                                    ortOne.run(inputs).close();
                                }
                            })
                            .optWarmup(3).optRounds(settings.quick() ? 3 : 12).optPauseMillis(settings.pauseMillis())
                            .run();
                    JniUtils.setNumThreads(torchThreads);
                    rows.add(new Row(s, TORCH, false, r.get("torch").divide(reps)));
                    rows.add(new Row(s, TORCH, true, r.get("torch1").divide(reps)));
                    rows.add(new Row(s, ORT, false, r.get("ort").divide(reps)));
                    rows.add(new Row(s, ORT, true, r.get("ort1").divide(reps)));
                } finally {
                    ta.close();
                    tb.close();
                }
            }
        }
    }

    private static OrtSession session(OrtEnvironment env, byte[] model, int threads) throws Exception {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            if (threads > 0) {
                opts.setIntraOpNumThreads(threads);
            }
            return env.createSession(model, opts);
        }
    }

    private static float[] random(long n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    /** The F32 matmul peak through DJL (the figure later reports take fractions of): best median, large squares. */
    double djlPeak(boolean singleThread) {
        return peak(TORCH, singleThread);
    }

    /** The best median rate any runtime reached on the large squares: the closest this report gets to the silicon. */
    double bestPeak(boolean singleThread) {
        return Math.max(peak(TORCH, singleThread), peak(ORT, singleThread));
    }

    private double peak(String runtime, boolean singleThread) {
        return rows.stream().filter(r -> r.large() && r.runtime.equals(runtime) && r.singleThread == singleThread)
                .mapToDouble(Row::peakGflops).max().orElse(Double.NaN);
    }

    String describeDjlPeak() {
        Map<String, Double> by = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.large() && r.runtime.equals(TORCH)) {
                by.put(r.shape[0] + "³" + (r.singleThread ? ", 1 thread (CPU time)" : ", " + torchThreads
                        + " threads"), r.peakGflops());
            }
        }
        List<String> parts = new ArrayList<>();
        by.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s: %.0f", k, v)));
        return String.join("; ", parts);
    }

    void report(Markdown md) {
        md.heading(2, "4. Matmul peak (F32, this machine)");
        Markdown.Table t = new Markdown.Table("m×k×n", "Runtime", "Threads", "Median ms (p25–p75)",
                "GFLOP/s at the median", "GFLOP/s, best round", "GFLOP/s by CPU time (1 thread)");
        for (Row r : rows) {
            t.row(r.shape[0] + "×" + r.shape[1] + "×" + r.shape[2], r.runtime,
                    r.singleThread ? "1" : (r.runtime.equals(TORCH) ? String.valueOf(torchThreads) : "default"),
                    r.samples.describeMs(), String.format(Locale.ROOT, "%.1f", r.gflops()),
                    String.format(Locale.ROOT, "%.1f", r.bestGflops()),
                    r.singleThread ? String.format(Locale.ROOT, "%.1f", r.cpuGflops()) : "—");
        }
        md.table(t);
        md.paragraph(String.format(Locale.ROOT, "Matmul peak through DJL (the better of the two large squares):"
                + " **%.1f GFLOP/s** with %d threads (wall clock, median), **%.1f GFLOP/s** on one thread (CPU"
                + " time, median). The best any runtime reached here: %.1f and %.1f GFLOP/s. Inputs are operands"
                + " (ONNX Runtime cannot pre-pack them); the 128×384×1536 rows are timed 50 products per sample and"
                + " divided.", djlPeak(false), torchThreads, djlPeak(true), bestPeak(false), bestPeak(true)));
    }
}
