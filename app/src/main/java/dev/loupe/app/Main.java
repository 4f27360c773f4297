package dev.loupe.app;

import dev.loupe.app.cli.Cli;
import dev.loupe.app.task.ErrorMessages;
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
            String noDisplay = noDisplayReason(System.getenv());
            if (noDisplay != null) {
                System.err.println("loupe: " + noDisplay);
                System.exit(Cli.FAILED);
            }
            try {
                LoupeApp.launchApp(args);
            } catch (RuntimeException e) {
                // JavaFX reports an X server that does not answer as "Unable to open DISPLAY" from deep inside
                // its toolkit; the user needs one line, not the toolkit's stack.
                System.err.println("loupe: the window could not open (" + ErrorMessages.oneLine(e).replaceFirst("^unexpected \\w+: ", "") + ")"
                        + (String.valueOf(e.getMessage()).contains("DISPLAY") ? DISPLAY_HINT : ""));
                System.exit(Cli.FAILED);
            }
            return;
        }
        // The command line never opens a window: figures render off screen even when DISPLAY names an X server
        // that does not answer (AWT would otherwise try to connect to it and fail half way through the outputs).
        System.setProperty("java.awt.headless", "true");
        // Generated text is Unicode; the platform default can be ASCII in minimal locales.
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int code = new Cli(out, err, System.getenv()).run(args);
        out.flush();
        err.flush();
        // Explicit exit: native engine threads must not keep the JVM alive after the command is done.
        System.exit(code);
    }

    private static final String DISPLAY_HINT = ": check DISPLAY, or run the command line (./loupe help) or"
            + " xvfb-run -a ./loupe";

    /** Why the desktop app cannot open a window here (Linux without X11 or Wayland), or null. */
    static String noDisplayReason(java.util.Map<String, String> env) {
        boolean linux = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
        if (linux && isBlank(env.get("DISPLAY")) && isBlank(env.get("WAYLAND_DISPLAY"))) {
            return "no display to open the window on (DISPLAY is not set); the command line works without one"
                    + " (./loupe help), or run the app under xvfb-run -a ./loupe";
        }
        return null;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
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
