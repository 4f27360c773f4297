package dev.loupe.plugin.params;

import java.util.List;

/**
 * One typed parameter: its key, label and help text, its default, and its constraints. UI-free: the app builds a
 * form from these, the CLI parses {@code --param key=value} with them, and sessions store the values as JSON.
 */
public sealed interface ParamDef
        permits ParamDef.IntParam, ParamDef.DoubleParam, ParamDef.BoolParam, ParamDef.ChoiceParam,
        ParamDef.TextParam, ParamDef.HookParam {

    String key();

    String label();

    String help();

    Object defaultValue();

    /** Parses a value typed as text (CLI, form field); the error names the parameter and the allowed range. */
    Object parse(String text);

    /** Checks a value of the right Java type against the constraints; returns it, or throws naming the parameter. */
    Object validate(Object value);

    record IntParam(String key, String label, String help, Integer defaultValue, int min, int max) implements ParamDef {
        @Override
        public Object parse(String text) {
            try {
                return validate(Integer.parseInt(text.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a whole number, got \"" + text + "\"");
            }
        }

        @Override
        public Object validate(Object value) {
            int v = ((Number) value).intValue();
            if (((Number) value).doubleValue() != v || v < min || v > max) {
                throw new IllegalArgumentException(key + " must be a whole number in " + min + ".." + max + ", got " + value);
            }
            return v;
        }
    }

    record DoubleParam(String key, String label, String help, Double defaultValue, double min, double max)
            implements ParamDef {
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
            double v = ((Number) value).doubleValue();
            if (!(v >= min && v <= max)) {
                throw new IllegalArgumentException(key + " must be in " + min + ".." + max + ", got " + value);
            }
            return v;
        }
    }

    record BoolParam(String key, String label, String help, Boolean defaultValue) implements ParamDef {
        @Override
        public Object parse(String text) {
            String t = text.strip().toLowerCase(java.util.Locale.ROOT);
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
            return (Boolean) value;
        }
    }

    record ChoiceParam(String key, String label, String help, String defaultValue, List<String> choices)
            implements ParamDef {
        public ChoiceParam {
            choices = List.copyOf(choices);
        }

        @Override
        public Object parse(String text) {
            return validate(text.strip());
        }

        @Override
        public Object validate(Object value) {
            if (!choices.contains(value)) {
                throw new IllegalArgumentException(key + " must be one of " + String.join(", ", choices) + ", got \"" + value + "\"");
            }
            return value;
        }
    }

    record TextParam(String key, String label, String help, String defaultValue) implements ParamDef {
        @Override
        public Object parse(String text) {
            return text;
        }

        @Override
        public Object validate(Object value) {
            return (String) value;
        }
    }

    /**
     * A hook name of the model (or a glob when {@code allowGlob}); the app offers the model's hook list. The
     * default may be a glob or a name pattern with "{last}" for the final layer.
     */
    record HookParam(String key, String label, String help, String defaultValue, boolean allowGlob) implements ParamDef {
        @Override
        public Object parse(String text) {
            return validate(text.strip());
        }

        @Override
        public Object validate(Object value) {
            String v = (String) value;
            if (v.isBlank()) {
                throw new IllegalArgumentException(key + " must name a hook");
            }
            return v;
        }
    }
}
