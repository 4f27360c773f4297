package dev.loupe.benchmarks;

import dev.loupe.engine.GenerateRequest;
import dev.loupe.engine.Generation;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.engine.format.PendingTensor;
import dev.loupe.engine.format.SafetensorsWriter;
import dev.loupe.engine.format.TensorDType;
import dev.loupe.engine.hooks.CaptureSize;
import dev.loupe.engine.runtime.MemoryBudget;
import dev.loupe.engine.runtime.PyTorchRuntime;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.engine.testing.TestCheckpoints.Spec;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.testkit.PluginHarness;
import dev.loupe.plugins.attention.AttentionPatternsPlugin;
import dev.loupe.plugins.logitlens.LogitLensPlugin;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A 1B-class Llama on this machine: random weights in the shapes of TinyLlama-1.1B and Llama-3.2-1B, written as BF16
 * safetensors as they ship. For each: open, trace every hook at 512 tokens to a file, the logit lens and the
 * attention view at 512 tokens, and 32 generated tokens, with the time of each and the process's peak resident
 * memory; and what a full capture at 2048 tokens would cost (which {@code loupe trace} refuses on a machine without
 * that much memory). Each model is written by one child JVM and measured by another, so the writer's memory does
 * not count in the peak. Usage: {@code BigModelBenchmark [OUT.md]}; needs about 8 GB of disk in java.io.tmpdir.
 */
public final class BigModelBenchmark {
    private static final int TOKENS = 512;
    private static final int NEW_TOKENS = 32;

    private BigModelBenchmark() {
    }

    /** The two shapes, as their config.json files give them. */
    static Spec shape(String name) {
        return switch (name) {
            case "tinyllama-1.1b" -> Spec.llama().withLayers(22).withHeads(32, 4).withDims(2048, 5632)
                    .withVocab(32000).withContext(2048).withTied(false).withDtype(TensorDType.BF16).withScale(0.02f)
                    .withoutTokenizer().withConfig("rope_theta", 10000.0);
            case "llama-3.2-1b" -> Spec.llama().withLayers(16).withHeads(32, 8).withDims(2048, 8192)
                    .withVocab(128256).withContext(131072).withTied(true).withDtype(TensorDType.BF16)
                    .withScale(0.02f).withoutTokenizer().withConfig("rope_theta", 500000.0);
            default -> throw new IllegalArgumentException("unknown shape " + name);
        };
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        if (args.length == 3 && args[0].equals("write")) {
            TestCheckpoints.write(Path.of(args[2]), shape(args[1]));
            return;
        }
        if (args.length == 2 && args[0].equals("measure")) {
            System.out.println("RESULT " + measure(Path.of(args[1])));
            System.exit(0); // engine threads must not keep the child alive
        }
        String loadBefore = Machine.loadAverage();
        Path work = Files.createTempDirectory("loupe-big-bench");
        StringBuilder rows = new StringBuilder();
        try {
            for (String name : List.of("tinyllama-1.1b", "llama-3.2-1b")) {
                Path dir = work.resolve(name);
                progress("writing a random " + name + " (BF16) to " + dir);
                long t0 = System.nanoTime();
                child("-Xmx14g", "write", name, dir.toString());
                double writeS = (System.nanoTime() - t0) / 1e9;
                progress("measuring " + name);
                String result = child("-Xmx6g", "measure", dir.toString());
                rows.append("| ").append(name).append(" | ").append(result).append(String.format(Locale.ROOT,
                        " | %.0f s |%n", writeS));
                deleteRecursively(dir);
            }
        } finally {
            deleteRecursively(work);
        }
        String report = String.format(Locale.ROOT, """
                ## A 1B-class Llama on this machine (issue 14)

                Random weights in the shapes of TinyLlama-1.1B (22 layers, d_model 2048, d_mlp 5632, 32 heads / 4 KV
                heads, 32,000 tokens) and Llama-3.2-1B (16 layers, d_model 2048, d_mlp 8192, 32 / 8 heads, 128,256
                tokens, tied), written as BF16 safetensors and computed in F32. Each model is measured in a fresh JVM
                (-Xmx6g; the weights and activations live in native memory); peak RSS is that process's VmHWM.
                %s; load average at start %s, at end %s.

                | model | open | trace every hook, %d tokens (file) | logit lens, %d tokens | attention view | %d new tokens (KV cache) | peak RSS | full capture at 2048 tokens | writing the checkpoint |
                |---|---:|---:|---:|---:|---:|---:|---:|---:|
                %s
                """, "CPU matrix products: " + PyTorchRuntime.gemmPath(), loadBefore, Machine.loadAverage(), TOKENS,
                TOKENS, NEW_TOKENS, rows.toString().strip());
        System.out.println(report);
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), report);
        }
    }

    /** One model in this process: the table cells of its row, up to the write time. */
    private static String measure(Path dir) throws Exception {
        PyTorchRuntime.engine();
        List<String> cells = new ArrayList<>();
        long t0 = System.nanoTime();
        try (LoupeModel model = LoupeModel.open(dir)) {
            cells.add(seconds(t0));
            ModelInfo info = model.info();
            long[] tokens = new long[TOKENS];
            for (int i = 0; i < TOKENS; i++) {
                tokens[i] = 1 + (i * 7919L) % (info.dVocab() - 1);
            }
            Path traceFile = dir.resolve("trace.safetensors");
            long t1 = System.nanoTime();
            try (RunResult run = model.run(RunRequest.of(tokens).capture("*"))) {
                Map<String, PendingTensor> tensors = new LinkedHashMap<>();
                for (String hook : run.cache().names()) {
                    tensors.put(hook, new PendingTensor(TensorDType.F32, run.cache().shape(hook),
                            () -> run.cache().f32Bytes(hook)));
                }
                SafetensorsWriter.writeStreaming(traceFile, tensors, Map.of());
            }
            cells.add(seconds(t1) + String.format(Locale.ROOT, " (%.1f GB)", Files.size(traceFile) / 1e9));
            Files.delete(traceFile);
            PluginHarness host = PluginHarness.on(model);
            LogitLensPlugin lens = new LogitLensPlugin();
            long t2 = System.nanoTime();
            host.run(lens, host.tokens(tokens), lens.params().defaults());
            cells.add(seconds(t2));
            AttentionPatternsPlugin attention = new AttentionPatternsPlugin();
            long t3 = System.nanoTime();
            host.run(attention, host.tokens(tokens), attention.params().defaults());
            cells.add(seconds(t3));
            long t4 = System.nanoTime();
            Generation g = model.generate(GenerateRequest.greedy(java.util.Arrays.copyOf(tokens, 64), NEW_TOKENS)
                    .withStopAtEos(false), id -> { });
            cells.add(seconds(t4) + " (" + g.generated().length + " tokens)");
            cells.add(String.format(Locale.ROOT, "%.1f GB", peakRssBytes() / 1e9));
            long full = CaptureSize.f32Bytes(info, model.hookNames(), 2048);
            long available = MemoryBudget.availableBytes().orElse(-1);
            cells.add(CaptureSize.describe(full) + (available >= 0 && full > available * 0.8
                    ? " (refused by trace: " + CaptureSize.describe(available) + " available)" : ""));
        }
        return String.join(" | ", cells);
    }

    private static String seconds(long since) {
        return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - since) / 1e9);
    }

    /** VmHWM of this process, from /proc/self/status. */
    private static long peakRssBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024L;
            }
        }
        return -1;
    }

    /** Runs this class in a child JVM with the same class path; its "RESULT " line, or "" for a writer. */
    private static String child(String heap, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap, "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                BigModelBenchmark.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String result = "";
        for (String line : new String(p.getInputStream().readAllBytes()).split("\n")) {
            if (line.startsWith("RESULT ")) {
                result = line.substring("RESULT ".length());
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", args) + " failed with exit code " + p.exitValue());
        }
        return result;
    }

    private static void progress(String what) {
        System.err.println("[big-model bench] " + what);
    }

    private static void deleteRecursively(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
