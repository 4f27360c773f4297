package dev.loupe.benchmarks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.engine.runtime.PyTorchRuntime;
import dev.loupe.engine.testing.OnnxModelReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * MiniLM forward passes: Loupe hooked vs plain (measure 1), and Loupe vs ONNX Runtime on the same model and tokens
 * (measure 2), with the evidence for what limits the second ratio: per-operator profiles of both runtimes, their
 * operator counts, and the fixed cost of one tiny op called from Java.
 */
final class ForwardBenchmarks {
    /** Plain English prose, so the WordPiece ids are those of real text; repeated if more tokens are asked for. */
    private static final String TEXT = "Interpretability research asks what a trained network has actually learned."
            + " Researchers open a transformer, run it on a prompt, and read its attention patterns, the residual"
            + " stream at every layer, and the outputs of each multilayer perceptron. Tools name every intermediate"
            + " activation with a hook, so that an experiment can capture, patch or steer it. A desktop workbench"
            + " brings those views to people who would rather not write Python: it loads a checkpoint from disk,"
            + " runs it on the graphics card when one is present, and draws the results as heatmaps, charts and"
            + " tables that can be exported for a paper.";

    private static final int TINY_OPS_PER_BATCH = 2000;

    private final Settings settings;
    private final LoupeModel model;
    private final byte[] onnx;
    private final long[] ids;
    private final int torchThreads;

    private Map<String, Samples> hookRuns;
    private long capturedBytes;
    private int capturedHooks;
    private Map<String, Samples> versusOrt;
    /** Sequence length -> {Loupe, ORT}, both on one thread. */
    private final Map<Integer, Samples[]> byLength = new TreeMap<>();
    private double maxAbsDiff;
    private double tinyOpMicros;
    private OpProfile torchProfile;
    private OpProfile ortProfile;
    private Map<String, Integer> exportedNodes;
    private Map<String, Integer> optimisedNodes;

    private static final String PLAIN = "Plain forward, `RunRequest.of(ids)`";
    private static final String HOOKED = "Hooked, `capture(\"*\")`";
    private static final String PLAIN_1T = "Plain forward, PyTorch on 1 thread";
    private static final String HOOKED_1T = "Hooked, PyTorch on 1 thread";
    static final String LOUPE = "Loupe plain forward";
    static final String ORT_DEFAULT = "ONNX Runtime, default session options";
    private static final String ORT_UNOPTIMISED = "ONNX Runtime, graph optimisation off (ORT_DISABLE_ALL)";
    private static final String LOUPE_1T = "Loupe plain forward, PyTorch on 1 thread";
    private static final String ORT_1T = "ONNX Runtime, 1 intra-op thread";

    ForwardBenchmarks(Settings settings, LoupeModel model, byte[] onnx) {
        this.settings = settings;
        this.model = model;
        this.onnx = onnx;
        this.ids = tokens(model, settings.tokens());
        this.torchThreads = JniUtils.getNumThreads();
    }

    private String ortMatched() {
        return "ONNX Runtime, intra-op threads = " + torchThreads + " (PyTorch's)";
    }

    /** {@code n} WordPiece ids of {@link #TEXT}: [CLS], the first n-2 word pieces, [SEP]. */
    static long[] tokens(LoupeModel model, int n) {
        if (n < 2 || n > model.info().contextLength()) {
            throw new IllegalArgumentException("bench.tokens must be 2.." + model.info().contextLength());
        }
        StringBuilder text = new StringBuilder(TEXT);
        long[] all = model.encode(text.toString());
        while (all.length < n) {
            text.append(' ').append(TEXT);
            all = model.encode(text.toString());
        }
        long[] out = Arrays.copyOf(all, n);
        out[n - 1] = all[all.length - 1];
        return out;
    }

    private void plainRun() {
        plainRun(ids);
    }

    private void plainRun(long[] tokens) {
        try (RunResult r = model.run(RunRequest.of(tokens))) {
            r.lastHiddenState(); // already computed: PyTorch runs eagerly; closing the result frees the pass
        }
    }

    private void hookedRun() {
        try (RunResult r = model.run(RunRequest.of(ids).capture("*"))) {
            r.cache(); // already filled; closing the result frees every captured activation
        }
    }

    private void defaultThreads() {
        JniUtils.setNumThreads(torchThreads);
    }

    private static void oneThread() {
        JniUtils.setNumThreads(1);
    }

    void measureHookOverhead() throws Exception {
        try (RunResult r = model.run(RunRequest.of(ids).capture("*"))) {
            capturedHooks = r.cache().names().size();
            for (String name : r.cache().names()) {
                capturedBytes += Arrays.stream(r.cache().shape(name)).reduce(1, (a, b) -> a * b) * Float.BYTES;
            }
        }
        // With one thread too: on a busy machine, PyTorch's OpenMP threads wait for each other at every op, and
        // that noise can swamp a small difference.
        try {
            hookRuns = new RoundRobin()
                    .add(PLAIN, this::defaultThreads, this::plainRun)
                    .add(HOOKED, this::defaultThreads, this::hookedRun)
                    .add(PLAIN_1T, ForwardBenchmarks::oneThread, this::plainRun)
                    .add(HOOKED_1T, ForwardBenchmarks::oneThread, this::hookedRun)
                    .optWarmup(settings.warmup()).optRounds(settings.rounds()).optPauseMillis(settings.pauseMillis())
                    .run();
        } finally {
            defaultThreads();
        }
    }

    void measureVersusOrt() throws Exception {
        try (OrtMiniLm ortDefault = new OrtMiniLm(onnx, ids, OrtMiniLm.Config.defaults());
                OrtMiniLm ortMatched = new OrtMiniLm(onnx, ids, OrtMiniLm.Config.defaults().withThreads(torchThreads));
                OrtMiniLm ortPlainGraph = new OrtMiniLm(onnx, ids, OrtMiniLm.Config.defaults().unoptimised());
                OrtMiniLm ortOne = new OrtMiniLm(onnx, ids, OrtMiniLm.Config.defaults().withThreads(1))) {
            maxAbsDiff = maxAbsDiff(ortDefault.lastHiddenState());
            // One thread each as well: the runtimes' kernels and per-op costs, with threading taken out.
            versusOrt = new RoundRobin()
                    .add(LOUPE, this::defaultThreads, this::plainRun)
                    .add(ORT_DEFAULT, this::defaultThreads, ortDefault::run)
                    .add(ortMatched(), this::defaultThreads, ortMatched::run)
                    .add(ORT_UNOPTIMISED, this::defaultThreads, ortPlainGraph::run)
                    .add(LOUPE_1T, ForwardBenchmarks::oneThread, this::plainRun)
                    .add(ORT_1T, this::defaultThreads, ortOne::run)
                    .optWarmup(settings.warmup()).optRounds(settings.rounds()).optPauseMillis(settings.pauseMillis())
                    .run();
        } finally {
            defaultThreads();
        }
    }

    /**
     * Loupe ÷ ONNX Runtime at shorter inputs, one thread each: the shorter the input, the less arithmetic each op
     * does, and the more a fixed per-op cost weighs.
     */
    void measureShortInputs() throws Exception {
        for (int n : new int[] {8, 32}) {
            if (n >= ids.length) {
                continue;
            }
            long[] shortIds = tokens(model, n);
            try (OrtMiniLm ortOne = new OrtMiniLm(onnx, shortIds, OrtMiniLm.Config.defaults().withThreads(1))) {
                Map<String, Samples> r = new RoundRobin()
                        .add("loupe", ForwardBenchmarks::oneThread, () -> plainRun(shortIds))
                        .add("ort", this::defaultThreads, ortOne::run)
                        .optWarmup(settings.warmup()).optRounds(settings.rounds())
                        .optPauseMillis(settings.pauseMillis())
                        .run();
                byLength.put(n, new Samples[] {r.get("loupe"), r.get("ort")});
            } finally {
                defaultThreads();
            }
        }
        byLength.put(ids.length, new Samples[] {versusOrt.get(LOUPE_1T), versusOrt.get(ORT_1T)});
    }

    private double maxAbsDiff(float[] reference) {
        try (RunResult r = model.run(RunRequest.of(ids))) {
            float[] ours = r.lastHiddenState().toFloatArray();
            double max = 0;
            for (int i = 0; i < ours.length; i++) {
                max = Math.max(max, Math.abs(ours[i] - reference[i]));
            }
            return max;
        }
    }

    /**
     * The fixed cost of one operator called from Java: a 1-element add, its result wrapped by DJL, registered with
     * a manager and freed. No arithmetic to speak of, so this is JNI + DJL bookkeeping + ATen dispatch and
     * allocation, which every op in Loupe's forward pass pays once.
     */
    void measureTinyOp() throws Exception {
        try (NDManager base = PyTorchRuntime.engine().newBaseManager(Device.cpu())) {
            NDArray one = base.create(new float[] {1f});
            Samples s = new RoundRobin()
                    .add("tiny add", () -> {
                        try (NDManager batch = base.newSubManager()) {
                            NDArray x = batch.create(new float[] {1f});
                            for (int i = 0; i < TINY_OPS_PER_BATCH; i++) {
                                x.add(one); // attached to x's manager: freed with the batch
                            }
                        }
                    })
                    .optWarmup(3).optRounds(15)
                    .run().get("tiny add");
            // CPU time: the op runs on the calling thread, and CPU time ignores time spent descheduled.
            tinyOpMicros = s.cpu().medianMs() * 1000 / TINY_OPS_PER_BATCH;
        }
    }

    /**
     * Per-operator profiles of the forward pass in each runtime, both on one thread so that other processes on the
     * machine do not distort them, and ONNX Runtime's graph before and after its fusions.
     */
    void profile(Path workDir) throws Exception {
        int runs = 5;
        Path torchTrace = workDir.resolve("torch-profile.json");
        oneThread();
        try {
            plainRun();
            JniUtils.startProfile(false, true, false); // record shapes: matmuls are split by shape
            try {
                for (int i = 0; i < runs; i++) {
                    plainRun();
                }
            } finally {
                JniUtils.stopProfile(torchTrace.toString());
            }
        } finally {
            defaultThreads();
        }
        torchProfile = OpProfile.fromTorchTrace(torchTrace, runs, Set.of("aten::matmul"));

        Path optimised = workDir.resolve("minilm-ort-optimised.onnx");
        String prefix = workDir.resolve("ort-profile").toString();
        try (OrtMiniLm ort = new OrtMiniLm(onnx, ids, OrtMiniLm.Config.defaults().withThreads(1).profiled(prefix)
                .savingOptimisedModel(optimised.toString()))) {
            // The session profiles from its first run on, which is slower (it plans its memory): dilute it.
            for (int i = 0; i < 4 * runs; i++) {
                ort.run();
            }
            ortProfile = OpProfile.fromOrtTrace(Path.of(ort.endProfiling()));
        }
        exportedNodes = histogram(OnnxModelReader.read(onnx).nodes());
        optimisedNodes = Files.exists(optimised) ? histogram(OnnxModelReader.read(optimised).nodes()) : Map.of();
    }

    private static Map<String, Integer> histogram(List<OnnxModelReader.Node> nodes) {
        Map<String, Integer> h = new TreeMap<>();
        for (OnnxModelReader.Node n : nodes) {
            h.merge(n.opType(), 1, Integer::sum);
        }
        return h;
    }

    /** Multiply-adds of one MiniLM forward pass, times two: the linear layers and the two attention matmuls. */
    double forwardFlops() {
        ModelInfo i = model.info();
        double t = ids.length;
        double d = i.dModel();
        double perLayer = 2 * t * (4 * d * d + 2 * d * i.dMlp()) + 2 * 2 * t * t * d;
        return perLayer * i.layers();
    }

    Samples.Ratio hookRatio() {
        return hookRuns.get(HOOKED).over(hookRuns.get(PLAIN));
    }

    Samples.Ratio hookRatioSingleThread() {
        return hookRuns.get(HOOKED_1T).over(hookRuns.get(PLAIN_1T));
    }

    Samples.Ratio hookRatioSingleThreadCpu() {
        return hookRuns.get(HOOKED_1T).cpu().over(hookRuns.get(PLAIN_1T).cpu());
    }

    Samples.Ratio loupeOverOrtSingleThreadCpu() {
        return versusOrt.get(LOUPE_1T).cpu().over(versusOrt.get(ORT_1T).cpu());
    }

    Samples.Ratio loupeOverOrtDefault() {
        return versusOrt.get(LOUPE).over(versusOrt.get(ORT_DEFAULT));
    }

    Samples.Ratio loupeOverOrtMatched() {
        return versusOrt.get(LOUPE).over(versusOrt.get(ortMatched()));
    }

    Samples.Ratio loupeOverOrtSingleThread() {
        return versusOrt.get(LOUPE_1T).over(versusOrt.get(ORT_1T));
    }

    double gflops(String variant) {
        return forwardFlops() / (versusOrt.get(variant).medianMs() * 1e6);
    }

    int tokenCount() {
        return ids.length;
    }

    void reportHooks(Markdown md) {
        md.heading(2, "1. Hooked vs plain forward (MiniLM, " + ids.length + " tokens, batch 1)");
        Markdown.Table t = new Markdown.Table("Variant", "Wall ms (p25–p75)", "÷ plain, wall (p25–p75)",
                "CPU ms, one-thread rows", "÷ plain, CPU");
        Samples plain = hookRuns.get(PLAIN);
        Samples plain1 = hookRuns.get(PLAIN_1T);
        t.row(PLAIN + ", " + torchThreads + " threads", plain.describeMs(), "1 (reference)", "—", "—");
        t.row(HOOKED + ", " + torchThreads + " threads", hookRuns.get(HOOKED).describeMs(), hookRatio().describe(),
                "—", "—");
        t.row(PLAIN_1T, plain1.describeMs(), "1 (reference)", plain1.cpu().describeMs(), "1 (reference)");
        t.row(HOOKED_1T, hookRuns.get(HOOKED_1T).describeMs(), hookRatioSingleThread().describe(),
                hookRuns.get(HOOKED_1T).cpu().describeMs(), hookRatioSingleThreadCpu().describe());
        md.table(t);
        md.paragraph(String.format(Locale.ROOT,
                "`capture(\"*\")` keeps all %d activations of the model (%.1f MB of F32) until the result is closed;"
                        + " both variants close their result inside the timed region. Ratios are per round (the two"
                        + " ran back to back), median and quartiles over %d rounds after %d warm-up rounds; order"
                        + " rotated every round, %d ms idle before each run. CPU ms is the calling thread's CPU time,"
                        + " which on one thread is all of the work. Goal ≤ 1.3×.",
                capturedHooks, capturedBytes / 1e6, settings.rounds(), settings.warmup(), settings.pauseMillis()));
    }

    void reportVersusOrt(Markdown md, GemmBenchmark gemm) {
        md.heading(2, "2. Loupe vs ONNX Runtime (MiniLM, " + ids.length + " tokens, batch 1, CPU)");
        Samples loupe = versusOrt.get(LOUPE);
        Markdown.Table t = new Markdown.Table("Variant (default threads)", "Wall ms (p25–p75)",
                "Loupe ÷ this (p25–p75)", "GFLOP/s", "of DJL matmul peak", "of best GEMM measured");
        for (String name : List.of(LOUPE, ORT_DEFAULT, ortMatched(), ORT_UNOPTIMISED)) {
            Samples s = versusOrt.get(name);
            double g = forwardFlops() / (s.medianMs() * 1e6);
            t.row(s.name() + (s == loupe ? ", " + torchThreads + " threads" : ""), s.describeMs(),
                    s == loupe ? "1 (reference)" : loupe.over(s).describe(), String.format(Locale.ROOT, "%.1f", g),
                    percent(g, gemm.djlPeak(false)), percent(g, gemm.bestPeak(false)));
        }
        md.table(t);
        Samples loupe1 = versusOrt.get(LOUPE_1T);
        Samples ort1 = versusOrt.get(ORT_1T);
        Markdown.Table t1 = new Markdown.Table("Variant (one thread)", "Wall ms (p25–p75)", "Loupe ÷ this, wall",
                "CPU ms (p25–p75)", "Loupe ÷ this, CPU", "GFLOP/s (CPU time)", "of DJL 1-thread peak",
                "of best 1-thread GEMM");
        for (Samples s : List.of(loupe1, ort1)) {
            double g = forwardFlops() / (s.cpu().medianMs() * 1e6);
            t1.row(s.name(), s.describeMs(), s == loupe1 ? "1 (reference)" : loupe1.over(s).describe(),
                    s.cpu().describeMs(), s == loupe1 ? "1 (reference)" : loupe1.cpu().over(s.cpu()).describe(),
                    String.format(Locale.ROOT, "%.1f", g), percent(g, gemm.djlPeak(true)),
                    percent(g, gemm.bestPeak(true)));
        }
        md.table(t1);
        md.paragraph(String.format(Locale.ROOT,
                "All six variants ran in the same round-robin (%d rounds). Same model (the ONNX file Loupe's"
                        + " checkpoint was converted from), same %d token ids (attention mask all ones, token types"
                        + " 0); ONNX Runtime is asked for last_hidden_state only and its inputs are built once."
                        + " Max |Loupe − ORT| on last_hidden_state = %.2g. One forward is %.2f GFLOP (linear layers"
                        + " and attention matmuls).",
                settings.rounds(), ids.length, maxAbsDiff, forwardFlops() / 1e9));

        md.heading(3, "What limits it");
        double estimateMs = tinyOpMicros * torchProfile.callsPerRun() / 1000;
        double loupe1Cpu = loupe1.cpu().medianMs();
        double torchGemm = torchProfile.microsOf("aten::matmul") / 1000;
        double ortGemm = (ortProfile.microsOf("MatMul") + ortProfile.microsOf("FusedMatMul")
                + ortProfile.microsOf("FusedGemm") + ortProfile.microsOf("Gemm")) / 1000;
        md.bullets(List.of(
                String.format(Locale.ROOT, "Loupe dispatches **%d ATen operators per forward** from Java, one JNI"
                        + " call each; ONNX Runtime executes **%d graph nodes** after its fusions (the exported graph"
                        + " has %d).", torchProfile.callsPerRun(), total(optimisedNodes), total(exportedNodes)),
                String.format(Locale.ROOT, "Fixed cost of one tiny op from Java (1-element add: JNI, DJL wrapper and"
                        + " manager, ATen dispatch, allocation, free): **%.1f µs**. Times %d ops ≈ %.2f ms, %.1f%% of"
                        + " Loupe's one-thread forward (%s ms CPU).", tinyOpMicros, torchProfile.callsPerRun(),
                        estimateMs, 100 * estimateMs / loupe1Cpu, Samples.ms(loupe1Cpu)),
                String.format(Locale.ROOT, "Matrix products, one thread, per forward (profiled, wall clock, the"
                        + " two runtimes one after the other): **%.1f ms in PyTorch** (aten::matmul, %.0f calls) vs"
                        + " **%.1f ms in ONNX Runtime** (MatMul, FusedMatMul and Gemm nodes), %.2f×; out of %.1f and"
                        + " %.1f ms of operator time.", torchGemm, torchProfile.callsOf("aten::matmul"), ortGemm,
                        torchGemm / ortGemm, torchProfile.opMicrosPerRun() / 1000,
                        ortProfile.opMicrosPerRun() / 1000),
                "ONNX Runtime's graph after optimisation: " + describe(optimisedNodes) + ".",
                "The exported graph before optimisation: " + describe(exportedNodes) + "."));
        Markdown.Table lengths = new Markdown.Table("Tokens", "Loupe CPU ms", "ORT CPU ms", "Loupe ÷ ORT, CPU",
                "Loupe ÷ ORT, wall");
        for (Map.Entry<Integer, Samples[]> e : byLength.entrySet()) {
            Samples l = e.getValue()[0];
            Samples o = e.getValue()[1];
            lengths.row(String.valueOf(e.getKey()), l.cpu().describeMs(), o.cpu().describeMs(),
                    l.cpu().over(o.cpu()).describe(), l.over(o).describe());
        }
        md.paragraph("By input length, one thread each (the " + ids.length + "-token row is the one above):");
        md.table(lengths);
        md.paragraph("Where each runtime spends its operator time, one thread, per forward (profilers add a little"
                + " per-op cost of their own):");
        md.table(profileTable(torchProfile, "Loupe / PyTorch top-level op"));
        md.table(profileTable(ortProfile, "ONNX Runtime node type"));
    }

    private static String percent(double value, double of) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * value / of);
    }

    private static int total(Map<String, Integer> histogram) {
        return histogram.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static Markdown.Table profileTable(OpProfile p, String what) {
        Markdown.Table t = new Markdown.Table(what, "Calls per forward", "ms per forward", "Share of op time");
        double other = 0;
        double otherCalls = 0;
        int shown = 0;
        for (OpProfile.Op op : p.ops()) {
            if (shown < 10) {
                t.row(op.name(), String.format(Locale.ROOT, "%.0f", op.callsPerRun()),
                        String.format(Locale.ROOT, "%.2f", op.microsPerRun() / 1000),
                        String.format(Locale.ROOT, "%.1f%%", 100 * op.microsPerRun() / p.opMicrosPerRun()));
                shown++;
            } else {
                other += op.microsPerRun();
                otherCalls += op.callsPerRun();
            }
        }
        if (otherCalls > 0) {
            t.row("(the rest)", String.format(Locale.ROOT, "%.0f", otherCalls),
                    String.format(Locale.ROOT, "%.2f", other / 1000),
                    String.format(Locale.ROOT, "%.1f%%", 100 * other / p.opMicrosPerRun()));
        }
        t.row("**total**", String.valueOf(p.callsPerRun()), String.format(Locale.ROOT, "%.2f",
                p.opMicrosPerRun() / 1000), "100%");
        return t;
    }

    private static String describe(Map<String, Integer> histogram) {
        if (histogram.isEmpty()) {
            return "not available";
        }
        return total(histogram) + " nodes: " + histogram.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(e -> e.getKey() + " ×" + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
