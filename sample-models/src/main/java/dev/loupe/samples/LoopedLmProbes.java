package dev.loupe.samples;

import ai.djl.ndarray.NDArray;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import java.util.List;

/**
 * The figures of looped-lm's model card, measured through the engine ({@link LoupeModel}) so that the trainer's
 * report and the tests that recompute the card run exactly the same code on exactly the shipped files.
 *
 * <p>Questions come from {@link LoopedLmTask#balanced}: hop counts cycle 1..{@link LoopedLmTask#MAX_HOPS}. Each is
 * run as {@code encode(prompt)} with the checkpoint's own tokenizer.json, which puts {@code <|endoftext|>} first;
 * the prompt ends with the start symbol ("... | 3 a"), and the answer is the token that should come next.
 */
public final class LoopedLmProbes {

    /**
     * The model card's held-out set: {@link LoopedLmTask#balanced}{@code (800, 2001)}, questions on permutations that
     * training never draws.
     */
    public static final long HELD_OUT_SEED = 2001;
    public static final int HELD_OUT_EXAMPLES = 800;
    private static final int BATCH = 100;

    private LoopedLmProbes() {
    }

    /**
     * Fraction of held-out questions whose answer symbol is the argmax of the logits (over the whole vocabulary)
     * at the last prompt position, the start symbol.
     */
    public static double taskAccuracy(LoupeModel model, int examples, long seed) {
        return accuracyByHops(model, examples, seed)[0];
    }

    /**
     * @return {overall, hops=1, ..., hops=MAX_HOPS}: top-1 accuracy overall and for each hop count
     */
    public static double[] accuracyByHops(LoupeModel model, int examples, long seed) {
        List<LoopedLmTask.Example> set = LoopedLmTask.balanced(examples, seed);
        int[] correct = new int[LoopedLmTask.MAX_HOPS + 1];
        int[] total = new int[LoopedLmTask.MAX_HOPS + 1];
        for (int from = 0; from < set.size(); from += BATCH) {
            List<LoopedLmTask.Example> chunk = set.subList(from, Math.min(set.size(), from + BATCH));
            long[][] tokens = prompts(model, chunk);
            try (RunResult r = model.run(RunRequest.ofBatch(tokens))) {
                int n = tokens[0].length;
                for (int b = 0; b < chunk.size(); b++) {
                    float[] last = r.logits().get(b, n - 1).toFloatArray();
                    int best = 0;
                    for (int v = 1; v < last.length; v++) {
                        if (last[v] > last[best]) {
                            best = v;
                        }
                    }
                    long answer = single(model.encodePiece(chunk.get(b).answer()));
                    int k = chunk.get(b).hops();
                    total[k]++;
                    total[0]++;
                    if (best == answer) {
                        correct[k]++;
                        correct[0]++;
                    }
                }
            }
        }
        double[] out = new double[correct.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = total[i] == 0 ? Double.NaN : (double) correct[i] / total[i];
        }
        return out;
    }

    /**
     * Logit-lens accuracy by layer: entry [l][0] is the fraction of held-out questions whose answer is the argmax of
     * the engine's read-out (final LayerNorm, then the tied unembedding) applied to {@code blocks.{l}.hook_resid_post}
     * at the last prompt position; entry [l][k] the same over the questions with k hops. It shows at which depth
     * each hop count is resolved.
     */
    public static double[][] logitLensAccuracy(LoupeModel model, int examples, long seed) {
        int layers = model.info().layers();
        List<LoopedLmTask.Example> set = LoopedLmTask.balanced(examples, seed);
        int[][] correct = new int[layers][LoopedLmTask.MAX_HOPS + 1];
        int[] total = new int[LoopedLmTask.MAX_HOPS + 1];
        for (int from = 0; from < set.size(); from += BATCH) {
            List<LoopedLmTask.Example> chunk = set.subList(from, Math.min(set.size(), from + BATCH));
            long[][] tokens = prompts(model, chunk);
            int last = tokens[0].length - 1;
            try (RunResult r = model.run(RunRequest.ofBatch(tokens).capture("blocks.*.hook_resid_post"))) {
                for (int l = 0; l < layers; l++) {
                    NDArray resid = r.cache().get("blocks." + l + ".hook_resid_post").get(":, " + last + ", :");
                    long[] best = model.unembedding().apply(resid).argMax(-1).toLongArray();
                    for (int b = 0; b < chunk.size(); b++) {
                        if (best[b] == single(model.encodePiece(chunk.get(b).answer()))) {
                            correct[l][0]++;
                            correct[l][chunk.get(b).hops()]++;
                        }
                    }
                }
            }
            for (LoopedLmTask.Example e : chunk) {
                total[0]++;
                total[e.hops()]++;
            }
        }
        double[][] out = new double[layers][LoopedLmTask.MAX_HOPS + 1];
        for (int l = 0; l < layers; l++) {
            for (int k = 0; k <= LoopedLmTask.MAX_HOPS; k++) {
                out[l][k] = total[k] == 0 ? Double.NaN : (double) correct[l][k] / total[k];
            }
        }
        return out;
    }

    /**
     * Layer-by-layer cosine similarity of the residual stream: entry [i][j] is the mean, over the held-out questions
     * and over every position of their prompts (BOS included), of cos(r_i, r_j), where r_l is
     * {@code blocks.{l}.hook_resid_post} at that position. Symmetric, ones on the diagonal, layers x layers.
     */
    public static double[][] residualCosineSimilarity(LoupeModel model, int examples, long seed) {
        return layerCosine(model, examples, seed, false);
    }

    /**
     * The same mean cosine for what each layer adds to the residual stream, u_l = {@code blocks.{l}.hook_resid_post}
     * minus {@code blocks.{l}.hook_resid_pre} (its attention plus MLP output). Where the residual stream itself
     * mostly drifts with depth, the updates show which layers apply the same block.
     */
    public static double[][] updateCosineSimilarity(LoupeModel model, int examples, long seed) {
        return layerCosine(model, examples, seed, true);
    }

    private static double[][] layerCosine(LoupeModel model, int examples, long seed, boolean updates) {
        int layers = model.info().layers();
        int d = model.info().dModel();
        double[][] sum = new double[layers][layers];
        long count = 0;
        List<LoopedLmTask.Example> set = LoopedLmTask.balanced(examples, seed);
        for (int from = 0; from < set.size(); from += BATCH) {
            List<LoopedLmTask.Example> chunk = set.subList(from, Math.min(set.size(), from + BATCH));
            long[][] tokens = prompts(model, chunk);
            RunRequest request = RunRequest.ofBatch(tokens)
                    .capture("blocks.*.hook_resid_post", "blocks.*.hook_resid_pre");
            try (RunResult r = model.run(request)) {
                float[][] v = new float[layers][];
                for (int l = 0; l < layers; l++) {
                    v[l] = r.cache().floats("blocks." + l + ".hook_resid_post"); // [batch, pos, d]
                    if (updates) {
                        float[] pre = r.cache().floats("blocks." + l + ".hook_resid_pre");
                        for (int k = 0; k < pre.length; k++) {
                            v[l][k] -= pre[k];
                        }
                    }
                }
                int vectors = chunk.size() * tokens[0].length;
                for (int p = 0; p < vectors; p++) {
                    int off = p * d;
                    for (int i = 0; i < layers; i++) {
                        for (int j = i; j < layers; j++) {
                            sum[i][j] += cosine(v[i], v[j], off, d);
                        }
                    }
                }
                count += vectors;
            }
        }
        double[][] out = new double[layers][layers];
        for (int i = 0; i < layers; i++) {
            for (int j = i; j < layers; j++) {
                out[i][j] = sum[i][j] / count;
                out[j][i] = out[i][j];
            }
        }
        return out;
    }

    /**
     * Summary of a layer-similarity matrix against a block schedule: {mean over layer pairs i < j applying the same
     * block, mean over pairs applying different blocks, mean over adjacent pairs (j = i+1) with the same block, mean
     * over adjacent pairs across a phase boundary}.
     */
    public static double[] phaseSummary(double[][] similarity, List<String> schedule) {
        double[] sums = new double[4];
        int[] counts = new int[4];
        for (int i = 0; i < similarity.length; i++) {
            for (int j = i + 1; j < similarity.length; j++) {
                int kind = schedule.get(i).equals(schedule.get(j)) ? 0 : 1;
                sums[kind] += similarity[i][j];
                counts[kind]++;
                if (j == i + 1) {
                    sums[kind + 2] += similarity[i][j];
                    counts[kind + 2]++;
                }
            }
        }
        double[] out = new double[4];
        for (int k = 0; k < 4; k++) {
            out[k] = counts[k] == 0 ? Double.NaN : sums[k] / counts[k];
        }
        return out;
    }

    /** encode(prompt) per question, which starts with the tokenizer's BOS; all the same length: one batch. */
    static long[][] prompts(LoupeModel model, List<LoopedLmTask.Example> examples) {
        long[][] out = new long[examples.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = model.encode(examples.get(i).prompt());
            if (out[i][0] != WordLevelTokenizer.END_OF_TEXT_ID) {
                throw new IllegalStateException(model.dir() + ": tokenizer.json does not start inputs with "
                        + WordLevelTokenizer.END_OF_TEXT + " as the model was trained");
            }
        }
        return out;
    }

    private static long single(long[] ids) {
        if (ids.length != 1) {
            throw new IllegalStateException("an answer should be one token, found " + ids.length);
        }
        return ids[0];
    }

    private static double cosine(float[] a, float[] b, int off, int d) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int k = off; k < off + d; k++) {
            dot += (double) a[k] * b[k];
            na += (double) a[k] * a[k];
            nb += (double) b[k] * b[k];
        }
        return dot / Math.sqrt(na * nb);
    }
}
