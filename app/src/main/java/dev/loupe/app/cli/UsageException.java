package dev.loupe.app.cli;

/**
 * The command line itself is wrong (unknown option, missing value, a value that does not parse). The CLI prints the
 * message as one line and exits with {@link Cli#USAGE}, so scripts can tell "you called it wrong" from "it failed".
 */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
