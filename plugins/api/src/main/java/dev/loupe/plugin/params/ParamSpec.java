package dev.loupe.plugin.params;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A plugin's parameters, versioned: when a plugin renames a parameter or changes what its values mean, it bumps
 * {@code version} and declares how values stored by the older version become the new ones
 * ({@link #migrateFrom}); {@link Params#fromJson} applies those steps when a session made by the older plugin is
 * opened. Without a step, stored values of another version are re-validated as they are (unknown keys dropped,
 * missing keys defaulted).
 *
 * @param migrations the step from each older version to the next, by the version it starts from
 */
public record ParamSpec(int version, List<Param<?>> defs, Map<Integer, ParamMigration> migrations) {
    public ParamSpec {
        if (version < 1) {
            throw new IllegalArgumentException("a parameter spec version starts at 1, got " + version);
        }
        defs = List.copyOf(defs);
        Map<String, Param<?>> seen = new LinkedHashMap<>();
        for (Param<?> d : defs) {
            if (seen.put(d.key(), d) != null) {
                throw new IllegalArgumentException("duplicate parameter key " + d.key());
            }
        }
        for (int from : migrations.keySet()) {
            if (from < 1 || from >= version) {
                throw new IllegalArgumentException("a migration from version " + from + " does not lead to version "
                        + version);
            }
        }
        migrations = Collections.unmodifiableMap(new TreeMap<>(migrations));
    }

    /** Version 1 of a plugin's parameters. */
    public static ParamSpec of(Param<?>... defs) {
        return of(1, defs);
    }

    public static ParamSpec of(int version, Param<?>... defs) {
        return new ParamSpec(version, List.of(defs), Map.of());
    }

    /** This spec with the step that turns values stored by version {@code from} into version {@code from + 1}'s. */
    public ParamSpec migrateFrom(int from, ParamMigration step) {
        if (migrations.containsKey(from)) {
            throw new IllegalArgumentException("a migration from version " + from + " is already declared");
        }
        Map<Integer, ParamMigration> all = new TreeMap<>(migrations);
        all.put(from, Objects.requireNonNull(step));
        return new ParamSpec(version, defs, all);
    }

    public Param<?> def(String key) {
        for (Param<?> d : defs) {
            if (d.key().equals(key)) {
                return d;
            }
        }
        return null;
    }

    public Params defaults() {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Param<?> d : defs) {
            values.put(d.key(), d.defaultValue());
        }
        return new Params(this, values);
    }

    /** Defaults overridden by {@code key=value} texts; errors name the key and what it accepts. */
    public Params parse(Map<String, String> texts) {
        Map<String, Object> values = new LinkedHashMap<>(defaults().values());
        for (var e : texts.entrySet()) {
            Param<?> d = def(e.getKey());
            if (d == null) {
                throw new IllegalArgumentException("unknown parameter \"" + e.getKey() + "\" (parameters: "
                        + String.join(", ", defs.stream().map(Param::key).toList()) + ")");
            }
            values.put(d.key(), d.parse(e.getValue()));
        }
        return new Params(this, values);
    }

    /**
     * Specs are equal when they define the same parameters at the same version; migration steps (functions) take no
     * part, so a plugin that builds its spec on each call still has one spec.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof ParamSpec s && s.version == version && s.defs.equals(defs);
    }

    @Override
    public int hashCode() {
        return 31 * version + defs.hashCode();
    }
}
