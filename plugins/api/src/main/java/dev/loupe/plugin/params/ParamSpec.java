package dev.loupe.plugin.params;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plugin's parameters, versioned: when a plugin changes meaning of its parameters it bumps {@code version}, and
 * stored values of another version are re-validated (unknown keys dropped, missing keys defaulted).
 */
public record ParamSpec(int version, List<ParamDef> defs) {
    public ParamSpec {
        defs = List.copyOf(defs);
        Map<String, ParamDef> seen = new LinkedHashMap<>();
        for (ParamDef d : defs) {
            if (seen.put(d.key(), d) != null) {
                throw new IllegalArgumentException("duplicate parameter key " + d.key());
            }
        }
    }

    public static ParamSpec of(ParamDef... defs) {
        return new ParamSpec(1, List.of(defs));
    }

    public ParamDef def(String key) {
        for (ParamDef d : defs) {
            if (d.key().equals(key)) {
                return d;
            }
        }
        return null;
    }

    public Params defaults() {
        Map<String, Object> values = new LinkedHashMap<>();
        for (ParamDef d : defs) {
            values.put(d.key(), d.defaultValue());
        }
        return new Params(this, values);
    }

    /** Defaults overridden by {@code key=value} texts; errors name the key and what it accepts. */
    public Params parse(Map<String, String> texts) {
        Map<String, Object> values = new LinkedHashMap<>(defaults().values());
        for (var e : texts.entrySet()) {
            ParamDef d = def(e.getKey());
            if (d == null) {
                throw new IllegalArgumentException("unknown parameter \"" + e.getKey() + "\" (parameters: "
                        + String.join(", ", defs.stream().map(ParamDef::key).toList()) + ")");
            }
            values.put(d.key(), d.parse(e.getValue()));
        }
        return new Params(this, values);
    }
}
