package dev.loupe.app;

import dev.loupe.app.cli.Cli;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Entry point of {@code ./loupe}: the CLI for now; with no argument it will open the desktop app. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // Before any DJL class loads: Loupe never downloads anything (natives come from the Maven jars).
        System.setProperty("ai.djl.offline", "true");
        // Generated text is Unicode; the platform default can be ASCII in minimal locales.
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int code = new Cli(out, err, System.getenv()).run(args);
        out.flush();
        err.flush();
        // Explicit exit: native engine threads must not keep the JVM alive after the command is done.
        System.exit(code);
    }
}
