package dev.loupe.engine;

/**
 * An error meant for the person using Loupe: its message is one clear line that names the file, tensor, field
 * or value at fault. The CLI and the app print {@link #getMessage()} and nothing else; a stack trace is for bugs.
 */
public class LoupeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LoupeException(String message) {
        super(message);
    }

    public LoupeException(String message, Throwable cause) {
        super(message, cause);
    }
}
