package dev.loupe.app.task;

import dev.loupe.engine.LoupeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns any throwable into one line a user can act on; the app never shows a stack trace. */
public final class ErrorMessages {
    private static final int MAX_LENGTH = 400;

    private ErrorMessages() {
    }

    public static String oneLine(Throwable t) {
        Throwable e = unwrap(t);
        String text;
        if (e instanceof NoSuchFileException f) {
            text = f.getFile() + ": no such file or folder";
        } else if (e instanceof AccessDeniedException f) {
            text = f.getFile() + ": permission denied";
        } else if (e instanceof FileSystemException f) {
            text = f.getFile() + ": " + (f.getReason() == null ? "cannot be used" : f.getReason());
        } else if (e instanceof OutOfMemoryError) {
            text = "out of memory; give Loupe more with LOUPE_JAVA_OPTS=-Xmx16g or capture fewer hooks";
        } else if (e instanceof LoupeException || e instanceof IllegalArgumentException || e instanceof IOException) {
            text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        } else {
            // Not an error we wrote for users: name its kind so a bug report says something.
            text = "unexpected " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        String line = text.lines().findFirst().orElse("").strip();
        return line.length() <= MAX_LENGTH ? line : line.substring(0, MAX_LENGTH - 1) + "…";
    }

    private static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while (e.getCause() != null && (e instanceof CompletionException || e instanceof ExecutionException
                || e instanceof InvocationTargetException || e instanceof UncheckedIOException)) {
            e = e.getCause();
        }
        return e;
    }
}
