package dev.loupe.plugins.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.plugin.Progress;
import java.util.Random;

/**
 * Induction scores as TransformerLens users measure them: run the model on a random token sequence repeated
 * twice and, for every token of the second copy, take the attention it pays to the token that followed the same
 * token's first occurrence (the diagonal seqLen-1 below the main one). An induction head scores near 1, other heads
 * near 0.
 */
public final class InductionScores {

    private InductionScores() {
    }

    /** Scores [layers][heads] on a sequence without a BOS token. */
    public static float[][] compute(LoupeModel model, int seqLen, long seed, int minToken) {
        return compute(model, seqLen, seed, minToken, -1, Progress.none());
    }

    /**
     * Scores [layers][heads]. {@code bos} >= 0 puts that token first (models trained with a BOS often attend to it
     * as a sink and behave oddly without it); -1 means none.
     *
     * @throws IllegalArgumentException naming the parameter when the sequence does not fit the model
     */
    public static float[][] compute(LoupeModel model, int seqLen, long seed, int minToken, long bos,
            Progress progress) {
        return compute(model, seqLen, seed, minToken, bos, new long[0], progress);
    }

    /** As above, drawing the sequence around the {@code excluded} ids (sorted). */
    public static float[][] compute(LoupeModel model, int seqLen, long seed, int minToken, long bos, long[] excluded,
            Progress progress) {
        long[] tokens = repeatedTokens(model.info(), seqLen, seed, minToken, bos, excluded);
        int layers = model.info().layers();
        try (NDManager scope = model.manager().newSubManager();
                RunResult run = model.run(RunRequest.of(tokens).capture(AttentionMaths.PATTERN_GLOB))) {
            NDArray patterns = AttentionMaths.stackPatterns(run.cache(), AttentionMaths.range(0, layers), scope,
                    progress);
            return AttentionMaths.toMatrix(fromPatterns(patterns, seqLen, bos >= 0 ? 1 : 0));
        }
    }

    /**
     * The induction score of patterns [..., T, T] over a sequence of {@code prefix} tokens (0 or 1 for a BOS)
     * followed by two copies of {@code seqLen} tokens: [..., T, T] -> [...].
     */
    public static NDArray fromPatterns(NDArray patterns, int seqLen, int prefix) {
        long t = patterns.getShape().get(patterns.getShape().dimension() - 1);
        if (t != prefix + 2L * seqLen) {
            throw new IllegalArgumentException("a repeated sequence of 2x" + seqLen + " tokens after " + prefix
                    + " prefix token(s) has " + (prefix + 2 * seqLen) + " positions, the pattern has " + t);
        }
        // Query q of the second copy repeats q - seqLen; the token after that one is at q - seqLen + 1.
        return AttentionMaths.diagonalMean(patterns, -(seqLen - 1), prefix + seqLen, prefix + 2 * seqLen);
    }

    /**
     * The input: optional BOS, then {@code seqLen} ids drawn uniformly from [minToken, vocab) by a seeded
     * {@link Random}, then the same ids again.
     */
    public static long[] repeatedTokens(ModelInfo model, int seqLen, long seed, int minToken, long bos) {
        return repeatedTokens(model, seqLen, seed, minToken, bos, new long[0]);
    }

    /** As above, never drawing the {@code excluded} ids (a tokenizer's special tokens: sorted). */
    public static long[] repeatedTokens(ModelInfo model, int seqLen, long seed, int minToken, long bos,
            long[] excluded) {
        check(model, seqLen, minToken, bos);
        long ordinary = model.dVocab() - minToken
                - java.util.Arrays.stream(excluded).filter(id -> id >= minToken && id < model.dVocab()).count();
        if (ordinary <= 0) {
            throw new IllegalArgumentException("minToken " + minToken + " leaves no ordinary token to draw from");
        }
        int prefix = bos >= 0 ? 1 : 0;
        long[] out = new long[prefix + 2 * seqLen];
        if (prefix == 1) {
            out[0] = bos;
        }
        Random random = new Random(seed);
        for (int i = 0; i < seqLen; i++) {
            long id;
            do {
                id = minToken + random.nextInt(model.dVocab() - minToken);
            } while (java.util.Arrays.binarySearch(excluded, id) >= 0);
            out[prefix + i] = id;
            out[prefix + seqLen + i] = id;
        }
        return out;
    }

    /** The parameter checks, with messages that name the parameter the user set. */
    static void check(ModelInfo model, int seqLen, int minToken, long bos) {
        if (seqLen < 2) {
            throw new IllegalArgumentException("seqLen must be at least 2, got " + seqLen);
        }
        int length = (bos >= 0 ? 1 : 0) + 2 * seqLen;
        if (length > model.contextLength()) {
            throw new IllegalArgumentException("seqLen " + seqLen + " is too long: the repeated sequence has " + length
                    + " tokens but the model's context length is " + model.contextLength() + " (seqLen at most "
                    + (model.contextLength() - (bos >= 0 ? 1 : 0)) / 2 + ")");
        }
        if (minToken < 0 || minToken >= model.dVocab()) {
            throw new IllegalArgumentException("minToken must be in 0.." + (model.dVocab() - 1)
                    + " (the vocabulary has " + model.dVocab() + " tokens), got " + minToken);
        }
        if (bos < -1 || bos >= model.dVocab()) {
            throw new IllegalArgumentException("bos must be none or a token id in 0.." + (model.dVocab() - 1)
                    + ", got " + bos);
        }
    }
}
