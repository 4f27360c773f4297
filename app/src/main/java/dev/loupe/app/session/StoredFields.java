package dev.loupe.app.session;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Reads the session's text fields that carry no checksum (runs.params_json, models.info_json, ...). A session file
 * may have been edited or damaged by hand, so each is validated where it is read, and a bad one becomes a
 * {@link SessionException} naming the file, the table, the row and the column, never a Gson exception.
 */
final class StoredFields {
    private StoredFields() {
    }

    /** Where a field sits, for the message: "table runs, row 3, column params_json". */
    record Where(Path file, String table, Object row, String column) {
        SessionException bad(String what) {
            return new SessionException(file, "table " + table + ", " + rowName() + ", column " + column + ": " + what);
        }

        private String rowName() {
            return row instanceof String key ? "key \"" + key + "\"" : "row " + row;
        }
    }

    static JsonObject object(Where where, String text) {
        if (text == null) {
            throw where.bad("is empty (NULL) where a JSON object belongs");
        }
        JsonElement e;
        try {
            e = JsonParser.parseString(text);
        } catch (JsonParseException ex) {
            throw where.bad("is not valid JSON (" + firstLine(ex) + ")");
        }
        if (!e.isJsonObject()) {
            throw where.bad("must be a JSON object, found " + preview(text));
        }
        return e.getAsJsonObject();
    }

    static <T> T json(Where where, String text, Type type, Gson gson) {
        if (text == null) {
            throw where.bad("is empty (NULL)");
        }
        try {
            T value = gson.fromJson(text, type);
            if (value == null) {
                throw where.bad("is empty");
            }
            return value;
        } catch (JsonParseException | IllegalStateException | NumberFormatException | ClassCastException ex) {
            throw where.bad("does not hold the expected data (" + firstLine(ex) + "): " + preview(text));
        }
    }

    /** A time stored as epoch milliseconds text (session_meta). */
    static Instant millis(Where where, String text) {
        if (text == null) {
            return Instant.EPOCH;
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(text.strip()));
        } catch (NumberFormatException | java.time.DateTimeException ex) {
            throw where.bad("must be a time in milliseconds, found " + preview(text));
        }
    }

    private static String preview(String text) {
        String t = text.replaceAll("\\s+", " ");
        return t.length() <= 60 ? "\"" + t + "\"" : "\"" + t.substring(0, 57) + "...\"";
    }

    private static String firstLine(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
