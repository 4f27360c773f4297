package dev.loupe.samples;

import java.util.ArrayList;
import java.util.List;

/**
 * The evaluation sets and the measures tiny-lm's model card reports, defined once so that the trainer and later
 * tests (which recompute the figures through the engine) measure exactly the same thing.
 *
 * <p>Every sequence starts with {@code <|endoftext|>} (id 0) as BOS. Token ids are those of
 * {@link TinyLmCorpus#ordinaryWords()} behind the two special tokens, i.e. of the shipped tokenizer.json. Attention
 * patterns are passed as one head's row-major [query][key] matrix for one sequence.
 */
public final class TinyLmProbes {

    public static final long HELD_OUT_SEED = 1001;
    public static final long INDIRECT_OBJECT_SEED = 1002;
    public static final long INDUCTION_SEED = 1003;
    public static final long PREVIOUS_TOKEN_SEED = 1004;
    public static final long SENTIMENT_SEED = 1005;

    public static final int HELD_OUT_PER_KIND = 100;
    public static final int INDIRECT_OBJECT_PER_TEMPLATE = 24;
    public static final int INDUCTION_SEQUENCES = 64;
    public static final int INDUCTION_RUN_LENGTH = 20;
    public static final int PREVIOUS_TOKEN_SEQUENCES = 64;
    public static final int PREVIOUS_TOKEN_LENGTH = 40;
    public static final int SENTIMENT_PER_FORM_AND_POLARITY = 50;

    /** A held-out document as [BOS, doc...]; every token after BOS is a prediction target. */
    public record HeldOutDocument(TinyLmCorpus.Kind kind, int[] tokens) {
    }

    /** [BOS, prompt...]; the model should put its top next-token logit on {@code indirectObject}. */
    public record IndirectObjectCase(int[] tokens, int indirectObject, int subject) {
    }

    /** [BOS, prompt...] whose next word should be an adjective of the given polarity. */
    public record SentimentCase(int[] tokens, boolean positive) {
    }

    private TinyLmProbes() {
    }

    /** {@link #HELD_OUT_PER_KIND} documents of each kind, from a seed the training stream never uses. */
    public static List<HeldOutDocument> heldOutDocuments(WordLevelTokenizer tokenizer) {
        TinyLmCorpus corpus = new TinyLmCorpus(HELD_OUT_SEED);
        List<HeldOutDocument> out = new ArrayList<>();
        for (TinyLmCorpus.Kind kind : TinyLmCorpus.Kind.values()) {
            for (int i = 0; i < HELD_OUT_PER_KIND; i++) {
                out.add(new HeldOutDocument(kind, tokenizer.encodeWithBos(corpus.next(kind).text())));
            }
        }
        return out;
    }

    /**
     * {@link #INDIRECT_OBJECT_PER_TEMPLATE} prompts per template over the given names (two distinct names, random
     * order in the first clause, random place and object).
     */
    public static List<IndirectObjectCase> indirectObjectCases(WordLevelTokenizer tokenizer, List<String> names) {
        TinyLmCorpus corpus = new TinyLmCorpus(INDIRECT_OBJECT_SEED);
        List<IndirectObjectCase> out = new ArrayList<>();
        for (int t = 0; t < TinyLmCorpus.IOI_TEMPLATES.size(); t++) {
            for (int i = 0; i < INDIRECT_OBJECT_PER_TEMPLATE; i++) {
                TinyLmCorpus.IndirectObjectPrompt p = corpus.indirectObjectPrompt(names, t);
                out.add(new IndirectObjectCase(tokenizer.encodeWithBos(p.prompt()),
                        tokenizer.id(p.indirectObject()), tokenizer.id(p.subject())));
            }
        }
        return out;
    }

    /**
     * {@link #SENTIMENT_PER_FORM_AND_POLARITY} prompts for each of the two forms of
     * {@link TinyLmCorpus#sentimentPrompt} and each polarity, positive first.
     */
    public static List<SentimentCase> sentimentCases(WordLevelTokenizer tokenizer) {
        TinyLmCorpus corpus = new TinyLmCorpus(SENTIMENT_SEED);
        List<SentimentCase> out = new ArrayList<>();
        for (boolean positive : new boolean[] {true, false}) {
            for (int form = 0; form < 2; form++) {
                for (int i = 0; i < SENTIMENT_PER_FORM_AND_POLARITY; i++) {
                    out.add(new SentimentCase(tokenizer.encodeWithBos(corpus.sentimentPrompt(positive, form)),
                            positive));
                }
            }
        }
        return out;
    }

    /**
     * Whether a sentiment prompt's continuation agrees with it: the next-word probability on adjectives of the
     * prompt's polarity exceeds that on adjectives of the other polarity.
     *
     * @param logits the logits at the prompt's last position, over the whole vocabulary
     */
    public static boolean sentimentAgrees(float[] logits, SentimentCase c, WordLevelTokenizer tokenizer) {
        double same = adjectiveMass(logits, c.positive() ? TinyLmCorpus.POSITIVE_ADJECTIVES
                : TinyLmCorpus.NEGATIVE_ADJECTIVES, tokenizer);
        double other = adjectiveMass(logits, c.positive() ? TinyLmCorpus.NEGATIVE_ADJECTIVES
                : TinyLmCorpus.POSITIVE_ADJECTIVES, tokenizer);
        return same > other;
    }

    // Unnormalised: both sides share the softmax denominator.
    private static double adjectiveMass(float[] logits, List<String> adjectives, WordLevelTokenizer tokenizer) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (String a : adjectives) {
            sum += Math.exp(logits[tokenizer.id(a)] - max);
        }
        return sum;
    }

    /** [BOS, r_0..r_{L-1}, r_0..r_{L-1}] with L = {@link #INDUCTION_RUN_LENGTH} distinct random words. */
    public static int[][] inductionSequences(WordLevelTokenizer tokenizer) {
        TinyLmCorpus corpus = new TinyLmCorpus(INDUCTION_SEED);
        int[][] out = new int[INDUCTION_SEQUENCES][];
        for (int s = 0; s < out.length; s++) {
            out[s] = tokenizer.encodeWithBos(corpus.repeatedRandom(INDUCTION_RUN_LENGTH));
        }
        return out;
    }

    /** [BOS, r_1..r_N] with N = {@link #PREVIOUS_TOKEN_LENGTH} distinct random words. */
    public static int[][] previousTokenSequences(WordLevelTokenizer tokenizer) {
        TinyLmCorpus corpus = new TinyLmCorpus(PREVIOUS_TOKEN_SEED);
        int[][] out = new int[PREVIOUS_TOKEN_SEQUENCES][];
        for (int s = 0; s < out.length; s++) {
            out[s] = tokenizer.encodeWithBos(String.join(" ", corpus.randomWords(PREVIOUS_TOKEN_LENGTH)));
        }
        return out;
    }

    /**
     * Induction score of one head on one induction sequence: the mean, over the L query positions of the second
     * copy (q = 1+L+j, j = 0..L-1, holding r_j), of the attention to the position right after r_j's first
     * occurrence (k = 2+j = q-L+1).
     *
     * @param pattern row-major [seqLen][seqLen]
     */
    public static double inductionScore(float[] pattern, int seqLen, int runLength) {
        double sum = 0;
        for (int j = 0; j < runLength; j++) {
            int q = 1 + runLength + j;
            sum += pattern[q * seqLen + (q - runLength + 1)];
        }
        return sum / runLength;
    }

    /**
     * Previous-token score of one head on one previous-token sequence: the mean, over query positions q = 2..N
     * (those whose previous token is a word, not BOS), of the attention from q to q-1.
     */
    public static double previousTokenScore(float[] pattern, int seqLen) {
        double sum = 0;
        for (int q = 2; q < seqLen; q++) {
            sum += pattern[q * seqLen + q - 1];
        }
        return sum / (seqLen - 2);
    }
}
