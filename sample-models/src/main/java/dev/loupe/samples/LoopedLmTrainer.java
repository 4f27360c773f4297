package dev.loupe.samples;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.loupe.engine.LoupeModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains looped-lm, a recurrent-depth GPT-2 (two distinct blocks applied A A A B B B) on {@link LoopedLmTask}
 * multi-hop lookups, with DJL autograd on the PyTorch engine, saves it as a Hugging Face checkpoint folder
 * (config.json with model_type loupe_looped, model.safetensors, tokenizer.json, corpus.txt), then reopens the
 * folder with the engine and reports the model card's figures ({@link LoopedLmProbes}) into metrics.json.
 *
 * <p>Usage: {@code LoopedLmTrainer [outputFolder] [--steps=N] [--batch=N] [--lr=X] [--probe-every=N]}; the
 * defaults make the shipped model, the options exist for quick experiments.
 */
public final class LoopedLmTrainer {

    static final long TASK_SEED = 21;
    static final long INIT_SEED = 23;
    /** Monitoring during training uses its own seed, so the model card's held-out set is never looked at early. */
    static final long VALIDATION_SEED = 2002;

    static final List<Integer> SCHEDULE = List.of(0, 0, 0, 1, 1, 1);
    static final int D_MODEL = 64;
    static final int HEADS = 4;
    static final int CONTEXT = 64;
    static final int CORPUS_LINES = 400;
    static final int QUESTIONS_PER_LINE = 6;
    /** BOS, the table (three tokens a row), then per question "| k s answer". */
    static final int LINE_TOKENS = 1 + 3 * LoopedLmTask.SYMBOLS.size() + 4 * QUESTIONS_PER_LINE;

    record Settings(int steps, int batch, float learningRate, int warmupSteps, float weightDecay, int probeEvery) {
        static Settings defaults() {
            return new Settings(1800, 64, 3e-3f, 150, 0.01f, 0);
        }

        Settings withSteps(int n) {
            return new Settings(n, batch, learningRate, warmupSteps, weightDecay, probeEvery);
        }
    }

    private final Settings settings;
    private final PrintStream out;

    LoopedLmTrainer(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public static void main(String[] args) throws IOException {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true"); // natives come from the class path; never download
        }
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            // One intra-op thread, as "loupe train-samples" runs it (the committed weights were trained so; see
            // SampleTraining.Sample), and because without OMP_WAIT_POLICY=PASSIVE OpenMP's spin-waiting makes two
            // threads ~30x slower once anything else runs on the machine.
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        Path folder = Path.of("sample-models/looped-lm");
        Settings s = Settings.defaults();
        for (String arg : args) {
            String v = arg.substring(arg.indexOf('=') + 1);
            if (arg.startsWith("--steps=")) {
                s = s.withSteps(Integer.parseInt(v));
            } else if (arg.startsWith("--batch=")) {
                s = new Settings(s.steps(), Integer.parseInt(v), s.learningRate(), s.warmupSteps(), s.weightDecay(),
                        s.probeEvery());
            } else if (arg.startsWith("--lr=")) {
                s = new Settings(s.steps(), s.batch(), Float.parseFloat(v), s.warmupSteps(), s.weightDecay(),
                        s.probeEvery());
            } else if (arg.startsWith("--probe-every=")) {
                s = new Settings(s.steps(), s.batch(), s.learningRate(), s.warmupSteps(), s.weightDecay(),
                        Integer.parseInt(v));
            } else if (arg.startsWith("--")) {
                throw new IllegalArgumentException("unknown option " + arg);
            } else {
                folder = Path.of(arg);
            }
        }
        new LoopedLmTrainer(s, System.out).run(folder);
    }

    void run(Path folder) throws IOException {
        long start = System.nanoTime();
        Files.createDirectories(folder);
        WordLevelTokenizer tokenizer = new WordLevelTokenizer(LoopedLmTask.ordinaryWords());
        tokenizer.writeHuggingFaceJson(folder.resolve("tokenizer.json"));
        checkTokenizerJson(folder.resolve("tokenizer.json"), tokenizer);
        writeCorpus(folder.resolve("corpus.txt"));

        TrainableGpt2.Config config = TrainableGpt2.Config.looped(tokenizer.size(), CONTEXT, D_MODEL, HEADS, SCHEDULE);
        try (NDManager manager = NDManager.newBaseManager()) {
            JniUtils.setGradMode(false); // record only inside the gradient collector
            TrainableGpt2 model = new TrainableGpt2(manager, config, INIT_SEED);
            out.printf(Locale.ROOT, "looped-lm: GPT-2, blocks %s over %d distinct, d_model %d, %d heads, vocab %d, "
                            + "%,d parameters; %d steps of %d lines x %d questions on %s (%d intra-op threads)%n",
                    SCHEDULE, config.distinctBlocks(), D_MODEL, HEADS, tokenizer.size(),
                    model.parameterCount(), settings.steps(), settings.batch(), QUESTIONS_PER_LINE,
                    Engine.getInstance().getEngineName(), JniUtils.getNumThreads());
            train(model, manager, tokenizer);
            Map<String, String> metadata = new LinkedHashMap<>(); // ordered, so a retrain gives the same bytes
            metadata.put("trainer", LoopedLmTrainer.class.getName());
            metadata.put("task_seed", Long.toString(TASK_SEED));
            metadata.put("init_seed", Long.toString(INIT_SEED));
            metadata.put("steps", Integer.toString(settings.steps()));
            model.save(folder, metadata);
        }
        out.println("measuring through the engine (LoupeModel.open on " + folder + ") ...");
        JsonObject metrics = measure(folder);
        metrics.addProperty("training_steps", settings.steps());

        Files.writeString(folder.resolve("metrics.json"),
                new GsonBuilder().setPrettyPrinting().create().toJson(metrics) + "\n", StandardCharsets.UTF_8);
        out.printf(Locale.ROOT, "saved %s (config.json, model.safetensors, tokenizer.json, corpus.txt, metrics.json);"
                + " wall time %s%n", folder, ConsoleProgressBar.clock((System.nanoTime() - start) / 1e9));
    }

    private void train(TrainableGpt2 model, NDManager manager, WordLevelTokenizer tokenizer) {
        LoopedLmTask task = new LoopedLmTask(TASK_SEED, false);
        AdamW optimizer = new AdamW(0.9f, 0.98f, 1e-8f, settings.weightDecay(), 1.0f);
        ConsoleProgressBar progress = new ConsoleProgressBar("training", settings.steps(), out);
        int batch = settings.batch();
        int bar = tokenizer.id("|");
        double smoothed = Double.NaN;
        for (int step = 0; step < settings.steps(); step++) {
            long[] rows = new long[batch * LINE_TOKENS];
            for (int b = 0; b < batch; b++) {
                long[] row = WordLevelTokenizer.toLongs(tokenizer.encodeWithBos(task.line(QUESTIONS_PER_LINE)));
                System.arraycopy(row, 0, rows, b * LINE_TOKENS, LINE_TOKENS);
            }
            // Inputs are rows[0..n-2], targets rows[1..n-1]. Only answers are predictable (the table and the
            // questions are random), so loss is taken only where the input is a start symbol, two after "|".
            int n = LINE_TOKENS - 1;
            long[] inputs = new long[batch * n];
            long[] targets = new long[batch * n];
            float[] weights = new float[batch * n];
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < n; i++) {
                    inputs[b * n + i] = rows[b * LINE_TOKENS + i];
                    targets[b * n + i] = rows[b * LINE_TOKENS + i + 1];
                    weights[b * n + i] = i >= 2 && inputs[b * n + i - 2] == bar ? 1f : 0f;
                }
            }
            float loss;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                Shape shape = new Shape(batch, n);
                NDArray in = manager.create(inputs, shape);
                NDArray target = manager.create(targets, shape);
                NDArray weight = manager.create(weights, shape);
                loss = lossAndGradients(model, in, target, weight);
                optimizer.step(model.parameters(), AdamW.warmupCosine(step, settings.learningRate(), settings.warmupSteps(), settings.steps()), manager);
            }
            smoothed = Double.isNaN(smoothed) ? loss : 0.98 * smoothed + 0.02 * loss;
            progress.update(step + 1, String.format(Locale.ROOT, "loss %.3f", smoothed));
            if (settings.probeEvery() > 0 && (step + 1) % settings.probeEvery() == 0) {
                double[] acc = accuracyByHops(model, manager, tokenizer, 400, VALIDATION_SEED);
                out.printf(Locale.ROOT, "%n  step %d: loss %.3f, validation accuracy %.3f (by hop count: %s)%n",
                        step + 1, smoothed, acc[0], format(Arrays.copyOfRange(acc, 1, acc.length)));
            }
        }
    }

    /** Weighted mean cross-entropy; leaves the gradients on the parameters. */
    private static float lossAndGradients(TrainableGpt2 model, NDArray in, NDArray target, NDArray weight) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray picked = model.forward(in, null).logSoftmax(-1).gather(target.expandDims(-1), 2).squeeze(-1);
            NDArray loss = picked.mul(weight).sum().neg().div(weight.sum());
            collector.backward(loss);
            float value = loss.getFloat();
            if (!Float.isFinite(value)) {
                throw new IllegalStateException("loss is " + value);
            }
            return value;
        }
    }

    /** The trainer's own accuracy (same definition as {@link LoopedLmProbes#accuracyByHops}), for monitoring. */
    private static double[] accuracyByHops(TrainableGpt2 model, NDManager manager, WordLevelTokenizer tokenizer,
                                           int examples, long seed) {
        List<LoopedLmTask.Example> set = LoopedLmTask.balanced(examples, seed);
        int length = 1 + LoopedLmTask.PROMPT_TOKENS;
        long[] inputs = new long[set.size() * length];
        for (int i = 0; i < set.size(); i++) {
            System.arraycopy(WordLevelTokenizer.toLongs(tokenizer.encodeWithBos(set.get(i).prompt())), 0, inputs,
                    i * length, length);
        }
        int[] correct = new int[LoopedLmTask.MAX_HOPS + 1];
        int[] total = new int[LoopedLmTask.MAX_HOPS + 1];
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray logits = model.forward(manager.create(inputs, new Shape(set.size(), length)), null);
            long[] best = logits.get(":, " + (length - 1) + ", :").argMax(-1).toLongArray();
            for (int i = 0; i < set.size(); i++) {
                int k = set.get(i).hops();
                boolean ok = best[i] == tokenizer.id(set.get(i).answer());
                total[k]++;
                total[0]++;
                correct[k] += ok ? 1 : 0;
                correct[0] += ok ? 1 : 0;
            }
        }
        double[] acc = new double[correct.length];
        for (int i = 0; i < acc.length; i++) {
            acc[i] = (double) correct[i] / total[i];
        }
        return acc;
    }

    /** The model card's figures, recomputed from the saved folder by the engine. */
    private JsonObject measure(Path folder) {
        JsonObject o = new JsonObject();
        try (LoupeModel model = LoupeModel.open(folder)) {
            List<String> schedule = model.info().blockSchedule();
            double[] acc = LoopedLmProbes.accuracyByHops(model, LoopedLmProbes.HELD_OUT_EXAMPLES,
                    LoopedLmProbes.HELD_OUT_SEED);
            double[][] sim = LoopedLmProbes.residualCosineSimilarity(model, LoopedLmProbes.HELD_OUT_EXAMPLES,
                    LoopedLmProbes.HELD_OUT_SEED);
            double[] phases = LoopedLmProbes.phaseSummary(sim, schedule);
            double[][] upd = LoopedLmProbes.updateCosineSimilarity(model, LoopedLmProbes.HELD_OUT_EXAMPLES,
                    LoopedLmProbes.HELD_OUT_SEED);
            double[] updPhases = LoopedLmProbes.phaseSummary(upd, schedule);
            double[][] lens = LoopedLmProbes.logitLensAccuracy(model, LoopedLmProbes.HELD_OUT_EXAMPLES,
                    LoopedLmProbes.HELD_OUT_SEED);
            out.printf(Locale.ROOT, "engine: family %s, %d applied layers, schedule %s, %,d parameters%n",
                    model.info().family(), model.info().layers(), schedule, model.info().parameterCount());
            out.printf(Locale.ROOT, "held-out task accuracy (%d questions, seed %d): %.4f; by hop count 1..%d: %s%n",
                    LoopedLmProbes.HELD_OUT_EXAMPLES, LoopedLmProbes.HELD_OUT_SEED, acc[0], LoopedLmTask.MAX_HOPS,
                    format(Arrays.copyOfRange(acc, 1, acc.length)));
            out.println("residual cosine similarity, blocks.{l}.hook_resid_post (rows/columns: applied layers):");
            for (int i = 0; i < sim.length; i++) {
                out.printf(Locale.ROOT, "  %d %s: %s%n", i, schedule.get(i), format(sim[i]));
            }
            out.printf(Locale.ROOT, "mean within-phase %.4f vs cross-phase %.4f; adjacent layers: within-phase %.4f "
                    + "vs across the boundary %.4f%n", phases[0], phases[1], phases[2], phases[3]);
            out.println("cosine similarity of the layer updates, hook_resid_post - hook_resid_pre:");
            for (int i = 0; i < upd.length; i++) {
                out.printf(Locale.ROOT, "  %d %s: %s%n", i, schedule.get(i), format(upd[i]));
            }
            out.printf(Locale.ROOT, "updates: mean within-phase %.4f vs cross-phase %.4f; adjacent layers: "
                    + "within-phase %.4f vs across the boundary %.4f%n", updPhases[0], updPhases[1], updPhases[2],
                    updPhases[3]);
            out.println("logit-lens accuracy at the last prompt position (columns: all, then by hop count):");
            for (int l = 0; l < lens.length; l++) {
                out.printf(Locale.ROOT, "  %d %s: %s%n", l, schedule.get(l), format(lens[l]));
            }
            o.addProperty("held_out_examples", LoopedLmProbes.HELD_OUT_EXAMPLES);
            o.addProperty("held_out_seed", LoopedLmProbes.HELD_OUT_SEED);
            o.addProperty("task_accuracy", MetricsJson.round(acc[0]));
            JsonArray byHops = new JsonArray();
            for (int k = 1; k < acc.length; k++) {
                byHops.add(MetricsJson.round(acc[k]));
            }
            o.add("task_accuracy_by_hops", byHops);
            o.add("residual_cosine_similarity", MetricsJson.matrix(sim));
            o.add("update_cosine_similarity", MetricsJson.matrix(upd));
            o.addProperty("update_within_phase_similarity", MetricsJson.round(updPhases[0]));
            o.addProperty("update_cross_phase_similarity", MetricsJson.round(updPhases[1]));
            o.add("logit_lens_accuracy", MetricsJson.matrix(lens));
            o.addProperty("within_phase_similarity", MetricsJson.round(phases[0]));
            o.addProperty("cross_phase_similarity", MetricsJson.round(phases[1]));
            o.addProperty("adjacent_within_phase_similarity", MetricsJson.round(phases[2]));
            o.addProperty("adjacent_cross_phase_similarity", MetricsJson.round(phases[3]));
        }
        return o;
    }

    /** corpus.txt: the first lines of the training stream, as trained on (without BOS). */
    private static void writeCorpus(Path file) throws IOException {
        LoopedLmTask task = new LoopedLmTask(TASK_SEED, false);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < CORPUS_LINES; i++) {
            sb.append(task.line(QUESTIONS_PER_LINE)).append('\n');
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    /**
     * Checks that DJL's Hugging Face tokenizer (the engine's) encodes questions and training lines to exactly the
     * trainer's ids, BOS first, and that each has the length the task's layout gives it.
     */
    private void checkTokenizerJson(Path file, WordLevelTokenizer tokenizer) throws IOException {
        List<String> sample = new ArrayList<>();
        LoopedLmTask.balanced(40, VALIDATION_SEED).forEach(e -> sample.add(e.text()));
        LoopedLmTask lines = new LoopedLmTask(VALIDATION_SEED, false);
        for (int i = 0; i < 10; i++) {
            sample.add(lines.line(QUESTIONS_PER_LINE));
        }
        for (String text : sample) {
            long questions = text.chars().filter(c -> c == '|').count();
            long length = 1 + 3L * LoopedLmTask.SYMBOLS.size() + 4 * questions;
            if (tokenizer.encodeWithBos(text).length != length) {
                throw new IllegalStateException("\"" + text + "\" is " + tokenizer.encodeWithBos(text).length
                        + " tokens, the task's layout gives " + length);
            }
        }
        tokenizer.verifyHuggingFaceJson(file, sample);
        out.printf(Locale.ROOT, "tokenizer.json: %d words; DJL HuggingFaceTokenizer agrees on %d texts%n",
                tokenizer.size(), sample.size());
    }

    private static String format(double[] values) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            sb.append(sb.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.3f", v));
        }
        return sb.toString();
    }
}
