package dev.loupe.engine.runtime;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.loupe.engine.LoupeException;
import java.util.Locale;
import java.util.Random;

/**
 * The one door to DJL's PyTorch engine. Starting it here, once, lets two things happen at the only moment they can:
 * OpenMP's wait policy is set before libtorch loads (a desktop app must not spin two cores while the user reads a
 * heatmap), and MKL's vendor gate is lifted before the first GEMM ({@link MklVendorGate}), then checked against a
 * double-precision product.
 */
public final class PyTorchRuntime {
    private static Engine engine; // guarded by PyTorchRuntime.class
    private static String gemmPath = "not started";

    private interface LibC extends Library {
        int setenv(String name, String value, int overwrite);
    }

    private PyTorchRuntime() {
    }

    /** DJL's PyTorch engine, started on first use. */
    public static synchronized Engine engine() {
        if (engine != null) {
            return engine;
        }
        passiveOpenMpWaits();
        Engine e = Engine.getEngine("PyTorch");
        MklVendorGate.Status gate = MklVendorGate.apply(MklVendorGate.Platform.current());
        if (gate.applied()) {
            String problem = checkGemm(e);
            if (problem != null) {
                throw new LoupeException("the MKL vendor override gave wrong matrix products (" + problem + "); run with"
                        + " -D" + MklVendorGate.OPT_OUT_PROPERTY + "=off (or " + MklVendorGate.OPT_OUT_ENV + "=off)");
            }
        }
        gemmPath = gate.description();
        engine = e;
        return e;
    }

    /** Which matrix-multiply path computes, in words ("not started" before the engine is). */
    public static synchronized String gemmPath() {
        return gemmPath;
    }

    /**
     * OMP_WAIT_POLICY=PASSIVE unless the user chose a policy: idle OpenMP workers sleep instead of spinning between
     * ops. libgomp reads it when it loads, which is when libtorch loads, so it is set in this process first.
     */
    private static void passiveOpenMpWaits() {
        if (System.getenv("OMP_WAIT_POLICY") != null) {
            return;
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!(os.contains("linux") || os.contains("mac"))) {
            return;
        }
        try {
            Native.load("c", LibC.class).setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            // Spinning workers cost idle CPU, not correctness.
        }
    }

    /** A 96x80 by 80x72 product against the same in double precision: null when they agree, else the worst error. */
    private static String checkGemm(Engine e) {
        int m = 96;
        int k = 80;
        int n = 72;
        Random random = new Random(7);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) random.nextGaussian();
        }
        float[] c;
        try (NDManager manager = e.newBaseManager()) {
            NDArray product = manager.create(a, new Shape(m, k)).matMul(manager.create(b, new Shape(k, n)));
            c = product.toFloatArray();
        }
        double worst = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double scale = 0;
                for (int t = 0; t < k; t++) {
                    sum += (double) a[i * k + t] * b[t * n + j];
                    scale += Math.abs((double) a[i * k + t] * b[t * n + j]);
                }
                worst = Math.max(worst, Math.abs(c[i * n + j] - sum) / Math.max(scale, 1e-30));
            }
        }
        return worst <= 1e-5 ? null : String.format(Locale.ROOT, "relative error %.2e", worst);
    }
}
