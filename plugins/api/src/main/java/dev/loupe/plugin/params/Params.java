package dev.loupe.plugin.params;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameter values, complete and validated against their spec. Plugins read them by their typed constants
 * ({@link #get}); hosts (the form, the CLI, sessions) see the stored forms by key ({@link #values}). Immutable;
 * {@link #with} makes a changed copy.
 */
public final class Params {
    /** The key {@link #toJson} stores the spec version under. */
    public static final String VERSION_KEY = "$version";

    private final ParamSpec spec;
    private final Map<String, Object> values;

    Params(ParamSpec spec, Map<String, Object> values) {
        this.spec = spec;
        Map<String, Object> checked = new LinkedHashMap<>();
        for (Param<?> d : spec.defs()) {
            Object v = values.getOrDefault(d.key(), d.defaultValue());
            checked.put(d.key(), d.validate(v));
        }
        this.values = Collections.unmodifiableMap(checked);
    }

    public ParamSpec spec() {
        return spec;
    }

    /** The stored form of every value, by key (a choice by its name). */
    public Map<String, Object> values() {
        return values;
    }

    /** The typed value of {@code param}, which must be one of this spec's parameters. */
    public <T> T get(Param<T> param) {
        if (!param.equals(spec.def(param.key()))) {
            throw new IllegalArgumentException("parameter \"" + param.key() + "\" is not one of these parameters ("
                    + String.join(", ", values.keySet()) + ")");
        }
        return param.value(values.get(param.key()));
    }

    /** A copy with {@code key} set to a stored-form value (what a form field or a parsed text holds). */
    public Params with(String key, Object value) {
        if (spec.def(key) == null) {
            throw new IllegalArgumentException("unknown parameter \"" + key + "\"");
        }
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(key, value);
        return new Params(spec, copy);
    }

    /** A copy with {@code param} set to a typed value. */
    public <T> Params with(Param<T> param, T value) {
        if (!param.equals(spec.def(param.key()))) {
            throw new IllegalArgumentException("parameter \"" + param.key() + "\" is not one of these parameters");
        }
        return with(param.key(), param.store(value));
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty(VERSION_KEY, spec.version());
        values.forEach((k, v) -> {
            if (v instanceof Number n) {
                o.addProperty(k, n);
            } else if (v instanceof Boolean b) {
                o.addProperty(k, b);
            } else {
                o.addProperty(k, String.valueOf(v));
            }
        });
        return o;
    }

    /**
     * Values stored by a spec version, as the current spec reads them. Values of an older version go through the
     * spec's migration steps first; then known keys are re-validated, unknown keys dropped and missing keys
     * defaulted. JSON without a version is taken as the current one; a newer version (a session made by a newer
     * plugin) is read as it is.
     *
     * @param owner who the values are for, in words (the plugin's name), for the message of a value that no longer
     *     fits
     * @throws IllegalArgumentException naming the owner, the key and what it accepts, when a stored value does not
     *     fit the current spec
     */
    public static Params fromJson(ParamSpec spec, JsonObject json, String owner) {
        int stored = storedVersion(json, spec, owner);
        JsonObject migrated = json.deepCopy();
        migrated.remove(VERSION_KEY);
        for (int v = stored; v < spec.version(); v++) {
            ParamMigration step = spec.migrations().get(v);
            if (step == null) {
                continue; // the keys kept their meaning across this version
            }
            try {
                step.migrate(migrated);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(owner + ": parameters stored by version " + v
                        + " could not be brought to version " + (v + 1) + ": " + e.getMessage(), e);
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Param<?> d : spec.defs()) {
            JsonElement e = migrated.get(d.key());
            if (e == null || e.isJsonNull()) {
                continue;
            }
            try {
                if (!e.isJsonPrimitive()) {
                    throw new IllegalArgumentException(d.key() + " must be a single value, got " + e);
                }
                values.put(d.key(), storedValue(d, e.getAsJsonPrimitive()));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(owner + ": the stored parameter \"" + d.key() + "\" (parameters "
                        + "version " + stored + ", now " + spec.version() + ") does not fit: " + bad.getMessage(), bad);
            }
        }
        return new Params(spec, values);
    }

    private static int storedVersion(JsonObject json, ParamSpec spec, String owner) {
        JsonElement v = json.get(VERSION_KEY);
        if (v == null) {
            return spec.version();
        }
        try {
            return v.getAsInt();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(owner + ": the stored parameters' " + VERSION_KEY + " is not a whole "
                    + "number: " + v, e);
        }
    }

    /** A JSON value in the stored form of {@code d}: numbers and booleans as such, the rest through the text parser. */
    private static Object storedValue(Param<?> d, JsonPrimitive p) {
        if (p.isNumber() && (d instanceof Param.IntParam || d instanceof Param.DoubleParam)) {
            return d.validate(p.getAsNumber());
        }
        if (p.isBoolean() && d instanceof Param.BoolParam) {
            return p.getAsBoolean();
        }
        if (d instanceof Param.TextParam) {
            return p.getAsString(); // as typed, spaces included
        }
        return d.parse(p.getAsString());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Params p && p.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
