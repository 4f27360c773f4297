package dev.loupe.app.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.engine.LoupeException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ErrorMessagesTest {
    @Test
    void userErrorsKeepTheirFirstLine() {
        assertEquals("model.safetensors: truncated", ErrorMessages.oneLine(
                new CompletionException(new LoupeException("model.safetensors: truncated\nmore detail"))));
    }

    @Test
    void fileErrorsNameTheFile() {
        assertEquals("/x/config.json: no such file or folder", ErrorMessages.oneLine(
                new UncheckedIOException(new NoSuchFileException("/x/config.json"))));
    }

    @Test
    void bugsNameTheirKindButNoTrace() {
        String m = ErrorMessages.oneLine(new NullPointerException());
        assertEquals("unexpected NullPointerException", m);
        assertTrue(ErrorMessages.oneLine(new OutOfMemoryError("Java heap space")).startsWith("out of memory"));
    }
}
