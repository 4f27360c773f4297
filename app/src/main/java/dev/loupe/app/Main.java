package dev.loupe.app;

import dev.loupe.app.cli.Cli;
import dev.loupe.app.ui.shell.LoupeApp;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Entry point of {@code ./loupe}: with no argument (or only the desktop options --model=DIR, --session=FILE,
 * --device=...) it opens the desktop app; otherwise it runs the command line.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // Before any DJL class loads: Loupe never downloads anything (natives come from the Maven jars).
        System.setProperty("ai.djl.offline", "true");
        if (isDesktopLaunch(args)) {
            LoupeApp.launchApp(args);
            return;
        }
        // Generated text is Unicode; the platform default can be ASCII in minimal locales.
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int code = new Cli(out, err, System.getenv()).run(args);
        out.flush();
        err.flush();
        // Explicit exit: native engine threads must not keep the JVM alive after the command is done.
        System.exit(code);
    }

    static boolean isDesktopLaunch(String[] args) {
        for (String a : args) {
            if (!(a.startsWith("--model=") || a.startsWith("--session=") || a.startsWith("--device="))) {
                return false;
            }
        }
        return true;
    }
}
