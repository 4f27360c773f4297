package dev.loupe.engine.format;

import dev.loupe.engine.LoupeException;

/** A checkpoint, config or tokenizer file that Loupe cannot accept; the message names the file and what is wrong. */
public class ModelFormatException extends LoupeException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
