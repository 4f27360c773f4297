package dev.loupe.plugin.result;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Results as JSON, for sessions and {@code result.json} exports. Every document carries {@code "format"},
 * {@code "version"} and a {@code "type"} discriminator; numbers are JSON numbers written in Java's shortest
 * round-trip form, so floats and doubles come back bit for bit. Non-finite values (masked attention scores are
 * -inf) are the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}, because JSON has no such numbers.
 * Image pixels are base64 (big-endian ARGB ints): a picture as a JSON number array is ten times larger. A matrix's
 * optional {@code cellText} and {@code cellDetails} are arrays of one string per cell (row-major), left out when null.
 * A comparison's {@code panels} are matrices written as the grid's cells are, each with its own title.
 *
 * <p>{@link #fromJson} trusts nothing: any missing, mistyped or inconsistent field is an
 * {@link IllegalArgumentException} whose message names the field (e.g. {@code cells[2].values[7]}).
 */
public final class ResultCodec {
    public static final String FORMAT = "loupe.result";
    public static final int VERSION = 1;

    private ResultCodec() {
    }

    public static JsonObject toJson(Result result) {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("version", VERSION);
        o.addProperty("type", typeName(result));
        o.addProperty("title", result.title());
        if (result instanceof MatrixResult m) {
            writeMatrix(m, o);
        } else if (result instanceof GridResult g) {
            o.add("rowLabels", strings(g.rowLabels()));
            o.add("colLabels", strings(g.colLabels()));
            JsonArray cells = new JsonArray();
            for (MatrixResult m : g.cells()) {
                JsonObject c = new JsonObject();
                c.addProperty("title", m.title());
                writeMatrix(m, c);
                cells.add(c);
            }
            o.add("cells", cells);
        } else if (result instanceof ComparisonResult c) {
            JsonArray panels = new JsonArray();
            for (MatrixResult m : c.panels()) {
                JsonObject p = new JsonObject();
                p.addProperty("title", m.title());
                writeMatrix(m, p);
                panels.add(p);
            }
            o.add("panels", panels);
        } else if (result instanceof TokenScoresResult t) {
            o.add("tokens", strings(t.tokens()));
            o.add("scores", floats(t.scores()));
            o.addProperty("scoreLabel", t.scoreLabel());
            o.addProperty("diverging", t.diverging());
        } else if (result instanceof SeriesResult s) {
            o.addProperty("xLabel", s.xLabel());
            o.addProperty("yLabel", s.yLabel());
            o.addProperty("kind", s.kind().name().toLowerCase(Locale.ROOT));
            JsonArray all = new JsonArray();
            for (SeriesResult.Series one : s.series()) {
                JsonObject j = new JsonObject();
                j.addProperty("name", one.name());
                j.add("xLabels", strings(one.xLabels()));
                j.add("y", doubles(one.y()));
                all.add(j);
            }
            o.add("series", all);
        } else if (result instanceof ImageResult i) {
            o.addProperty("width", i.width());
            o.addProperty("height", i.height());
            o.addProperty("argb", encodePixels(i.argb()));
        } else if (result instanceof TableResult t) {
            o.add("columns", strings(t.columns()));
            JsonArray rows = new JsonArray();
            for (List<Object> r : t.rows()) {
                JsonArray row = new JsonArray();
                for (Object cell : r) {
                    row.add(cell(cell));
                }
                rows.add(row);
            }
            o.add("rows", rows);
        } else if (result instanceof CustomResult c) {
            o.addProperty("customType", c.type());
            o.add("data", c.data() == null ? JsonNull.INSTANCE : c.data().deepCopy());
        }
        return o;
    }

    public static Result fromJson(JsonObject json) {
        if (json == null) {
            throw new IllegalArgumentException("result JSON: no document");
        }
        Fields f = new Fields(json, "");
        String format = f.string("format");
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("result JSON: field \"format\" must be \"" + FORMAT + "\", got \"" + format + "\"");
        }
        int version = f.integer("version", 1, Integer.MAX_VALUE);
        if (version > VERSION) {
            throw new IllegalArgumentException("result JSON: field \"version\" is " + version
                    + ", newer than this Loupe reads (" + VERSION + "); update Loupe to open it");
        }
        String type = f.string("type");
        String title = f.text("title");
        return switch (type) {
            case "matrix" -> readMatrix(f, title);
            case "grid" -> {
                List<String> rowLabels = f.strings("rowLabels");
                List<String> colLabels = f.strings("colLabels");
                JsonArray arr = f.array("cells");
                List<MatrixResult> cells = new ArrayList<>();
                for (int i = 0; i < arr.size(); i++) {
                    Fields c = f.child(arr.get(i), "cells[" + i + "]");
                    cells.add(readMatrix(c, c.text("title")));
                }
                yield guarded(f, "cells", () -> new GridResult(title, rowLabels, colLabels, cells));
            }
            case "comparison" -> {
                JsonArray arr = f.array("panels");
                List<MatrixResult> panels = new ArrayList<>();
                for (int i = 0; i < arr.size(); i++) {
                    Fields p = f.child(arr.get(i), "panels[" + i + "]");
                    panels.add(readMatrix(p, p.text("title")));
                }
                yield guarded(f, "panels", () -> new ComparisonResult(title, panels));
            }
            case "tokens" -> {
                List<String> tokens = f.strings("tokens");
                float[] scores = f.floats("scores");
                String label = f.text("scoreLabel");
                boolean diverging = f.bool("diverging");
                yield guarded(f, "scores", () -> new TokenScoresResult(title, tokens, scores, label, diverging));
            }
            case "series" -> {
                String xLabel = f.text("xLabel");
                String yLabel = f.text("yLabel");
                SeriesResult.Kind kind = f.choice("kind", SeriesResult.Kind.class);
                JsonArray arr = f.array("series");
                List<SeriesResult.Series> series = new ArrayList<>();
                for (int i = 0; i < arr.size(); i++) {
                    Fields s = f.child(arr.get(i), "series[" + i + "]");
                    String name = s.string("name");
                    List<String> xs = s.strings("xLabels");
                    double[] y = s.doubles("y");
                    series.add(guarded(s, "y", () -> new SeriesResult.Series(name, xs, y)));
                }
                yield new SeriesResult(title, xLabel, yLabel, kind, series);
            }
            case "image" -> {
                int width = f.integer("width", 0, Integer.MAX_VALUE);
                int height = f.integer("height", 0, Integer.MAX_VALUE);
                int[] argb = f.pixels("argb");
                yield guarded(f, "argb", () -> new ImageResult(title, width, height, argb));
            }
            case "table" -> {
                List<String> columns = f.strings("columns");
                JsonArray arr = f.array("rows");
                List<List<Object>> rows = new ArrayList<>();
                for (int i = 0; i < arr.size(); i++) {
                    String where = "rows[" + i + "]";
                    if (!arr.get(i).isJsonArray()) {
                        throw f.bad(where, "must be an array of cells");
                    }
                    JsonArray r = arr.get(i).getAsJsonArray();
                    if (r.size() != columns.size()) {
                        throw f.bad(where, "has " + r.size() + " cells for " + columns.size() + " columns");
                    }
                    List<Object> row = new ArrayList<>();
                    for (int c = 0; c < r.size(); c++) {
                        row.add(f.cell(r.get(c), where + "[" + c + "]"));
                    }
                    rows.add(row);
                }
                yield new TableResult(title, columns, rows);
            }
            case "custom" -> {
                String customType = f.string("customType");
                JsonElement data = f.required("data");
                if (!data.isJsonObject()) {
                    throw f.bad("data", "must be an object");
                }
                yield new CustomResult(title, customType, data.getAsJsonObject().deepCopy());
            }
            default -> throw f.bad("type", "is \"" + type + "\", not one of matrix, grid, comparison, tokens, series, image, table, custom");
        };
    }

    /** Pretty JSON text of {@link #toJson}. */
    public static String toJsonText(Result result) {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(toJson(result));
    }

    /** Parses JSON text strictly; syntax errors become {@link IllegalArgumentException} too. */
    public static Result fromJsonText(String text) {
        JsonElement e;
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            e = JsonParser.parseReader(reader);
            if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
                throw new IllegalArgumentException("result JSON: text after the document");
            }
        } catch (JsonParseException | java.io.IOException | IllegalStateException ex) {
            throw new IllegalArgumentException("result JSON: not valid JSON (" + firstLine(ex.getMessage()) + ")", ex);
        }
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException("result JSON: the document must be an object");
        }
        return fromJson(e.getAsJsonObject());
    }

    /** The "type" discriminator; also the name the CLI and sessions show. */
    public static String typeName(Result r) {
        if (r instanceof MatrixResult) {
            return "matrix";
        } else if (r instanceof GridResult) {
            return "grid";
        } else if (r instanceof ComparisonResult) {
            return "comparison";
        } else if (r instanceof TokenScoresResult) {
            return "tokens";
        } else if (r instanceof SeriesResult) {
            return "series";
        } else if (r instanceof ImageResult) {
            return "image";
        } else if (r instanceof TableResult) {
            return "table";
        } else if (r instanceof CustomResult) {
            return "custom";
        }
        throw new IllegalArgumentException("not a result: " + r);
    }

    // ---- writing ----

    private static void writeMatrix(MatrixResult m, JsonObject o) {
        o.addProperty("rows", m.rows());
        o.addProperty("cols", m.cols());
        o.add("values", floats(m.values()));
        o.add("rowLabels", strings(m.rowLabels()));
        o.add("colLabels", strings(m.colLabels()));
        o.addProperty("rowAxis", m.rowAxis());
        o.addProperty("colAxis", m.colAxis());
        o.addProperty("valueLabel", m.valueLabel());
        o.addProperty("diverging", m.diverging());
        // Sorted so that the same result always writes the same bytes (diffable golden files).
        JsonObject stats = new JsonObject();
        new TreeMap<>(m.stats()).forEach((k, v) -> stats.add(k, number(v)));
        o.add("stats", stats);
        // Left out when null, so documents of matrices without cell text are unchanged.
        if (m.cellText() != null) {
            o.add("cellText", strings(m.cellText()));
        }
        if (m.cellDetails() != null) {
            o.add("cellDetails", strings(m.cellDetails()));
        }
    }

    private static JsonArray strings(List<String> list) {
        JsonArray a = new JsonArray(list.size());
        list.forEach(a::add);
        return a;
    }

    private static JsonArray floats(float[] values) {
        JsonArray a = new JsonArray(values.length);
        for (float v : values) {
            // A Float primitive prints as Float.toString: the shortest text that parses back to the same float.
            a.add(Float.isFinite(v) ? new JsonPrimitive(v) : new JsonPrimitive(nonFinite(v)));
        }
        return a;
    }

    private static JsonArray doubles(double[] values) {
        JsonArray a = new JsonArray(values.length);
        for (double v : values) {
            a.add(number(v));
        }
        return a;
    }

    private static JsonPrimitive number(double v) {
        return Double.isFinite(v) ? new JsonPrimitive(v) : new JsonPrimitive(nonFinite(v));
    }

    private static String nonFinite(double v) {
        return Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
    }

    /**
     * Table cells: text, booleans and finite numbers as themselves; integral numbers without a decimal point and
     * floating ones with one, so that the reader can tell 3 from 3.0. Non-finite numbers are {"number": "NaN"},
     * because a bare "NaN" string would come back as text.
     */
    private static JsonElement cell(Object v) {
        if (v instanceof String s) {
            return new JsonPrimitive(s);
        }
        if (v instanceof Boolean b) {
            return new JsonPrimitive(b);
        }
        if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
            return new JsonPrimitive(((Number) v).longValue());
        }
        if (v instanceof Float || v instanceof Double) {
            double d = ((Number) v).doubleValue();
            if (Double.isFinite(d)) {
                return new JsonPrimitive(d);
            }
            JsonObject o = new JsonObject();
            o.addProperty("number", nonFinite(d));
            return o;
        }
        if (v instanceof Number n) {
            // BigDecimal and the like: kept as written, read back as a Double.
            return new JsonPrimitive(n.doubleValue());
        }
        return new JsonPrimitive(String.valueOf(v));
    }

    private static String encodePixels(int[] argb) {
        byte[] bytes = new byte[argb.length * 4];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            bytes[4 * i] = (byte) (p >>> 24);
            bytes[4 * i + 1] = (byte) (p >>> 16);
            bytes[4 * i + 2] = (byte) (p >>> 8);
            bytes[4 * i + 3] = (byte) p;
        }
        return Base64.getEncoder().encodeToString(bytes);
    }

    // ---- reading ----

    private static MatrixResult readMatrix(Fields f, String title) {
        int rows = f.integer("rows", 0, Integer.MAX_VALUE);
        int cols = f.integer("cols", 0, Integer.MAX_VALUE);
        float[] values = f.floats("values");
        if (values.length != (long) rows * cols) {
            throw f.bad("values", "has " + values.length + " entries for " + rows + "x" + cols);
        }
        List<String> rowLabels = f.strings("rowLabels");
        List<String> colLabels = f.strings("colLabels");
        if (rowLabels.size() != rows) {
            throw f.bad("rowLabels", "has " + rowLabels.size() + " labels for " + rows + " rows");
        }
        if (colLabels.size() != cols) {
            throw f.bad("colLabels", "has " + colLabels.size() + " labels for " + cols + " columns");
        }
        String rowAxis = f.text("rowAxis");
        String colAxis = f.text("colAxis");
        String valueLabel = f.text("valueLabel");
        boolean diverging = f.bool("diverging");
        Map<String, Double> stats = f.numberMap("stats");
        List<String> cellText = cellStrings(f, "cellText", rows, cols);
        List<String> cellDetails = cellStrings(f, "cellDetails", rows, cols);
        return new MatrixResult(title, rows, cols, values, rowLabels, colLabels, rowAxis, colAxis, valueLabel,
                diverging, stats, cellText, cellDetails);
    }

    /** Optional per-cell text: absent or null means none; otherwise one string per cell, row-major. */
    private static List<String> cellStrings(Fields f, String field, int rows, int cols) {
        if (!f.has(field)) {
            return null;
        }
        List<String> out = f.strings(field);
        if (out.size() != (long) rows * cols) {
            throw f.bad(field, "has " + out.size() + " entries for " + rows + "x" + cols + " cells (one per cell, row-major)");
        }
        return out;
    }

    private static <T> T guarded(Fields f, String field, java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw f.bad(field, "is inconsistent: " + e.getMessage());
        }
    }

    private static String firstLine(String s) {
        return s == null ? "no detail" : s.lines().findFirst().orElse("");
    }

    /** Typed access to one JSON object's fields, with errors that name the field by its path. */
    private static final class Fields {
        private final JsonObject o;
        private final String path;

        Fields(JsonObject o, String path) {
            this.o = o;
            this.path = path;
        }

        Fields child(JsonElement e, String name) {
            if (e == null || !e.isJsonObject()) {
                throw bad(name, "must be an object");
            }
            return new Fields(e.getAsJsonObject(), path + name + ".");
        }

        IllegalArgumentException bad(String field, String why) {
            return new IllegalArgumentException("result JSON: field \"" + path + field + "\" " + why);
        }

        boolean has(String field) {
            JsonElement e = o.get(field);
            return e != null && !e.isJsonNull();
        }

        JsonElement required(String field) {
            JsonElement e = o.get(field);
            if (e == null || e.isJsonNull()) {
                throw bad(field, "is missing");
            }
            return e;
        }

        String string(String field) {
            JsonElement e = required(field);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw bad(field, "must be text");
            }
            return e.getAsString();
        }

        /** Free text that a result may leave null (titles, axis names): JSON null or absent means null. */
        String text(String field) {
            JsonElement e = o.get(field);
            return e == null || e.isJsonNull() ? null : string(field);
        }

        boolean bool(String field) {
            JsonElement e = required(field);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
                throw bad(field, "must be true or false");
            }
            return e.getAsBoolean();
        }

        int integer(String field, int min, int max) {
            JsonElement e = required(field);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw bad(field, "must be a whole number");
            }
            long v;
            try {
                v = e.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
            } catch (ArithmeticException | NumberFormatException ex) {
                throw bad(field, "must be a whole number, got " + e);
            }
            if (v < min || v > max) {
                throw bad(field, "must be in " + min + ".." + max + ", got " + v);
            }
            return (int) v;
        }

        <E extends Enum<E>> E choice(String field, Class<E> type) {
            String s = string(field);
            for (E c : type.getEnumConstants()) {
                if (c.name().equalsIgnoreCase(s)) {
                    return c;
                }
            }
            throw bad(field, "is \"" + s + "\", not one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }

        JsonArray array(String field) {
            JsonElement e = required(field);
            if (!e.isJsonArray()) {
                throw bad(field, "must be an array");
            }
            return e.getAsJsonArray();
        }

        List<String> strings(String field) {
            JsonArray a = array(field);
            List<String> out = new ArrayList<>(a.size());
            for (int i = 0; i < a.size(); i++) {
                JsonElement e = a.get(i);
                if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                    throw bad(field + "[" + i + "]", "must be text");
                }
                out.add(e.getAsString());
            }
            return out;
        }

        float[] floats(String field) {
            JsonArray a = array(field);
            float[] out = new float[a.size()];
            for (int i = 0; i < out.length; i++) {
                double d = number(a.get(i), field + "[" + i + "]");
                float v = (float) d;
                if (Double.isFinite(d) && Float.isInfinite(v)) {
                    throw bad(field + "[" + i + "]", "is out of the float range: " + a.get(i));
                }
                out[i] = v;
            }
            return out;
        }

        double[] doubles(String field) {
            JsonArray a = array(field);
            double[] out = new double[a.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = number(a.get(i), field + "[" + i + "]");
            }
            return out;
        }

        Map<String, Double> numberMap(String field) {
            JsonElement e = required(field);
            if (!e.isJsonObject()) {
                throw bad(field, "must be an object of numbers");
            }
            Map<String, Double> out = new TreeMap<>();
            for (var entry : e.getAsJsonObject().entrySet()) {
                out.put(entry.getKey(), number(entry.getValue(), field + "." + entry.getKey()));
            }
            return out;
        }

        /**
         * A number, or one of the three non-finite spellings. Parsed from the JSON text with the Java parsers, which
         * round to nearest, so the shortest round-trip text written by {@link #floats} gives back the same float.
         */
        double number(JsonElement e, String where) {
            if (e != null && e.isJsonPrimitive()) {
                JsonPrimitive p = e.getAsJsonPrimitive();
                if (p.isNumber()) {
                    try {
                        double d = Double.parseDouble(p.getAsString());
                        if (Double.isInfinite(d)) {
                            throw bad(where, "is out of range: " + p.getAsString());
                        }
                        return d;
                    } catch (NumberFormatException ex) {
                        throw bad(where, "must be a number, got " + p);
                    }
                }
                if (p.isString()) {
                    switch (p.getAsString()) {
                        case "NaN":
                            return Double.NaN;
                        case "Infinity":
                            return Double.POSITIVE_INFINITY;
                        case "-Infinity":
                            return Double.NEGATIVE_INFINITY;
                        default:
                            break;
                    }
                }
            }
            throw bad(where, "must be a number (or \"NaN\", \"Infinity\", \"-Infinity\"), got " + e);
        }

        int[] pixels(String field) {
            String s = string(field);
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException ex) {
                throw bad(field, "is not base64 (" + ex.getMessage() + ")");
            }
            if (bytes.length % 4 != 0) {
                throw bad(field, "has " + bytes.length + " bytes, not whole 4-byte pixels");
            }
            int[] out = new int[bytes.length / 4];
            for (int i = 0; i < out.length; i++) {
                out[i] = (bytes[4 * i] & 0xFF) << 24 | (bytes[4 * i + 1] & 0xFF) << 16 | (bytes[4 * i + 2] & 0xFF) << 8
                        | bytes[4 * i + 3] & 0xFF;
            }
            return out;
        }

        /** Table cells: integral text -> Long, other numbers -> Double, as {@link #cell} wrote them. */
        Object cell(JsonElement e, String where) {
            if (e.isJsonObject()) {
                JsonObject n = e.getAsJsonObject();
                if (n.size() == 1 && n.has("number")) {
                    double d = number(n.get("number"), where + ".number");
                    if (!Double.isFinite(d)) {
                        return d;
                    }
                }
                throw bad(where, "must be text, a number, or true/false");
            }
            if (!e.isJsonPrimitive()) {
                throw bad(where, "must be text, a number, or true/false");
            }
            JsonPrimitive p = e.getAsJsonPrimitive();
            if (p.isString()) {
                return p.getAsString();
            }
            if (p.isBoolean()) {
                return p.getAsBoolean();
            }
            String text = p.getAsString();
            if (text.matches("-?\\d+")) {
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException ex) {
                    throw bad(where, "is an integer out of range: " + text);
                }
            }
            return number(p, where);
        }
    }
}
