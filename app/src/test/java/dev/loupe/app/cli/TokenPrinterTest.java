package dev.loupe.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TokenPrinterTest {

    /** A toy byte-level tokenizer: token i is byte i, decoded leniently as UTF-8 (so split characters become U+FFFD). */
    private static final Function<long[], String> BYTES = ids -> {
        byte[] b = new byte[ids.length];
        for (int i = 0; i < ids.length; i++) {
            b[i] = (byte) ids[i];
        }
        return new String(b, StandardCharsets.UTF_8);
    };

    @Test
    void holdsBackSplitCharactersUntilComplete() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);
        TokenPrinter p = new TokenPrinter(BYTES, out);
        byte[] text = "né€".getBytes(StandardCharsets.UTF_8); // 1 + 2 + 3 bytes
        long[] ids = new long[text.length];
        for (int i = 0; i < text.length; i++) {
            ids[i] = text[i] & 0xFF;
            p.accept(ids[i]);
            // Never a replacement character on screen, whatever the step.
            assertEquals(-1, sink.toString(StandardCharsets.UTF_8).indexOf('\uFFFD'), "step " + i);
        }
        p.finish(ids);
        assertEquals("né€", sink.toString(StandardCharsets.UTF_8));
    }

    @Test
    void finishPrintsEverythingWhenNothingWasStreamed() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        TokenPrinter p = new TokenPrinter(ids -> Map.of(2, "ab").getOrDefault(ids.length, ""), new PrintStream(sink, true, StandardCharsets.UTF_8));
        p.finish(new long[] {1, 2});
        assertEquals("ab", sink.toString(StandardCharsets.UTF_8));
    }
}
