package dev.loupe.plugin.result.builtin;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.loupe.plugin.result.CsvWriter;
import dev.loupe.plugin.result.ResultReader;
import dev.loupe.plugin.result.ResultType;
import dev.loupe.plugin.result.ResultWriter;
import dev.loupe.plugin.result.TableResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code "table"}: columns and rows of cells. Cells are text, booleans and finite numbers as themselves; integral
 * numbers without a decimal point and floating ones with one, so that the reader can tell 3 from 3.0; non-finite
 * numbers are {@code {"number": "NaN"}}, because a bare "NaN" string would come back as text. CSV: its columns and rows.
 */
public final class TableType implements ResultType<TableResult> {

    @Override
    public String type() {
        return "table";
    }

    @Override
    public Class<TableResult> resultClass() {
        return TableResult.class;
    }

    @Override
    public void write(TableResult t, ResultWriter o) {
        o.strings("columns", t.columns());
        JsonArray rows = new JsonArray();
        for (List<Object> r : t.rows()) {
            JsonArray row = new JsonArray();
            for (Object cell : r) {
                row.add(cell(cell));
            }
            rows.add(row);
        }
        o.json("rows", rows);
    }

    @Override
    public TableResult read(String title, ResultReader f) {
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
                row.add(readCell(f, r.get(c), where + "[" + c + "]"));
            }
            rows.add(row);
        }
        return new TableResult(title, columns, rows);
    }

    @Override
    public boolean hasCsv(TableResult result) {
        return true;
    }

    @Override
    public void writeCsv(TableResult t, CsvWriter csv) throws IOException {
        csv.row(t.columns());
        for (List<Object> row : t.rows()) {
            for (Object cell : row) {
                if (cell instanceof Float f) {
                    csv.number(f);
                } else if (cell instanceof Double d) {
                    csv.number(d);
                } else if (cell instanceof Number n) {
                    csv.raw(n.toString());
                } else {
                    csv.text(cell == null ? "" : cell.toString());
                }
            }
            csv.end();
        }
    }

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
            o.addProperty("number", Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
            return o;
        }
        if (v instanceof Number n) {
            // BigDecimal and the like: kept as written, read back as a Double.
            return new JsonPrimitive(n.doubleValue());
        }
        return new JsonPrimitive(String.valueOf(v));
    }

    /** Integral text -> Long, other numbers -> Double, as {@link #cell} wrote them. */
    private static Object readCell(ResultReader f, JsonElement e, String where) {
        if (e.isJsonObject()) {
            JsonObject n = e.getAsJsonObject();
            if (n.size() == 1 && n.has("number")) {
                double d = f.number(n.get("number"), where + ".number");
                if (!Double.isFinite(d)) {
                    return d;
                }
            }
            throw f.bad(where, "must be text, a number, or true/false");
        }
        if (!e.isJsonPrimitive()) {
            throw f.bad(where, "must be text, a number, or true/false");
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
                throw f.bad(where, "is an integer out of range: " + text);
            }
        }
        return f.number(p, where);
    }
}
