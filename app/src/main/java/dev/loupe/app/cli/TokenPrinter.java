package dev.loupe.app.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Streams generated text as tokens arrive. Decoding token by token would split characters that byte-level BPE
 * spreads over several tokens and lose the spaces that SentencePiece attaches, so each step decodes everything
 * generated so far and prints only the new suffix, holding back a trailing U+FFFD (an incomplete UTF-8 sequence)
 * until the next token completes it.
 */
final class TokenPrinter implements LongConsumer {
    private final Function<long[], String> decoder;
    private final PrintStream out;
    private long[] ids = new long[16];
    private int count;
    private final StringBuilder printed = new StringBuilder();

    TokenPrinter(Function<long[], String> decoder, PrintStream out) {
        this.decoder = decoder;
        this.out = out;
    }

    @Override
    public void accept(long token) {
        if (count == ids.length) {
            ids = Arrays.copyOf(ids, count * 2);
        }
        ids[count++] = token;
        String text = decoder.apply(Arrays.copyOf(ids, count));
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '\uFFFD') {
            end--;
        }
        emit(text.substring(0, end));
    }

    /** Prints whatever the final decode adds to what was streamed (held-back characters, or everything if no token was streamed). */
    void finish(long[] generated) {
        emit(decoder.apply(generated));
        out.flush();
    }

    String printed() {
        return printed.toString();
    }

    private void emit(String text) {
        // If a later token rewrote earlier text (rare tokenizer clean-ups), keep what is on screen and go on from its length.
        if (text.length() > printed.length()) {
            String add = text.substring(printed.length());
            out.print(add);
            out.flush();
            printed.append(add);
        }
    }
}
