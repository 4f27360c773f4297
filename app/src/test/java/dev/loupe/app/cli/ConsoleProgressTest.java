package dev.loupe.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The headless progress bar a long `analyze` (the tuned lens) draws on stderr. */
class ConsoleProgressTest {

    private static List<String> lines(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void longWorkDrawsABarWithItsTaskAndStatus() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 0, () -> false);
        p.begin("Training the tuned lens", 10);
        for (int i = 1; i <= 10; i++) {
            p.message("step " + i + ", KL 1.5 nats");
            p.worked(1);
        }
        List<String> out = lines(bytes);
        assertTrue(out.size() >= 2, out.toString());
        String last = out.get(out.size() - 1);
        assertTrue(last.startsWith("Training the tuned lens [##############################] 10/10  step 10, KL 1.5 nats"),
                last);
    }

    @Test
    void quickWorkPrintsNothing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), Long.MAX_VALUE, () -> false);
        p.begin("Logit lens", 5);
        p.worked(5);
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    }
}
