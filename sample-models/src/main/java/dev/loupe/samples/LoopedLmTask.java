package dev.loupe.samples;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * looped-lm's task: multi-hop lookup in a random permutation. A line lists a fresh permutation of eight symbols as
 * a table, then asks questions "| k s", each answered by the symbol reached from s after k hops:
 *
 * <pre>   a>f b>c c>h d>a e>g f>b g>d h>e | 3 a c | 1 e g</pre>
 *
 * (a > f > b > c, and e > g). Each hop needs the result of the one before, so a k-hop answer cannot be read off
 * the prompt in one step: the model has to follow the chain through its depth, which is what a block schedule
 * that repeats blocks is for. The table is listed in symbol order, so the row of s is found by position; the
 * permutation itself is what changes from line to line.
 *
 * <p>Held out by construction: the permutations whose rank (Lehmer code, 0..8!-1) is a multiple of
 * {@link #HELD_OUT_MODULUS} never occur in training lines ({@code new LoopedLmTask(seed, false)}); held-out
 * questions ({@link #balanced}) use only those. With 8! = 40,320 permutations a training run of ~100,000 lines
 * would otherwise have seen nearly every table a test can draw.
 *
 * <p>Word-level tokens, split as the tokenizers library's Whitespace pre-tokenizer does ("a>f" is a, >, f). A
 * prompt (table plus one question, ending with the start symbol) is always {@link #PROMPT_TOKENS} long; the model
 * reads it after {@code <|endoftext|>} as BOS and should put the answer next.
 */
public final class LoopedLmTask {

    public static final List<String> SYMBOLS = List.of("a", "b", "c", "d", "e", "f", "g", "h");
    public static final int MAX_HOPS = 3;
    /** Permutations with rank % HELD_OUT_MODULUS == 0 (one in ten) are reserved for held-out questions. */
    public static final int HELD_OUT_MODULUS = 10;
    /** Tokens of a prompt without BOS: three per table row, then "| k s". */
    public static final int PROMPT_TOKENS = 3 * SYMBOLS.size() + 3;

    /** One question about a fresh permutation; the answer is one symbol. */
    public record Example(String prompt, String answer, int hops) {
        public String text() {
            return prompt + " " + answer;
        }
    }

    private final Random random;
    private final boolean heldOut;

    /** @param heldOut draw only held-out permutations (for evaluation), else only the others (for training) */
    public LoopedLmTask(long seed, boolean heldOut) {
        this.random = new Random(seed);
        this.heldOut = heldOut;
    }

    /** The tokenizer's words after its two special tokens, in id order. */
    public static List<String> ordinaryWords() {
        List<String> words = new ArrayList<>(SYMBOLS);
        words.addAll(List.of(">", "|"));
        for (int k = 1; k <= MAX_HOPS; k++) {
            words.add(Integer.toString(k));
        }
        return words;
    }

    /** A fresh permutation and one question about it. */
    public Example next(int hops) {
        List<Integer> image = permutation();
        int start = random.nextInt(SYMBOLS.size());
        return new Example(table(image) + " " + question(hops, start), follow(image, start, hops), hops);
    }

    /**
     * A training line: a fresh permutation, then {@code questions} answered questions about it, hop counts drawn
     * uniformly from 1..{@link #MAX_HOPS}. Several answers per table give the trainer several targets for the cost
     * of one table; the first question of a line reads exactly like a held-out prompt.
     */
    public String line(int questions) {
        List<Integer> image = permutation();
        StringBuilder sb = new StringBuilder(table(image));
        for (int q = 0; q < questions; q++) {
            int start = random.nextInt(SYMBOLS.size());
            int hops = 1 + random.nextInt(MAX_HOPS);
            sb.append(' ').append(question(hops, start)).append(' ').append(follow(image, start, hops));
        }
        return sb.toString();
    }

    /**
     * Held-out questions, on held-out permutations only: hop counts cycle 1..{@link #MAX_HOPS}, so every count is
     * equally represented.
     */
    public static List<Example> balanced(int count, long seed) {
        LoopedLmTask task = new LoopedLmTask(seed, true);
        List<Example> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(task.next(1 + i % MAX_HOPS));
        }
        return out;
    }

    /** A uniformly random permutation from this task's side of the held-out split (by rejection). */
    private List<Integer> permutation() {
        List<Integer> image = new ArrayList<>();
        for (int i = 0; i < SYMBOLS.size(); i++) {
            image.add(i);
        }
        do {
            Collections.shuffle(image, random);
        } while (isHeldOut(image) != heldOut);
        return image;
    }

    /** Whether a permutation (image of 0..n-1) is reserved for evaluation: its lexicographic rank. */
    public static boolean isHeldOut(List<Integer> image) {
        long rank = 0;
        int n = image.size();
        for (int i = 0; i < n; i++) {
            int smallerLater = 0;
            for (int j = i + 1; j < n; j++) {
                smallerLater += image.get(j) < image.get(i) ? 1 : 0;
            }
            rank = rank * (n - i) + smallerLater;
        }
        return rank % HELD_OUT_MODULUS == 0;
    }

    private static String table(List<Integer> image) {
        StringBuilder sb = new StringBuilder();
        for (int x = 0; x < image.size(); x++) {
            sb.append(x == 0 ? "" : " ").append(SYMBOLS.get(x)).append('>').append(SYMBOLS.get(image.get(x)));
        }
        return sb.toString();
    }

    private static String question(int hops, int start) {
        return "| " + hops + " " + SYMBOLS.get(start);
    }

    private static String follow(List<Integer> image, int start, int hops) {
        int at = start;
        for (int h = 0; h < hops; h++) {
            at = image.get(at);
        }
        return SYMBOLS.get(at);
    }
}
