package dev.loupe.plugin.result;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.loupe.engine.format.TensorData;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a {@link ResultType} writes a result. Small fields become JSON; numeric arrays become either inline JSON
 * (the {@code result.json} export: {@link ResultCodec#toJson}) or named binary tensors that the JSON refers to as
 * {@code {"tensor": "cells[2].values"}} (sessions: {@link ResultCodec#toSafetensors}). A type writes the same calls
 * either way and never knows which form it is writing.
 */
public final class ResultWriter {
    static final String TENSOR = "tensor";

    private final JsonObject json;
    private final String path;
    private final Map<String, TensorData> tensors; // null: arrays inline

    ResultWriter(JsonObject json, String path, Map<String, TensorData> tensors) {
        this.json = json;
        this.path = path;
        this.tensors = tensors;
    }

    /** Text (null allowed: written as JSON null). */
    public ResultWriter text(String field, String value) {
        json.addProperty(field, value);
        return this;
    }

    public ResultWriter integer(String field, long value) {
        json.addProperty(field, value);
        return this;
    }

    public ResultWriter bool(String field, boolean value) {
        json.addProperty(field, value);
        return this;
    }

    /** A number; non-finite ones as "NaN", "Infinity", "-Infinity" (JSON has no such numbers). */
    public ResultWriter number(String field, double value) {
        json.add(field, numberElement(value));
        return this;
    }

    public ResultWriter strings(String field, List<String> values) {
        JsonArray a = new JsonArray(values.size());
        values.forEach(a::add);
        json.add(field, a);
        return this;
    }

    /** Named numbers, sorted by name so that the same result always writes the same bytes. */
    public ResultWriter numbers(String field, Map<String, Double> values) {
        JsonObject o = new JsonObject();
        new TreeMap<>(values).forEach((k, v) -> o.add(k, numberElement(v)));
        json.add(field, o);
        return this;
    }

    /** Floats: each in its shortest round-trip text inline, or one F32 tensor. */
    public ResultWriter floats(String field, float[] values) {
        if (tensors != null) {
            return tensor(field, TensorData.ofFloats(new long[] {values.length}, values));
        }
        JsonArray a = new JsonArray(values.length);
        for (float v : values) {
            // A Float primitive prints as Float.toString: the shortest text that parses back to the same float.
            a.add(Float.isFinite(v) ? new JsonPrimitive(v) : new JsonPrimitive(nonFinite(v)));
        }
        json.add(field, a);
        return this;
    }

    /** Doubles: inline numbers, or one F64 tensor. */
    public ResultWriter doubles(String field, double[] values) {
        if (tensors != null) {
            return tensor(field, TensorData.ofDoubles(new long[] {values.length}, values));
        }
        JsonArray a = new JsonArray(values.length);
        for (double v : values) {
            a.add(numberElement(v));
        }
        json.add(field, a);
        return this;
    }

    /**
     * 32-bit words (pixels): inline as base64 of big-endian ints (a picture as a JSON number array is ten times
     * larger), or one I32 tensor.
     */
    public ResultWriter ints(String field, int[] values) {
        if (tensors != null) {
            return tensor(field, TensorData.ofInts(new long[] {values.length}, values));
        }
        byte[] bytes = new byte[values.length * 4];
        for (int i = 0; i < values.length; i++) {
            int p = values[i];
            bytes[4 * i] = (byte) (p >>> 24);
            bytes[4 * i + 1] = (byte) (p >>> 16);
            bytes[4 * i + 2] = (byte) (p >>> 8);
            bytes[4 * i + 3] = (byte) p;
        }
        json.addProperty(field, Base64.getEncoder().encodeToString(bytes));
        return this;
    }

    /** Any JSON the type builds itself (table cells, a custom result's data); copied. */
    public ResultWriter json(String field, JsonElement value) {
        json.add(field, value == null ? null : value.deepCopy());
        return this;
    }

    /**
     * A field only sessions keep, not the {@code result.json} export: how the result is shown (a matrix's view
     * kind) rather than its data, so that exports of the same data stay the same file.
     */
    public ResultWriter presentation(String field, String value) {
        if (tensors != null) {
            json.addProperty(field, value);
        }
        return this;
    }

    /** Appends a new object to the array {@code field} (created on first use) and returns its writer. */
    public ResultWriter element(String field) {
        JsonElement existing = json.get(field);
        JsonArray array;
        if (existing != null && existing.isJsonArray()) {
            array = existing.getAsJsonArray();
        } else {
            array = new JsonArray();
            json.add(field, array);
        }
        JsonObject child = new JsonObject();
        String childPath = path + field + "[" + array.size() + "].";
        array.add(child);
        return new ResultWriter(child, childPath, tensors);
    }

    private ResultWriter tensor(String field, TensorData data) {
        String name = path + field;
        tensors.put(name, data);
        JsonObject ref = new JsonObject();
        ref.addProperty(TENSOR, name);
        json.add(field, ref);
        return this;
    }

    static JsonPrimitive numberElement(double v) {
        return Double.isFinite(v) ? new JsonPrimitive(v) : new JsonPrimitive(nonFinite(v));
    }

    static String nonFinite(double v) {
        return Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
    }
}
