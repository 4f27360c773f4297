package dev.loupe.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed tiny-lm loads through the engine (the same path as any Hugging Face checkpoint), and the figures
 * its model card claims (metrics.json, copied into README.md) are recomputed here through the engine, not through
 * the trainer's own forward pass, on the evaluation sets TinyLmProbes defines.
 */
class TinyLmModelCardTest {
    static final Path DIR = Path.of("tiny-lm");
    static LoupeModel model;
    static JsonObject claimed;
    static WordLevelTokenizer tokenizer;

    @BeforeAll
    static void open() throws IOException {
        model = LoupeModel.open(DIR);
        claimed = JsonParser.parseString(Files.readString(DIR.resolve("metrics.json"))).getAsJsonObject();
        tokenizer = new WordLevelTokenizer(TinyLmCorpus.ordinaryWords());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void itIsAGpt2CheckpointWithItsTokenizer() throws IOException {
        assertEquals("gpt2", model.info().family());
        assertTrue(Files.size(DIR.resolve("model.safetensors")) <= 10L << 20, "weights within 10 MB");
        String prompt = "When Mary and John went to the store , John gave a drink to";
        long[] engine = model.encode(prompt);
        int[] ours = tokenizer.encodeWithBos(prompt); // it puts <|endoftext|> first, as in training
        assertEquals(ours.length, engine.length);
        for (int i = 0; i < ours.length; i++) {
            assertEquals(ours[i], engine[i], "the shipped tokenizer.json encodes like the trainer's vocabulary");
        }
    }

    @Test
    void inductionAndPreviousTokenHeadsAreWhereTheCardSays() {
        double[][] induction = headScores(TinyLmProbes.inductionSequences(tokenizer), true);
        double[][] previous = headScores(TinyLmProbes.previousTokenSequences(tokenizer), false);
        assertMatrixClose(claimed.getAsJsonArray("induction_scores"), induction, 0.01, "induction");
        assertMatrixClose(claimed.getAsJsonArray("previous_token_scores"), previous, 0.01, "previous-token");
        int[] best = TinyLmTrainer.argmax(induction);
        assertEquals(claimed.get("best_induction_head").getAsString(), "L" + best[0] + "H" + best[1]);
        assertTrue(induction[best[0]][best[1]] >= 0.5, "an induction head with score >= 0.5: " + induction[best[0]][best[1]]);
    }

    @Test
    void heldOutLossAndIndirectObjectAccuracyAreWhatTheCardSays() {
        double nll = 0;
        long count = 0;
        for (TinyLmProbes.HeldOutDocument doc : TinyLmProbes.heldOutDocuments(tokenizer)) {
            int[] t = doc.tokens();
            try (RunResult r = model.run(RunRequest.of(longs(t)))) {
                float[] logits = r.logits().toFloatArray();
                int v = model.info().dVocab();
                for (int p = 0; p + 1 < t.length; p++) {
                    nll -= logSoftmax(logits, p * v, v, t[p + 1]);
                    count++;
                }
            }
        }
        assertEquals(claimed.get("held_out_loss").getAsDouble(), nll / count, 0.005, "held-out loss (nats/token)");
        assertEquals(claimed.get("ioi_accuracy_held_out_names").getAsDouble(),
                ioiAccuracy(TinyLmCorpus.HELD_OUT_NAMES), 0.01, "IOI accuracy, held-out names");
        assertEquals(claimed.get("ioi_accuracy_train_names").getAsDouble(),
                ioiAccuracy(TinyLmCorpus.TRAIN_NAMES), 0.01, "IOI accuracy, training names");
    }

    private static double ioiAccuracy(List<String> names) {
        int correct = 0;
        List<TinyLmProbes.IndirectObjectCase> cases = TinyLmProbes.indirectObjectCases(tokenizer, names);
        for (TinyLmProbes.IndirectObjectCase c : cases) {
            try (RunResult r = model.run(RunRequest.of(longs(c.tokens())))) {
                int v = model.info().dVocab();
                float[] logits = r.logits().toFloatArray();
                int offset = (c.tokens().length - 1) * v;
                int best = 0;
                for (int i = 1; i < v; i++) {
                    if (logits[offset + i] > logits[offset + best]) {
                        best = i;
                    }
                }
                correct += best == c.indirectObject() ? 1 : 0;
            }
        }
        return (double) correct / cases.size();
    }

    /** Mean per-sequence score of every head over a batch of equal-length sequences, from the engine's patterns. */
    private static double[][] headScores(int[][] sequences, boolean induction) {
        int layers = model.info().layers();
        int heads = model.info().heads();
        int n = sequences[0].length;
        long[][] batch = new long[sequences.length][];
        for (int s = 0; s < sequences.length; s++) {
            batch[s] = longs(sequences[s]);
        }
        double[][] scores = new double[layers][heads];
        try (RunResult r = model.run(RunRequest.ofBatch(batch).capture("*hook_pattern"))) {
            for (int l = 0; l < layers; l++) {
                float[] p = r.cache().floats("blocks." + l + ".attn.hook_pattern"); // [batch, head, n, n]
                for (int s = 0; s < sequences.length; s++) {
                    for (int h = 0; h < heads; h++) {
                        float[] one = new float[n * n];
                        System.arraycopy(p, ((s * heads) + h) * n * n, one, 0, n * n);
                        scores[l][h] += (induction
                                ? TinyLmProbes.inductionScore(one, n, TinyLmProbes.INDUCTION_RUN_LENGTH)
                                : TinyLmProbes.previousTokenScore(one, n)) / sequences.length;
                    }
                }
            }
        }
        return scores;
    }

    private static void assertMatrixClose(JsonArray expected, double[][] actual, double tol, String what) {
        for (int l = 0; l < actual.length; l++) {
            JsonArray row = expected.get(l).getAsJsonArray();
            for (int h = 0; h < actual[l].length; h++) {
                assertEquals(row.get(h).getAsDouble(), actual[l][h], tol, what + " score of L" + l + "H" + h);
            }
        }
    }
    private static double logSoftmax(float[] logits, int offset, int v, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < v; i++) {
            sum += Math.exp(logits[offset + i] - max);
        }
        return logits[offset + target] - max - Math.log(sum);
    }

    static long[] longs(int[] ids) {
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i];
        }
        return out;
    }
}
