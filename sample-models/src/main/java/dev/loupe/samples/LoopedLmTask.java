package dev.loupe.samples;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * looped-lm's task: multi-hop lookup in a random permutation. A prompt lists the permutation as pairs in random
 * order, then asks for the symbol reached from a start symbol after k hops:
 *
 * <pre>   c>f a>d h>b e>a b>c d>h g>e f>g | a 3 = b</pre>
 *
 * (a > d > h > b). Each hop depends on the one before, so the answer cannot be read off in one step: the model
 * has to follow the chain through its depth, which is what a block schedule that repeats blocks is for.
 *
 * <p>Word-level tokens, split as the tokenizers library's Whitespace pre-tokenizer does ("c>f" is c, >, f). Every
 * prompt has the same length, {@link #PROMPT_TOKENS}; sequences start with {@code <|endoftext|>} as BOS.
 */
public final class LoopedLmTask {

    public static final List<String> SYMBOLS = List.of("a", "b", "c", "d", "e", "f", "g", "h");
    public static final int MAX_HOPS = 4;
    /** Tokens of a prompt without BOS: three per pair, then | start k =. */
    public static final int PROMPT_TOKENS = 3 * SYMBOLS.size() + 3;

    /** One question about a fresh permutation; the answer is one symbol. */
    public record Example(String prompt, String answer, int hops) {
        public String text() {
            return prompt + " " + answer;
        }
    }

    private final Random random;

    public LoopedLmTask(long seed) {
        this.random = new Random(seed);
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

    /** A question with a hop count drawn uniformly from 1..{@link #MAX_HOPS}. */
    public Example next() {
        return next(1 + random.nextInt(MAX_HOPS));
    }

    /** A fresh permutation and one question about it. */
    public Example next(int hops) {
        Table table = table();
        int start = random.nextInt(SYMBOLS.size());
        return new Example(table.listing() + " " + question(start, hops), table.follow(start, hops), hops);
    }

    /**
     * A training line: a fresh permutation, then {@code questions} questions about it, each answered, e.g.
     * {@code c>f ... f>g | a 3 = b | e 1 = a | ...}. Several answers per listing give the trainer several targets
     * for the cost of one listing; the first question of a line is exactly a held-out prompt plus its answer.
     */
    public String line(int questions) {
        Table table = table();
        StringBuilder sb = new StringBuilder(table.listing());
        for (int q = 0; q < questions; q++) {
            int start = random.nextInt(SYMBOLS.size());
            int hops = 1 + random.nextInt(Integer.getInteger("looped.trainMaxHops", MAX_HOPS));
            sb.append(' ').append(question(start, hops)).append(' ').append(table.follow(start, hops));
        }
        return sb.toString();
    }

    /** A random permutation, with the order its pairs are listed in drawn independently. */
    private Table table() {
        List<Integer> image = new ArrayList<>();
        for (int i = 0; i < SYMBOLS.size(); i++) {
            image.add(i);
        }
        Collections.shuffle(image, random);
        List<Integer> order = new ArrayList<>(image);
        Collections.shuffle(order, random);
        if (Boolean.getBoolean("looped.sorted")) {
            Collections.sort(order);
        }
        return new Table(image, order);
    }

    private static String question(int start, int hops) {
        return "| " + hops + " " + SYMBOLS.get(start);
    }

    private record Table(List<Integer> image, List<Integer> order) {
        String listing() {
            StringBuilder sb = new StringBuilder();
            for (int x : order) {
                sb.append(sb.isEmpty() ? "" : " ").append(SYMBOLS.get(x)).append('>').append(SYMBOLS.get(image.get(x)));
            }
            return sb.toString();
        }

        String follow(int start, int hops) {
            int at = start;
            for (int h = 0; h < hops; h++) {
                at = image.get(at);
            }
            return SYMBOLS.get(at);
        }
    }

    /** Held-out questions: hop counts cycle 1..{@link #MAX_HOPS}, so every count is equally represented. */
    public static List<Example> balanced(int count, long seed) {
        LoopedLmTask task = new LoopedLmTask(seed);
        List<Example> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(task.next(1 + i % MAX_HOPS));
        }
        return out;
    }
}
