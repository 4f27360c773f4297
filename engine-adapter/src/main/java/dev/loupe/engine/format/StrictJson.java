package dev.loupe.engine.format;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;

/**
 * A strict JSON parser for checkpoint headers and indexes, built on Gson's streaming reader.
 *
 * <p>Gson's {@code JsonParser} always parses leniently (unquoted names, single quotes, trailing garbage) and lets a
 * repeated key silently replace the earlier one. For a checkpoint header either would mean loading something
 * other than what the file says, so here anything beyond RFC 8259 JSON is refused, as are duplicate keys. Numbers
 * keep their literal text (see {@link #isIntegerLiteral}) so callers can tell {@code 2} from {@code 2.0}.
 */
final class StrictJson {

    /** Deep enough for any real header; guards the recursion against a hostile {@code [[[[...} header. */
    private static final int MAX_DEPTH = 64;

    /**
     * More list entries than any real config or header holds (the longest are per-layer lists and shapes). Past it
     * the rest is only counted, never kept: a 10 MB {@code [0,0,0,...]} would otherwise cost about a gigabyte of
     * heap as a tree before anyone could say it is too long.
     */
    static final int MAX_ARRAY_ENTRIES = 100_000;

    /** Why the text is not acceptable JSON, as one line that includes Gson's location ("line 1 column 9"). */
    static class InvalidJsonException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidJsonException(String message) {
            super(message);
        }
    }

    /** A list longer than {@link #MAX_ARRAY_ENTRIES}: where it is (a JSON path such as {@code $.block_schedule}) and its length. */
    static final class OversizedArrayException extends InvalidJsonException {
        private static final long serialVersionUID = 1L;
        private final String path;
        private final long entries;

        OversizedArrayException(String path, long entries) {
            super("the list at " + path + " has " + entries + " entries; at most " + MAX_ARRAY_ENTRIES + " are read");
            this.path = path;
            this.entries = entries;
        }

        /** The list's JSON path, "$.block_schedule". */
        String path() {
            return path;
        }

        /** The field's name inside the top-level object ("block_schedule"), or the whole path when it is nested deeper. */
        String fieldName() {
            return path.startsWith("$.") ? path.substring(2) : path;
        }

        long entries() {
            return entries;
        }
    }

    private StrictJson() {
    }

    static JsonElement parse(Reader in) throws IOException, InvalidJsonException {
        JsonReader reader = new JsonReader(in);
        reader.setStrictness(Strictness.STRICT);
        try {
            JsonElement root = read(reader, 0);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new InvalidJsonException("unexpected content after the JSON value at " + reader.getPath());
            }
            return root;
        } catch (com.google.gson.stream.MalformedJsonException | java.io.EOFException
                 | NumberFormatException e) {
            throw new InvalidJsonException(firstLine(e.getMessage()));
        }
    }

    private static JsonElement read(JsonReader reader, int depth) throws IOException, InvalidJsonException {
        if (depth > MAX_DEPTH) {
            throw new InvalidJsonException("nested deeper than " + MAX_DEPTH + " levels");
        }
        JsonToken token = reader.peek();
        switch (token) {
            case BEGIN_OBJECT -> {
                JsonObject object = new JsonObject();
                reader.beginObject();
                while (reader.hasNext()) {
                    String name = reader.nextName();
                    if (object.has(name)) {
                        throw new InvalidJsonException("duplicate key \"" + name + "\" at " + reader.getPath());
                    }
                    object.add(name, read(reader, depth + 1));
                }
                reader.endObject();
                return object;
            }
            case BEGIN_ARRAY -> {
                JsonArray array = new JsonArray();
                String path = reader.getPath();
                reader.beginArray();
                while (reader.hasNext()) {
                    if (array.size() == MAX_ARRAY_ENTRIES) {
                        long entries = array.size();
                        array = null; // let the kept part go while the rest is counted
                        for (; reader.hasNext(); entries++) {
                            reader.skipValue();
                        }
                        throw new OversizedArrayException(path, entries);
                    }
                    array.add(read(reader, depth + 1));
                }
                reader.endArray();
                return array;
            }
            case STRING -> {
                return new JsonPrimitive(reader.nextString());
            }
            case NUMBER -> {
                return new JsonPrimitive(new LiteralNumber(reader.nextString()));
            }
            case BOOLEAN -> {
                return new JsonPrimitive(reader.nextBoolean());
            }
            case NULL -> {
                reader.nextNull();
                return JsonNull.INSTANCE;
            }
            default -> throw new InvalidJsonException("unexpected " + token + " at " + reader.getPath());
        }
    }

    /**
     * True for a number written as a plain integer ({@code 12}, {@code -3}), false for {@code 12.0} or
     * {@code 1e3}: the safetensors reference implementation reads shapes and offsets as integers and refuses
     * the rest, and so do we.
     */
    static boolean isIntegerLiteral(JsonElement e) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            return false;
        }
        String text = e.getAsJsonPrimitive().getAsNumber().toString();
        return text.matches("-?[0-9]+");
    }

    /** A short, single-line rendering of a value for error messages; headers can be megabytes long. */
    static String preview(JsonElement e) {
        String s = String.valueOf(e);
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed JSON";
        }
        // Gson 2.11 appends "\nSee https://...troubleshooting" to its messages; our messages are single lines.
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        // Advice to switch on lenient parsing is meant for programmers, not for someone opening a checkpoint.
        return line.replaceFirst("^Use JsonReader\\.set\\w+\\([^)]*\\) to accept malformed JSON", "malformed JSON");
    }

    /** A JSON number that remembers its literal text, so {@code 2.0} is not mistaken for the integer 2. */
    private static final class LiteralNumber extends Number {
        private static final long serialVersionUID = 1L;
        private final String literal;
        private final BigDecimal value;

        LiteralNumber(String literal) {
            this.literal = literal;
            this.value = new BigDecimal(literal); // throws NumberFormatException for e.g. 1e999999999999
        }

        @Override
        public int intValue() {
            return value.intValue();
        }

        @Override
        public long longValue() {
            return value.longValue();
        }

        @Override
        public float floatValue() {
            return value.floatValue();
        }

        @Override
        public double doubleValue() {
            return value.doubleValue();
        }

        @Override
        public String toString() {
            return literal;
        }
    }
}
