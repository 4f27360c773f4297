package dev.loupe.benchmarks;

import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.runtime.PyTorchRuntime;
import dev.loupe.engine.testing.MiniLmCheckpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Loupe's engine benchmark: one process, every comparison measured side by side (round-robin), written as a
 * Markdown report to the file named by the first argument (and to standard output).
 *
 * <ol>
 *   <li>hooked forward (capture every hook) vs plain forward, MiniLM at 128 tokens; goal ≤ 1.3×</li>
 *   <li>Loupe's plain forward vs ONNX Runtime's on the same model and tokens; goal ≤ 1.5× on the CPU</li>
 *   <li>checkpoint load time vs file size, memory-mapped, with and without the first touch of the weights</li>
 *   <li>the machine's F32 matmul peak through DJL, for context</li>
 * </ol>
 *
 * <p>Absolute times drift on shared machines; the ratios are the point. See {@link Settings} for the knobs.
 */
public final class EngineBenchmark {
    private EngineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        Path out = Path.of(args.length > 0 ? args[0] : "engine-benchmark.md");
        Settings settings = Settings.fromSystemProperties();
        Path work = Files.createTempDirectory("loupe-bench");
        try {
            String report = run(settings, work);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report, StandardCharsets.UTF_8);
            System.out.println(report);
            System.err.println("wrote " + out.toAbsolutePath());
        } finally {
            deleteRecursively(work);
        }
    }

    private static String run(Settings settings, Path work) throws Exception {
        Instant started = Instant.now();
        String loadBefore = Machine.loadAverage();
        progress("preparing all-MiniLM-L6-v2 (converted from the ONNX in the langchain4j jar)");
        Path miniLm = MiniLmCheckpoint.materialize();
        PyTorchRuntime.engine(); // loads libtorch, which JniUtils' thread calls need
        byte[] onnx = MiniLmCheckpoint.onnxBytes();

        Markdown body = new Markdown();
        progress("4/4 matmul peak (PyTorch and ONNX Runtime GEMMs)");
        GemmBenchmark peak = new GemmBenchmark(settings);
        peak.measure();

        ForwardBenchmarks forward;
        try (LoupeModel model = LoupeModel.open(miniLm)) {
            forward = new ForwardBenchmarks(settings, model, onnx);
            progress("1/4 hooked vs plain forward");
            forward.measureHookOverhead();
            progress("2/4 Loupe vs ONNX Runtime");
            forward.measureVersusOrt();
            forward.measureShortInputs();
            progress("2/4 per-op overhead and profiles");
            forward.measureTinyOp();
            forward.profile(work);
            forward.reportHooks(body);
            forward.reportVersusOrt(body, peak);
        }

        progress("3/4 checkpoint loading (writes a random GPT-2 checkpoint first)");
        LoadBenchmark load = new LoadBenchmark(settings, work);
        load.prepare(miniLm);
        load.measure();
        load.report(body);
        peak.report(body);

        String loadAfter = Machine.loadAverage();
        Markdown md = new Markdown();
        md.heading(1, "Loupe engine benchmark");
        if (settings.quick()) {
            md.paragraph("**Quick smoke run (-Dbench.quick=true): too few rounds to quote.**");
        }
        md.paragraph("Measured " + started.truncatedTo(ChronoUnit.SECONDS) + " in one process; variants compared"
                + " with each other ran round-robin, so the ratios are the result: absolute times on a shared"
                + " machine drift.");
        List<String> machine = new ArrayList<>(Machine.describe());
        machine.add("Load average (1/5/15 min) at start: " + loadBefore + "; at end: " + loadAfter);
        md.bullets(machine);
        md.heading(2, "Summary");
        md.table(summary(forward, load, peak));
        return md + body.toString();
    }

    private static Markdown.Table summary(ForwardBenchmarks f, LoadBenchmark load, GemmBenchmark peak) {
        Samples.Ratio hook = f.hookRatio();
        Samples.Ratio ort = f.loupeOverOrtDefault();
        Samples.Ratio matched = f.loupeOverOrtMatched();
        Samples.Ratio single = f.loupeOverOrtSingleThreadCpu();
        double[] gbps = load.bigThroughput();
        String big = String.format(Locale.ROOT, "%s, %.0f MB", load.bigDescription(), load.bigBytes() / 1e6);
        double loupeG = f.gflops(ForwardBenchmarks.LOUPE);
        double ortG = f.gflops(ForwardBenchmarks.ORT_DEFAULT);
        return new Markdown.Table("Measure", "Result: median (quartiles)", "Goal")
                .row("Hooked (capture all) ÷ plain forward, MiniLM " + f.tokenCount() + " tokens", hook.describe(),
                        "≤ 1.3× " + (hook.median() <= 1.3 ? "(met)" : "(missed)"))
                .row("… the same, PyTorch on 1 thread: wall; CPU time", f.hookRatioSingleThread().describe() + "; "
                        + f.hookRatioSingleThreadCpu().describe(), "—")
                // Like for like: the headline gives both runtimes the same threads. ORT's default pool spins, so
                // under load it can be slower than its own one-thread run and the default row flips with the load.
                .row("Loupe ÷ ONNX Runtime, equal intra-op threads, MiniLM " + f.tokenCount() + " tokens",
                        matched.describe(), "≤ 1.2× " + (matched.median() <= 1.2 ? "(met)" : "(missed)"))
                .row("… both runtimes on 1 thread: wall; CPU time", f.loupeOverOrtSingleThread().describe() + "; "
                        + single.describe(), "≤ 1.2× CPU time " + (single.median() <= 1.2 ? "(met)" : "(missed)"))
                .row("… ONNX Runtime with its default options (spinning pool; not like for like)", ort.describe(),
                        "—")
                .row("Open (map + wrap), " + big, String.format(Locale.ROOT, "%.1f GB/s", gbps[0]), "—")
                .row("Open + first forward, page cache warm, same file", String.format(Locale.ROOT, "%.2f GB/s",
                        gbps[1]), "—")
                .row("Open + first forward, cold (file evicted), same file", Double.isNaN(gbps[2]) ? "not measured"
                        : String.format(Locale.ROOT, "%.2f GB/s", gbps[2]), "—")
                .row("F32 matmul peak through DJL, GFLOP/s", peak.describeDjlPeak(), "—")
                .row("MiniLM forward, GFLOP/s (of DJL peak): Loupe / ONNX Runtime", String.format(Locale.ROOT,
                        "%.1f (%.0f%%) / %.1f (%.0f%%)", loupeG, 100 * loupeG / peak.djlPeak(false), ortG,
                        100 * ortG / peak.djlPeak(false)), "—");
    }

    private static void progress(String what) {
        System.err.println("[bench " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "] " + what);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Boolean.getBoolean("bench.keepWork")) {
            System.err.println("kept " + dir);
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
