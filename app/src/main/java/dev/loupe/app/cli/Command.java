package dev.loupe.app.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * One {@code loupe <command>}. Commands report failure by throwing: {@link UsageException} for a wrong command line,
 * {@link dev.loupe.engine.LoupeException} for anything the user can fix in their files; {@link Cli} turns both into
 * one line and an exit code, so commands never print errors or exit themselves.
 */
public interface Command {

    String name();

    /** One line for the command list. */
    String summary();

    /** The usage line after "loupe ", e.g. {@code info --model DIR [--device auto|cpu|gpu]}. */
    String synopsis();

    List<Option> options();

    /** Runs with parsed arguments; {@code out} gets the command's results, {@code err} progress notes. */
    void run(ParsedArgs args, PrintStream out, PrintStream err) throws Exception;
}
