package dev.loupe.plugin.params;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * One typed parameter, declared once as a constant of its plugin and read back by it ({@code params.get(LAYER)}):
 * its key, label and help text, its default, and its constraints. UI-free: the app builds a form from these, the
 * CLI parses {@code --param key=value} with them, and sessions store the values as JSON.
 *
 * <p>Two forms of a value: the <em>stored</em> form (Integer, Double, Boolean or String; a choice by its stable
 * name) is what the form edits, the CLI types and the session keeps; the <em>typed</em> form ({@code T}: an enum
 * constant for a choice) is what the plugin reads with {@link Params#get}.
 *
 * @param <T> the type the plugin reads
 */
public sealed interface Param<T>
        permits Param.IntParam, Param.DoubleParam, Param.BoolParam, Param.ChoiceParam, Param.TextParam,
        Param.HookParam {

    String key();

    String label();

    String help();

    /** The default in its stored form (what the form shows first). */
    Object defaultValue();

    /** Parses a value typed as text (CLI, form field); the error names the parameter and the allowed range. */
    Object parse(String text);

    /** Checks a stored-form value against the constraints; returns it, or throws naming the parameter. */
    Object validate(Object value);

    /** The typed value of a stored value that {@link #validate} accepted. */
    T value(Object stored);

    /** The stored form of a typed value, checked. */
    default Object store(T value) {
        return validate(value);
    }

    static IntParam intParam(String key, String label, String help, int defaultValue, int min, int max) {
        return new IntParam(key, label, help, defaultValue, min, max, java.util.Map.of());
    }

    static DoubleParam doubleParam(String key, String label, String help, double defaultValue, double min, double max) {
        return new DoubleParam(key, label, help, defaultValue, min, max);
    }

    static BoolParam bool(String key, String label, String help, boolean defaultValue) {
        return new BoolParam(key, label, help, defaultValue);
    }

    static TextParam text(String key, String label, String help, String defaultValue) {
        return new TextParam(key, label, help, defaultValue);
    }

    static HookParam hook(String key, String label, String help, String defaultValue, boolean allowGlob) {
        return new HookParam(key, label, help, defaultValue, allowGlob);
    }

    /** One of an enum's constants, shown, parsed and stored by its {@link #choiceName stable name}. */
    static <E extends Enum<E>> ChoiceParam<E> choice(String key, String label, String help, Class<E> type,
            E defaultChoice) {
        return new ChoiceParam<>(key, label, help, type, defaultChoice);
    }

    /**
     * An enum constant whose stored name is not its lower-cased Java name ("mean-over-heads"). The name is what
     * CLI arguments and stored sessions hold, so it must not change once released.
     */
    interface Choice {
        String choiceName();
    }

    /** The name a choice is shown, typed and stored by: {@link Choice#choiceName}, else the lower-cased constant. */
    static String choiceName(Enum<?> constant) {
        return constant instanceof Choice c ? c.choiceName() : constant.name().toLowerCase(Locale.ROOT);
    }

    /**
     * A whole number; {@code names} gives special values a word ("all" for -1 as a layer or head, "last" for -1 as
     * a position), which forms and messages show instead of the number and which is typed and parsed as it. Stored
     * values stay numbers, so sessions and scripts that wrote -1 keep working.
     */
    record IntParam(String key, String label, String help, Integer defaultValue, int min, int max,
            java.util.Map<Integer, String> names) implements Param<Integer> {
        public IntParam {
            names = java.util.Map.copyOf(names);
        }

        /** This parameter with {@code value} shown and typed as {@code name}. */
        public IntParam named(int value, String name) {
            java.util.Map<Integer, String> more = new java.util.HashMap<>(names);
            more.put(value, name);
            return new IntParam(key, label, help, defaultValue, min, max, more);
        }

        /** How a value reads in a form or a message: its name, or the number. */
        public String display(int value) {
            return names.getOrDefault(value, Integer.toString(value));
        }

        @Override
        public Object parse(String text) {
            String t = text.strip();
            for (var e : names.entrySet()) {
                if (e.getValue().equalsIgnoreCase(t)) {
                    return e.getKey();
                }
            }
            try {
                return validate(Integer.parseInt(t));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a whole number"
                        + (names.isEmpty() ? "" : " or " + String.join(", ", new java.util.TreeSet<>(names.values())))
                        + ", got \"" + text + "\"");
            }
        }

        @Override
        public Object validate(Object value) {
            if (!(value instanceof Number n)) {
                throw new IllegalArgumentException(key + " must be a whole number, got \"" + value + "\"");
            }
            int v = n.intValue();
            if (n.doubleValue() != v || v < min || v > max) {
                throw new IllegalArgumentException(key + " must be " + rangeText() + ", got " + value);
            }
            return v;
        }

        @Override
        public Integer value(Object stored) {
            return ((Number) stored).intValue();
        }

        /** "a whole number in 0..9999", or with names "all or a whole number in 0..9999" (the named value left out). */
        private String rangeText() {
            int lo = min;
            while (names.containsKey(lo) && lo < max) {
                lo++;
            }
            String range = "a whole number in " + lo + ".." + max;
            return names.isEmpty() ? "a whole number in " + min + ".." + max
                    : String.join(" or ", new java.util.TreeSet<>(names.values())) + " or " + range;
        }
    }

    record DoubleParam(String key, String label, String help, Double defaultValue, double min, double max)
            implements Param<Double> {
        @Override
        public Object parse(String text) {
            try {
                return validate(Double.parseDouble(text.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a number, got \"" + text + "\"");
            }
        }

        @Override
        public Object validate(Object value) {
            if (!(value instanceof Number n)) {
                throw new IllegalArgumentException(key + " must be a number, got \"" + value + "\"");
            }
            double v = n.doubleValue();
            if (!(v >= min && v <= max)) {
                throw new IllegalArgumentException(key + " must be in " + min + ".." + max + ", got " + value);
            }
            return v;
        }

        @Override
        public Double value(Object stored) {
            return ((Number) stored).doubleValue();
        }
    }

    record BoolParam(String key, String label, String help, Boolean defaultValue) implements Param<Boolean> {
        @Override
        public Object parse(String text) {
            String t = text.strip().toLowerCase(Locale.ROOT);
            if (t.equals("true") || t.equals("yes") || t.equals("1")) {
                return true;
            }
            if (t.equals("false") || t.equals("no") || t.equals("0")) {
                return false;
            }
            throw new IllegalArgumentException(key + " must be true or false, got \"" + text + "\"");
        }

        @Override
        public Object validate(Object value) {
            if (!(value instanceof Boolean b)) {
                throw new IllegalArgumentException(key + " must be true or false, got \"" + value + "\"");
            }
            return b;
        }

        @Override
        public Boolean value(Object stored) {
            return (Boolean) stored;
        }
    }

    /**
     * One constant of {@code type}. The stored form is the constant's {@link Param#choiceName name}, so that the
     * form offers names, the CLI parses them and sessions keep them, independent of how the enum is spelt in Java.
     */
    record ChoiceParam<E extends Enum<E>>(String key, String label, String help, Class<E> type, E defaultChoice)
            implements Param<E> {
        public ChoiceParam {
            List<String> names = new ArrayList<>();
            for (E c : type.getEnumConstants()) {
                String name = Param.choiceName(c);
                if (names.contains(name)) {
                    throw new IllegalArgumentException(key + ": two choices are named \"" + name + "\"");
                }
                names.add(name);
            }
        }

        /** The names of the constants, in declaration order. */
        public List<String> choices() {
            List<String> names = new ArrayList<>();
            for (E c : type.getEnumConstants()) {
                names.add(Param.choiceName(c));
            }
            return Collections.unmodifiableList(names);
        }

        @Override
        public String defaultValue() {
            return Param.choiceName(defaultChoice);
        }

        @Override
        public Object parse(String text) {
            return validate(text.strip());
        }

        /** Accepts a name, or a constant of the type (stored as its name). */
        @Override
        public Object validate(Object value) {
            if (type.isInstance(value)) {
                return Param.choiceName(type.cast(value));
            }
            if (!choices().contains(value)) {
                throw new IllegalArgumentException(key + " must be one of " + String.join(", ", choices()) + ", got \""
                        + value + "\"");
            }
            return value;
        }

        @Override
        public E value(Object stored) {
            for (E c : type.getEnumConstants()) {
                if (Param.choiceName(c).equals(stored)) {
                    return c;
                }
            }
            throw new IllegalArgumentException(key + " must be one of " + String.join(", ", choices()) + ", got \""
                    + stored + "\"");
        }
    }

    record TextParam(String key, String label, String help, String defaultValue) implements Param<String> {
        @Override
        public Object parse(String text) {
            return text;
        }

        @Override
        public Object validate(Object value) {
            if (!(value instanceof String s)) {
                throw new IllegalArgumentException(key + " must be text, got " + value);
            }
            return s;
        }

        @Override
        public String value(Object stored) {
            return (String) stored;
        }
    }

    /**
     * A hook name of the model (or a glob when {@code allowGlob}); the app offers the model's hook list. The
     * default may be a glob or a name pattern with "{last}" for the final layer.
     */
    record HookParam(String key, String label, String help, String defaultValue, boolean allowGlob)
            implements Param<String> {
        @Override
        public Object parse(String text) {
            return validate(text.strip());
        }

        @Override
        public Object validate(Object value) {
            if (!(value instanceof String v) || v.isBlank()) {
                throw new IllegalArgumentException(key + " must name a hook");
            }
            return v;
        }

        @Override
        public String value(Object stored) {
            return (String) stored;
        }
    }
}
