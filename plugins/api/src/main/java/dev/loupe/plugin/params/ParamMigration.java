package dev.loupe.plugin.params;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonObject;
import java.util.function.UnaryOperator;

/**
 * One step of a plugin's parameter history: rewrites values stored by spec version {@code n} (the JSON a session
 * holds, "$version" aside) into what version {@code n + 1} reads. A plugin declares a step with
 * {@link ParamSpec#migrateFrom} when it renames a key, changes a value's meaning or narrows what is allowed, so that
 * a session made by the older plugin still opens; values the step leaves invalid are refused with a message.
 */
@FunctionalInterface
public interface ParamMigration {
    /** Rewrites {@code values} in place; it is a copy, so a step may change it freely. */
    void migrate(JsonObject values);

    default ParamMigration andThen(ParamMigration next) {
        return values -> {
            migrate(values);
            next.migrate(values);
        };
    }

    /** The key {@code from} is now {@code to}; its value is kept. */
    static ParamMigration rename(String from, String to) {
        return values -> {
            JsonElement v = values.remove(from);
            if (v != null) {
                values.add(to, v);
            }
        };
    }

    /** The value of {@code key}, when stored, goes through {@code convert} (e.g. a unit or a renamed choice). */
    static ParamMigration convert(String key, UnaryOperator<JsonElement> convert) {
        return values -> {
            JsonElement v = values.get(key);
            if (v != null) {
                values.add(key, convert.apply(v));
            }
        };
    }

    /** A choice named {@code from} is now named {@code to}. */
    static ParamMigration renameChoice(String key, String from, String to) {
        return convert(key, v -> v.isJsonPrimitive() && v.getAsString().equals(from) ? new JsonPrimitive(to) : v);
    }
}
