package dev.loupe.app.cli;

import dev.loupe.engine.LoupeException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code loupe} command line: dispatch, help, and the one place errors become output. Every failure is one line
 * {@code loupe: <message>} on stderr and an exit code ({@link #USAGE} for a wrong command line, {@link #FAILED}
 * otherwise); a stack trace only with {@code --debug} or {@code LOUPE_DEBUG=1}. It never calls System.exit, so tests
 * run it in-process with their own streams.
 */
public final class Cli {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    /** A run stopped at the user's request (Ctrl+C), as shells report an interrupted command: 128 + SIGINT. */
    public static final int CANCELLED = 130;

    private final PrintStream out;
    private final PrintStream err;
    private final boolean debugEnv;
    private final Map<String, Command> commands = new LinkedHashMap<>();

    public Cli(PrintStream out, PrintStream err, Map<String, String> env) {
        this(out, err, env, List.of(new InfoCommand(), new HooksCommand(), new TraceCommand(), new GenerateCommand(),
                new AnalyzeCommand(), new PluginsCommand(), new SessionCommand(), new TrainSamplesCommand()));
    }

    /** With a chosen command set; tests use it to reach the error paths that real commands should never take. */
    Cli(PrintStream out, PrintStream err, Map<String, String> env, List<Command> commandList) {
        this.out = out;
        this.err = err;
        this.debugEnv = "1".equals(env.get("LOUPE_DEBUG")) || "true".equalsIgnoreCase(env.get("LOUPE_DEBUG"));
        for (Command c : commandList) {
            commands.put(c.name(), c);
        }
    }

    public int run(String... argv) {
        List<String> args = new ArrayList<>(Arrays.asList(argv));
        boolean debug = debugEnv || args.contains("--debug");
        // Global flags may also come before the command name: "loupe --debug info ...".
        while (!args.isEmpty() && args.get(0).equals("--debug")) {
            args.remove(0);
        }
        try {
            return dispatch(args);
        } catch (UsageException e) {
            return fail(USAGE, e.getMessage(), e, debug);
        } catch (LoupeException e) {
            return fail(FAILED, e.getMessage(), e, debug);
        } catch (java.util.concurrent.CancellationException e) {
            return fail(CANCELLED, "cancelled", e, debug);
        } catch (OutOfMemoryError e) {
            return fail(FAILED, "out of memory (" + e.getMessage() + "); give Java more with LOUPE_JAVA_OPTS=-Xmx16g or"
                    + " trace fewer hooks", e, debug);
        } catch (Throwable e) {
            return fail(FAILED, "internal error: " + e.getClass().getName() + ": " + e.getMessage(), e, debug);
        } finally {
            out.flush();
        }
    }

    private int dispatch(List<String> args) throws Exception {
        if (args.isEmpty()) {
            // Main opens the desktop app for an empty command line; only a direct caller of Cli gets here.
            out.println("Loupe: run without arguments to open the desktop app; with a command, the command line.");
            out.println();
            printUsage(out);
            return OK;
        }
        String name = args.get(0);
        if (name.equals("help") || name.equals("--help") || name.equals("-h")) {
            if (args.size() > 1) {
                printHelp(command(args.get(1)), out);
            } else {
                printUsage(out);
            }
            return OK;
        }
        Command command = command(name);
        if (command instanceof SessionCommand session && args.size() > 1) {
            // "session list FILE": a subcommand and file operands, which ParsedArgs (options only) would refuse.
            session.runWords(args.subList(1, args.size()), out, err);
            return OK;
        }
        ParsedArgs parsed = ParsedArgs.parse(name, command.options(), args.subList(1, args.size()));
        if (parsed.flag(ParsedArgs.HELP.name())) {
            printHelp(command, out);
            return OK;
        }
        command.run(parsed, out, err);
        return OK;
    }

    private Command command(String name) {
        Command c = commands.get(name);
        if (c == null) {
            throw new UsageException("unknown command \"" + name + "\" (commands: " + String.join(", ", commands.keySet())
                    + "; see loupe help)");
        }
        return c;
    }

    private int fail(int code, String message, Throwable t, boolean debug) {
        out.flush();
        if (debug) {
            t.printStackTrace(err);
        }
        err.println("loupe: " + oneLine(message));
        err.flush();
        return code;
    }

    /** Messages from deep inside (native errors especially) can span lines; the contract is one line. */
    static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "(no message)";
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private void printUsage(PrintStream p) {
        p.println("usage: loupe <command> [options]");
        p.println();
        p.println("commands:");
        int width = 0;
        for (String n : commands.keySet()) {
            width = Math.max(width, n.length());
        }
        for (Command c : commands.values()) {
            p.printf("  %-" + width + "s  %s%n", c.name(), c.summary());
        }
        p.printf("  %-" + width + "s  %s%n", "help", "help CMD shows a command's options");
        p.println();
        p.println("Every command takes --debug (or set LOUPE_DEBUG=1) to show stack traces of unexpected errors.");
        p.println("Loupe works offline: it never downloads models or libraries.");
    }

    private static void printHelp(Command c, PrintStream p) {
        p.println("usage: loupe " + c.synopsis());
        p.println();
        p.println(c.summary());
        p.println();
        p.println("options:");
        List<Option> opts = new ArrayList<>(c.options());
        opts.add(ParsedArgs.DEBUG);
        opts.add(ParsedArgs.HELP);
        int width = 0;
        for (Option o : opts) {
            width = Math.max(width, o.display().length());
        }
        for (Option o : opts) {
            p.printf("  %-" + width + "s  %s%n", o.display(), o.help());
        }
    }
}
