package dev.loupe.app.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A command's options, parsed against its {@link Option} list. Accepts {@code --name value} and
 * {@code --name=value}; the second form is how to pass a value that itself starts with "--". Every accessor that
 * converts a value throws {@link UsageException} naming the option and the value.
 */
public final class ParsedArgs {
    /** Accepted by every command: print stack traces for unexpected errors (see {@link Cli}). */
    public static final Option DEBUG = Option.flag("debug", "print the stack trace of an unexpected error");
    /** Accepted by every command: print the command's help. */
    public static final Option HELP = Option.flag("help", "show this help");

    private final String command;
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    private ParsedArgs(String command) {
        this.command = command;
    }

    public static ParsedArgs parse(String command, List<Option> options, List<String> args) {
        Map<String, Option> known = new LinkedHashMap<>();
        for (Option o : options) {
            known.put(o.name(), o);
        }
        known.putIfAbsent(DEBUG.name(), DEBUG);
        known.putIfAbsent(HELP.name(), HELP);

        ParsedArgs parsed = new ParsedArgs(command);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.equals("--")) {
                throw new UsageException(command + ": unexpected argument \"" + arg + "\" (options start with --; see loupe help "
                        + command + ")");
            }
            int eq = arg.indexOf('=');
            String name = arg.substring(2, eq < 0 ? arg.length() : eq);
            Option opt = known.get(name);
            if (opt == null) {
                throw new UsageException(command + ": unknown option --" + name + " (valid: " + validList(known) + ")");
            }
            String value;
            if (!opt.takesValue()) {
                if (eq >= 0) {
                    throw new UsageException(command + ": --" + name + " takes no value, got \"" + arg.substring(eq + 1) + "\"");
                }
                value = "";
            } else if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else {
                // A following "--x" is the next option, not this one's value: "--out --hooks x" forgot the file name.
                if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                    throw new UsageException(command + ": --" + name + " needs a value (" + opt.display() + ")");
                }
                value = args.get(++i);
            }
            List<String> list = parsed.values.computeIfAbsent(name, k -> new ArrayList<>());
            if (!list.isEmpty() && !opt.repeatable()) {
                throw new UsageException(command + ": --" + name + " is given more than once");
            }
            list.add(value);
        }
        return parsed;
    }

    private static String validList(Map<String, Option> known) {
        List<String> names = new ArrayList<>();
        known.keySet().forEach(n -> names.add("--" + n));
        return String.join(", ", names);
    }

    public String command() {
        return command;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public boolean flag(String name) {
        return has(name);
    }

    /** The option's value, or null when absent. */
    public String get(String name) {
        List<String> v = values.get(name);
        return v == null ? null : v.get(0);
    }

    public String get(String name, String fallback) {
        String v = get(name);
        return v == null ? fallback : v;
    }

    public String require(String name) {
        String v = get(name);
        if (v == null) {
            throw new UsageException(command + ": missing required option --" + name);
        }
        return v;
    }

    public List<String> all(String name) {
        return List.copyOf(values.getOrDefault(name, List.of()));
    }

    /** One of a fixed set of words, case-insensitive, returned in lower case. */
    public String choice(String name, String fallback, String... allowed) {
        String v = get(name);
        if (v == null) {
            return fallback;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(lower)) {
                return lower;
            }
        }
        throw new UsageException(command + ": --" + name + " must be one of " + String.join(", ", allowed) + ", got \"" + v + "\"");
    }

    public int intValue(String name, int fallback, int min) {
        String v = get(name);
        if (v == null) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be an integer, got \"" + v + "\"");
        }
        if (n > Integer.MAX_VALUE) {
            throw new UsageException(command + ": --" + name + " must be at most " + Integer.MAX_VALUE + ", got " + v.trim());
        }
        if (n < min) {
            throw new UsageException(command + ": --" + name + " must be at least " + min + ", got " + n);
        }
        return (int) n;
    }

    public long longValue(String name, long fallback) {
        String v = get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be an integer, got \"" + v + "\"");
        }
    }

    /** A finite number in [min, max]. */
    public double doubleValue(String name, double fallback, double min, double max) {
        String v = get(name);
        if (v == null) {
            return fallback;
        }
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be a number, got \"" + v + "\"");
        }
        if (!Double.isFinite(d) || d < min || d > max) {
            // An open-ended range reads "at least 0", not "in [0, 9223372036854775807]".
            String range = max >= Double.MAX_VALUE ? "a finite number of at least " + fmt(min)
                    : "in [" + fmt(min) + ", " + fmt(max) + "]";
            throw new UsageException(command + ": --" + name + " must be " + range + ", got " + v);
        }
        return d;
    }

    private static String fmt(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
