package dev.loupe.samples;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains tiny-lm, a 4-layer GPT-2 on {@link TinyLmCorpus}, with DJL autograd on the PyTorch engine, then measures
 * the figures of its model card ({@link TinyLmProbes}) and saves a Hugging Face checkpoint folder:
 * config.json, model.safetensors, tokenizer.json (plus metrics.json with the measured figures).
 *
 * <p>Usage: {@code TinyLmTrainer [outputFolder] [--steps=N] [--batch=N] [--lr=X] [--probe-every=N]}; the options
 * exist for quick experiments (probe-every prints the best induction and previous-token scores every N steps), the
 * defaults make the shipped model. Everything is seeded: the corpus, the initial weights and the
 * evaluation sets.
 */
public final class TinyLmTrainer {

    static final long CORPUS_SEED = 7;
    static final long INIT_SEED = 11;

    static final int LAYERS = 4;
    static final int D_MODEL = 128;
    static final int HEADS = 4;
    static final int CONTEXT = 128;
    /** How much of the training stream corpus.txt holds: the tuned lens's default 4,096 tokens and some to spare. */
    static final int CORPUS_TOKENS = 6000;

    /** Training knobs; the defaults are the shipped model's. */
    record Settings(int steps, int batch, float learningRate, int warmupSteps, float weightDecay, int probeEvery) {
        static Settings defaults() {
            return new Settings(2400, 16, 2e-3f, 100, 0.1f, 0);
        }

        Settings withSteps(int n) {
            return new Settings(n, batch, learningRate, warmupSteps, weightDecay, probeEvery);
        }
    }

    /** The model card's figures. Head scores are indexed [layer][head]. */
    record Metrics(double heldOutLoss, Map<TinyLmCorpus.Kind, Double> heldOutLossByKind,
                   double ioiAccuracyHeldOutNames, double ioiLogitDiffHeldOutNames,
                   double ioiAccuracyTrainNames, double sentimentAgreement, double[][] inductionScores,
                   double[][] previousTokenScores) {
    }

    private final Settings settings;
    private final PrintStream out;

    TinyLmTrainer(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public static void main(String[] args) throws IOException {
        // Natives come from the pytorch-native-cpu jar on the class path; never download.
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        Path folder = Path.of("sample-models/tiny-lm");
        Settings s = Settings.defaults();
        for (String arg : args) {
            if (arg.startsWith("--steps=")) {
                s = s.withSteps(Integer.parseInt(value(arg)));
            } else if (arg.startsWith("--batch=")) {
                s = new Settings(s.steps(), Integer.parseInt(value(arg)), s.learningRate(), s.warmupSteps(),
                        s.weightDecay(), s.probeEvery());
            } else if (arg.startsWith("--lr=")) {
                s = new Settings(s.steps(), s.batch(), Float.parseFloat(value(arg)), s.warmupSteps(),
                        s.weightDecay(), s.probeEvery());
            } else if (arg.startsWith("--probe-every=")) {
                s = new Settings(s.steps(), s.batch(), s.learningRate(), s.warmupSteps(), s.weightDecay(),
                        Integer.parseInt(value(arg)));
            } else if (arg.startsWith("--")) {
                throw new IllegalArgumentException("unknown option " + arg);
            } else {
                folder = Path.of(arg);
            }
        }
        new TinyLmTrainer(s, System.out).run(folder);
    }

    private static String value(String arg) {
        return arg.substring(arg.indexOf('=') + 1);
    }

    void run(Path folder) throws IOException {
        long start = System.nanoTime();
        Files.createDirectories(folder);
        WordLevelTokenizer tokenizer = new WordLevelTokenizer(TinyLmCorpus.ordinaryWords());
        Path tokenizerJson = folder.resolve("tokenizer.json");
        tokenizer.writeHuggingFaceJson(tokenizerJson);
        List<String> checked = tokenizerCheckTexts();
        tokenizer.verifyHuggingFaceJson(tokenizerJson, checked);
        out.printf(Locale.ROOT, "tokenizer.json: %d words; DJL HuggingFaceTokenizer agrees on %d texts%n",
                tokenizer.size(), checked.size());
        writeCorpus(folder.resolve("corpus.txt"), tokenizer);

        TrainableGpt2.Config config = TrainableGpt2.Config.gpt2(tokenizer.size(), CONTEXT, D_MODEL, LAYERS, HEADS);
        try (NDManager manager = NDManager.newBaseManager()) {
            // Outside the gradient collector nothing should be recorded: evaluation builds no graph, and the
            // optimizer may update leaf tensors in place.
            JniUtils.setGradMode(false);
            TrainableGpt2 model = new TrainableGpt2(manager, config, INIT_SEED);
            out.printf(Locale.ROOT, "tiny-lm: GPT-2, %d layers, d_model %d, %d heads, context %d, vocab %d, "
                            + "%,d parameters; %d steps of %d x %d tokens on %s (%d intra-op threads)%n",
                    LAYERS, D_MODEL, HEADS, CONTEXT, tokenizer.size(), model.parameterCount(), settings.steps(),
                    settings.batch(), CONTEXT, Engine.getInstance().getEngineName(), JniUtils.getNumThreads());
            train(model, manager, tokenizer);
            Metrics metrics = evaluate(model, manager, tokenizer);
            print(metrics);
            Map<String, String> metadata = new LinkedHashMap<>(); // ordered, so a retrain gives the same bytes
            metadata.put("trainer", TinyLmTrainer.class.getName());
            metadata.put("corpus_seed", Long.toString(CORPUS_SEED));
            metadata.put("init_seed", Long.toString(INIT_SEED));
            metadata.put("steps", Integer.toString(settings.steps()));
            model.save(folder, metadata);
            writeMetrics(folder.resolve("metrics.json"), metrics);
        }
        out.printf(Locale.ROOT, "saved %s (config.json, model.safetensors, tokenizer.json, corpus.txt, metrics.json); "
                + "wall time %s%n", folder, ConsoleProgressBar.clock((System.nanoTime() - start) / 1e9));
    }

    private void train(TrainableGpt2 model, NDManager manager, WordLevelTokenizer tokenizer) {
        TinyLmCorpus corpus = new TinyLmCorpus(CORPUS_SEED);
        AdamW optimizer = new AdamW(0.9f, 0.95f, 1e-8f, settings.weightDecay(), 1.0f);
        ConsoleProgressBar progress = new ConsoleProgressBar("training", settings.steps(), out);
        int batch = settings.batch();
        double smoothed = Double.NaN;
        for (int step = 0; step < settings.steps(); step++) {
            long[][] rows = packRows(corpus, tokenizer, batch, CONTEXT + 1);
            long[] inputs = new long[batch * CONTEXT];
            long[] targets = new long[batch * CONTEXT];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(rows[b], 0, inputs, b * CONTEXT, CONTEXT);
                System.arraycopy(rows[b], 1, targets, b * CONTEXT, CONTEXT);
            }
            float loss;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                Shape shape = new Shape(batch, CONTEXT);
                NDArray in = manager.create(inputs, shape);
                NDArray target = manager.create(targets, shape);
                NDArray weights = manager.ones(shape);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray lossArray = TrainableGpt2.crossEntropy(model.forward(in, null), target, weights);
                    collector.backward(lossArray);
                    loss = lossArray.getFloat();
                }
                if (!Float.isFinite(loss)) {
                    throw new IllegalStateException("loss is " + loss + " at step " + (step + 1) + "; "
                            + describe(model.parameters()));
                }
                optimizer.step(model.parameters(), AdamW.warmupCosine(step, settings.learningRate(), settings.warmupSteps(), settings.steps()), manager);
            }
            smoothed = Double.isNaN(smoothed) ? loss : 0.98 * smoothed + 0.02 * loss;
            progress.update(step + 1, String.format(Locale.ROOT, "loss %.3f", smoothed));
            if (settings.probeEvery() > 0 && (step + 1) % settings.probeEvery() == 0) {
                double[][] induction = headScores(model, manager, TinyLmProbes.inductionSequences(tokenizer),
                        (p, n) -> TinyLmProbes.inductionScore(p, n, TinyLmProbes.INDUCTION_RUN_LENGTH));
                double[][] previous = headScores(model, manager, TinyLmProbes.previousTokenSequences(tokenizer),
                        TinyLmProbes::previousTokenScore);
                int[] bi = argmax(induction);
                int[] bp = argmax(previous);
                out.printf(Locale.ROOT, "%n  step %d: loss %.3f, best induction L%dH%d %.3f, best previous-token "
                                + "L%dH%d %.3f%n", step + 1, smoothed, bi[0], bi[1], induction[bi[0]][bi[1]],
                        bp[0], bp[1], previous[bp[0]][bp[1]]);
            }
        }
    }

    private static String describe(Map<String, NDArray> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((name, p) -> sb.append(String.format(Locale.ROOT, "%s max|w| %.3g; ", name,
                p.abs().max().getFloat())));
        return sb.toString();
    }

    /** Texts the written tokenizer.json must encode as the trainer does: 25 held-out documents per kind and an IOI prompt. */
    private static List<String> tokenizerCheckTexts() {
        List<String> texts = new ArrayList<>();
        TinyLmCorpus sample = new TinyLmCorpus(TinyLmProbes.HELD_OUT_SEED);
        for (TinyLmCorpus.Kind kind : TinyLmCorpus.Kind.values()) {
            for (int i = 0; i < 25; i++) {
                texts.add(sample.next(kind).text());
            }
        }
        texts.add("When Mary and John went to the store, John gave a drink to");
        return texts;
    }

    /**
     * corpus.txt: the first documents of the training stream, one per line, each ending in {@code <|endoftext|>}
     * as in the training rows; at least {@value #CORPUS_TOKENS} tokens. Text to fit a tuned lens on by default.
     */
    static void writeCorpus(Path file, WordLevelTokenizer tokenizer) throws IOException {
        TinyLmCorpus corpus = new TinyLmCorpus(CORPUS_SEED);
        StringBuilder sb = new StringBuilder();
        int tokens = 0;
        while (tokens < CORPUS_TOKENS) {
            String doc = corpus.next().text();
            tokens += tokenizer.encode(doc).length + 1;
            sb.append(doc).append(' ').append(WordLevelTokenizer.END_OF_TEXT).append('\n');
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    /**
     * Training rows: BOS, then whole documents each followed by {@code <|endoftext|>}, the last one cut at the row
     * end. Every row starts with BOS at position 0, as every prompt the model will see does.
     */
    static long[][] packRows(TinyLmCorpus corpus, WordLevelTokenizer tokenizer, int rows, int length) {
        long[][] out = new long[rows][length];
        for (long[] row : out) {
            int n = 1; // row[0] is already 0 = <|endoftext|>
            while (n < length) {
                int[] doc = tokenizer.encode(corpus.next().text());
                for (int i = 0; i <= doc.length && n < length; i++) {
                    row[n++] = i < doc.length ? doc[i] : WordLevelTokenizer.END_OF_TEXT_ID;
                }
            }
        }
        return out;
    }

    Metrics evaluate(TrainableGpt2 model, NDManager manager, WordLevelTokenizer tokenizer) {
        out.println("evaluating ...");
        // Held-out loss: token-weighted mean over all documents' targets, and per kind.
        Map<TinyLmCorpus.Kind, double[]> sums = new EnumMap<>(TinyLmCorpus.Kind.class);
        for (TinyLmProbes.HeldOutDocument doc : TinyLmProbes.heldOutDocuments(tokenizer)) {
            double[] s = sums.computeIfAbsent(doc.kind(), k -> new double[2]);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                int[] t = doc.tokens();
                NDArray in = manager.create(WordLevelTokenizer.toLongs(Arrays.copyOf(t, t.length - 1)), new Shape(1, t.length - 1));
                NDArray target = manager.create(WordLevelTokenizer.toLongs(Arrays.copyOfRange(t, 1, t.length)),
                        new Shape(1, t.length - 1));
                NDArray ones = manager.ones(target.getShape());
                s[0] += TrainableGpt2.crossEntropy(model.forward(in, null), target, ones).getFloat() * (t.length - 1);
                s[1] += t.length - 1;
            }
        }
        double total = 0;
        double count = 0;
        Map<TinyLmCorpus.Kind, Double> byKind = new EnumMap<>(TinyLmCorpus.Kind.class);
        for (Map.Entry<TinyLmCorpus.Kind, double[]> e : sums.entrySet()) {
            byKind.put(e.getKey(), e.getValue()[0] / e.getValue()[1]);
            total += e.getValue()[0];
            count += e.getValue()[1];
        }

        double[] heldOutIoi = indirectObject(model, manager,
                TinyLmProbes.indirectObjectCases(tokenizer, TinyLmCorpus.HELD_OUT_NAMES));
        double[] trainIoi = indirectObject(model, manager,
                TinyLmProbes.indirectObjectCases(tokenizer, TinyLmCorpus.TRAIN_NAMES));

        int[][] induction = TinyLmProbes.inductionSequences(tokenizer);
        double[][] inductionScores = headScores(model, manager, induction,
                (p, n) -> TinyLmProbes.inductionScore(p, n, TinyLmProbes.INDUCTION_RUN_LENGTH));
        double[][] previousScores = headScores(model, manager, TinyLmProbes.previousTokenSequences(tokenizer),
                TinyLmProbes::previousTokenScore);
        return new Metrics(total / count, byKind, heldOutIoi[0], heldOutIoi[1], trainIoi[0],
                sentimentAgreement(model, manager, tokenizer), inductionScores, previousScores);
    }

    /** Fraction of {@link TinyLmProbes#sentimentCases} whose next-word adjectives lean to the prompt's polarity. */
    private static double sentimentAgreement(TrainableGpt2 model, NDManager manager, WordLevelTokenizer tokenizer) {
        List<TinyLmProbes.SentimentCase> cases = TinyLmProbes.sentimentCases(tokenizer);
        int agree = 0;
        for (TinyLmProbes.SentimentCase c : cases) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                int n = c.tokens().length;
                float[] last = model.forward(manager.create(WordLevelTokenizer.toLongs(c.tokens()), new Shape(1, n)), null)
                        .get(0, n - 1).toFloatArray();
                agree += TinyLmProbes.sentimentAgrees(last, c, tokenizer) ? 1 : 0;
            }
        }
        return (double) agree / cases.size();
    }

    /** @return {top-1 accuracy, mean logit(IO) - logit(S)} at the last prompt position */
    private static double[] indirectObject(TrainableGpt2 model, NDManager manager,
                                           List<TinyLmProbes.IndirectObjectCase> cases) {
        int correct = 0;
        double logitDiff = 0;
        for (TinyLmProbes.IndirectObjectCase c : cases) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                int n = c.tokens().length;
                NDArray in = manager.create(WordLevelTokenizer.toLongs(c.tokens()), new Shape(1, n));
                float[] last = model.forward(in, null).get(0, n - 1).toFloatArray();
                int best = 0;
                for (int v = 1; v < last.length; v++) {
                    if (last[v] > last[best]) {
                        best = v;
                    }
                }
                correct += best == c.indirectObject() ? 1 : 0;
                logitDiff += last[c.indirectObject()] - last[c.subject()];
            }
        }
        return new double[] {(double) correct / cases.size(), logitDiff / cases.size()};
    }

    private interface HeadMeasure {
        double score(float[] pattern, int seqLen);
    }

    /** Mean of a per-sequence head measure over equal-length sequences, for every layer and head. */
    private static double[][] headScores(TrainableGpt2 model, NDManager manager, int[][] sequences, HeadMeasure measure) {
        TrainableGpt2.Config cfg = model.config();
        double[][] scores = new double[cfg.nLayer()][cfg.nHead()];
        int n = sequences[0].length;
        long[] flat = new long[sequences.length * n];
        for (int s = 0; s < sequences.length; s++) {
            for (int i = 0; i < n; i++) {
                flat[s * n + i] = sequences[s][i];
            }
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            List<NDArray> patterns = new ArrayList<>();
            model.forward(manager.create(flat, new Shape(sequences.length, n)), patterns);
            for (int layer = 0; layer < cfg.nLayer(); layer++) {
                float[] all = patterns.get(layer).toFloatArray(); // [batch, head, q, k]
                for (int s = 0; s < sequences.length; s++) {
                    for (int h = 0; h < cfg.nHead(); h++) {
                        int offset = (s * cfg.nHead() + h) * n * n;
                        scores[layer][h] += measure.score(Arrays.copyOfRange(all, offset, offset + n * n), n);
                    }
                }
                for (int h = 0; h < cfg.nHead(); h++) {
                    scores[layer][h] /= sequences.length;
                }
            }
        }
        return scores;
    }

    private void print(Metrics m) {
        out.printf(Locale.ROOT, "held-out loss: %.4f nats/token (%s)%n", m.heldOutLoss(), m.heldOutLossByKind()
                .entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.4f", e.getKey(), e.getValue()))
                .reduce((a, b) -> a + ", " + b).orElse(""));
        out.printf(Locale.ROOT, "IOI top-1 accuracy, held-out names: %.3f (mean logit diff IO-S %.2f); "
                + "training names: %.3f%n", m.ioiAccuracyHeldOutNames(), m.ioiLogitDiffHeldOutNames(),
                m.ioiAccuracyTrainNames());
        out.printf(Locale.ROOT, "sentiment agreement: %.3f (chance 0.5)%n", m.sentimentAgreement());
        printHeads("induction score", m.inductionScores());
        printHeads("previous-token score", m.previousTokenScores());
        int[] best = argmax(m.inductionScores());
        out.printf(Locale.ROOT, "best induction head: L%dH%d, score %.3f%n", best[0], best[1],
                m.inductionScores()[best[0]][best[1]]);
    }

    private void printHeads(String title, double[][] scores) {
        out.println(title + " per head (rows: layers, columns: heads):");
        for (int l = 0; l < scores.length; l++) {
            StringBuilder sb = new StringBuilder("  L" + l + ":");
            for (double v : scores[l]) {
                sb.append(String.format(Locale.ROOT, " %.3f", v));
            }
            out.println(sb);
        }
    }

    static int[] argmax(double[][] scores) {
        int[] best = {0, 0};
        for (int l = 0; l < scores.length; l++) {
            for (int h = 0; h < scores[l].length; h++) {
                if (scores[l][h] > scores[best[0]][best[1]]) {
                    best = new int[] {l, h};
                }
            }
        }
        return best;
    }

    /** The figures as JSON, for the model card and for tests that recompute them (no timings: those drift). */
    private void writeMetrics(Path file, Metrics m) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("held_out_loss", MetricsJson.round(m.heldOutLoss()));
        JsonObject byKind = new JsonObject();
        m.heldOutLossByKind().forEach((k, v) -> byKind.addProperty(k.name().toLowerCase(Locale.ROOT), MetricsJson.round(v)));
        o.add("held_out_loss_by_kind", byKind);
        o.addProperty("ioi_accuracy_held_out_names", MetricsJson.round(m.ioiAccuracyHeldOutNames()));
        o.addProperty("ioi_logit_diff_held_out_names", MetricsJson.round(m.ioiLogitDiffHeldOutNames()));
        o.addProperty("ioi_accuracy_train_names", MetricsJson.round(m.ioiAccuracyTrainNames()));
        o.addProperty("sentiment_agreement", MetricsJson.round(m.sentimentAgreement()));
        int[] best = argmax(m.inductionScores());
        o.addProperty("best_induction_head", "L" + best[0] + "H" + best[1]);
        o.addProperty("best_induction_score", MetricsJson.round(m.inductionScores()[best[0]][best[1]]));
        o.add("induction_scores", MetricsJson.matrix(m.inductionScores()));
        o.add("previous_token_scores", MetricsJson.matrix(m.previousTokenScores()));
        o.addProperty("training_steps", settings.steps());
        Files.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(o) + "\n",
                StandardCharsets.UTF_8);
    }
}
