package dev.loupe.viewers;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** Lenient reads of view-state JSON: a session written by another version must never break a view. */
public final class ViewStates {
    private ViewStates() {
    }

    public static double getDouble(JsonObject o, String key, double fallback) {
        JsonElement e = o == null ? null : o.get(key);
        try {
            if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
                double d = e.getAsDouble();
                return Double.isFinite(d) ? d : fallback;
            }
        } catch (RuntimeException ignored) {
            // fall through
        }
        return fallback;
    }

    public static int getInt(JsonObject o, String key, int fallback) {
        double d = getDouble(o, key, Double.NaN);
        return Double.isNaN(d) || d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE ? fallback : (int) d;
    }

    public static String getString(JsonObject o, String key, String fallback) {
        JsonElement e = o == null ? null : o.get(key);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : fallback;
    }

    public static boolean getBoolean(JsonObject o, String key, boolean fallback) {
        JsonElement e = o == null ? null : o.get(key);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean() ? e.getAsBoolean() : fallback;
    }
}
