package dev.loupe.app.session;

import dev.loupe.engine.LoupeException;
import java.nio.file.Path;

/**
 * A session file that cannot be created, opened, saved, exported or imported. The message is one line that starts
 * with the file and says what is wrong with it, so the CLI and the app can show it as it is.
 */
public class SessionException extends LoupeException {
    private static final long serialVersionUID = 1L;

    public SessionException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public SessionException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
