package dev.loupe.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.engine.testing.TestCheckpoints.Spec;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What OpenMP's wait policy costs a desktop app: the CPU the process burns while the user only looks (500 ms idle
 * after a forward pass, when OpenMP's workers either spin or sleep), and whether the next forward pass is slower
 * for it (interactive latency). Loupe sets OMP_WAIT_POLICY=PASSIVE before libtorch loads unless the user chose; here
 * two child JVMs set it explicitly, PASSIVE and ACTIVE, and alternate so that machine load hits both alike.
 * Usage: {@code IdleCpuBenchmark [OUT.md]}.
 */
public final class IdleCpuBenchmark {
    private static final int ROUNDS = 15;
    private static final long IDLE_MS = 500;

    private IdleCpuBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        if (args.length == 2 && args[0].equals("child")) {
            child(Path.of(args[1]));
            System.exit(0);
        }
        Path dir = Files.createTempDirectory("loupe-idle-bench");
        // A GPT-2-small-shaped forward at 64 tokens: long enough for OpenMP to matter, short enough to be interactive.
        Path model = TestCheckpoints.write(dir.resolve("gpt2"), Spec.gpt2().withLayers(12).withHeads(12, 12)
                .withDims(768, 3072).withVocab(8192).withContext(256).withScale(0.02f).withoutTokenizer());
        String load = Machine.loadAverage();
        List<double[]> passive = new ArrayList<>();
        List<double[]> active = new ArrayList<>();
        for (int rep = 0; rep < 3; rep++) { // alternating children
            passive.add(run("PASSIVE", model));
            active.add(run("ACTIVE", model));
        }
        String report = String.format(Locale.ROOT, """
                ## OpenMP wait policy: idle CPU and interactive latency (issue 14)

                A GPT-2-small-shaped model (12 layers, d_model 768, random weights), 64 tokens; each child JVM runs
                %d rounds of one forward pass then %d ms idle, and reports medians; three children per policy,
                alternating. Load average at start %s, at end %s.

                | OMP_WAIT_POLICY | CPU used while idle, per %d ms | forward pass after idle |
                |---|---:|---:|
                | PASSIVE (Loupe's default) | %.0f ms | %.1f ms |
                | ACTIVE (OpenMP workers spin) | %.0f ms | %.1f ms |
                """, ROUNDS, IDLE_MS, load, Machine.loadAverage(), IDLE_MS, median(passive, 0), median(passive, 1),
                median(active, 0), median(active, 1));
        System.out.println(report);
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), report);
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static double median(List<double[]> runs, int i) {
        double[] v = runs.stream().mapToDouble(r -> r[i]).sorted().toArray();
        return v[v.length / 2];
    }

    /** {idle CPU ms, forward ms} medians of one child JVM. */
    private static double[] run(String policy, Path model) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                IdleCpuBenchmark.class.getName(), "child", model.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("OMP_WAIT_POLICY", policy);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("child " + policy + " failed: " + out);
        }
        String last = out.lines().reduce((a, b) -> b).orElseThrow();
        String[] parts = last.split(" ");
        return new double[] {Double.parseDouble(parts[1]), Double.parseDouble(parts[2])};
    }

    private static void child(Path model) throws Exception {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] tokens = new long[64];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = 1 + (i * 31L) % 8000;
        }
        double[] idle = new double[ROUNDS];
        double[] forward = new double[ROUNDS];
        try (LoupeModel m = LoupeModel.open(model)) {
            for (int w = 0; w < 3; w++) {
                m.run(RunRequest.of(tokens)).close();
            }
            for (int r = 0; r < ROUNDS; r++) {
                long cpu0 = os.getProcessCpuTime();
                Thread.sleep(IDLE_MS);
                idle[r] = (os.getProcessCpuTime() - cpu0) / 1e6;
                long t0 = System.nanoTime();
                m.run(RunRequest.of(tokens)).close();
                forward[r] = (System.nanoTime() - t0) / 1e6;
            }
        }
        Arrays.sort(idle);
        Arrays.sort(forward);
        System.out.println("RESULT " + idle[ROUNDS / 2] + " " + forward[ROUNDS / 2]);
    }
}
