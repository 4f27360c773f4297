package dev.loupe.plugin.params;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parameter values, complete and validated against their spec. Immutable; {@link #with} makes a changed copy. */
public final class Params {
    private final ParamSpec spec;
    private final Map<String, Object> values;

    Params(ParamSpec spec, Map<String, Object> values) {
        this.spec = spec;
        Map<String, Object> checked = new LinkedHashMap<>();
        for (ParamDef d : spec.defs()) {
            Object v = values.getOrDefault(d.key(), d.defaultValue());
            checked.put(d.key(), d.validate(v));
        }
        this.values = Collections.unmodifiableMap(checked);
    }

    public ParamSpec spec() {
        return spec;
    }

    public Map<String, Object> values() {
        return values;
    }

    public Params with(String key, Object value) {
        if (spec.def(key) == null) {
            throw new IllegalArgumentException("unknown parameter \"" + key + "\"");
        }
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(key, value);
        return new Params(spec, copy);
    }

    public int getInt(String key) {
        return ((Number) get(key)).intValue();
    }

    public double getDouble(String key) {
        return ((Number) get(key)).doubleValue();
    }

    public boolean getBool(String key) {
        return (Boolean) get(key);
    }

    public String getString(String key) {
        return (String) get(key);
    }

    private Object get(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("unknown parameter \"" + key + "\"");
        }
        return values.get(key);
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("$version", spec.version());
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

    /** Values stored by any spec version: known keys re-validated, unknown keys dropped, missing keys defaulted. */
    public static Params fromJson(ParamSpec spec, JsonObject json) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (ParamDef d : spec.defs()) {
            JsonElement e = json.get(d.key());
            if (e == null || !e.isJsonPrimitive()) {
                continue;
            }
            JsonPrimitive p = e.getAsJsonPrimitive();
            Object v;
            if (d instanceof ParamDef.IntParam) {
                v = p.getAsInt();
            } else if (d instanceof ParamDef.DoubleParam) {
                v = p.getAsDouble();
            } else if (d instanceof ParamDef.BoolParam) {
                v = p.getAsBoolean();
            } else {
                v = p.getAsString();
            }
            values.put(d.key(), v);
        }
        return new Params(spec, values);
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
