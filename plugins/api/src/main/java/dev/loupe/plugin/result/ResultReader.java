package dev.loupe.plugin.result;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.loupe.engine.format.TensorDType;
import dev.loupe.engine.format.TensorData;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Typed, distrustful access to one object of a result document, as a {@link ResultType} reads it: any missing,
 * mistyped or inconsistent field is an {@link IllegalArgumentException} whose message names the field by its path
 * (e.g. {@code cells[2].values[7]}). Numeric arrays are read from inline JSON or from the named tensor the field
 * refers to, whichever {@link ResultWriter} wrote.
 */
public final class ResultReader {
    private final JsonObject o;
    private final String path;
    private final Map<String, TensorData> tensors;

    ResultReader(JsonObject o, String path, Map<String, TensorData> tensors) {
        this.o = o;
        this.path = path;
        this.tensors = tensors;
    }

    /** The error for a bad field, naming it by its path. */
    public IllegalArgumentException bad(String field, String why) {
        return new IllegalArgumentException("result JSON: field \"" + path + field + "\" " + why);
    }

    public boolean has(String field) {
        JsonElement e = o.get(field);
        return e != null && !e.isJsonNull();
    }

    public JsonElement required(String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            throw bad(field, "is missing");
        }
        return e;
    }

    /** Required text. */
    public String string(String field) {
        JsonElement e = required(field);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw bad(field, "must be text");
        }
        return e.getAsString();
    }

    /** Free text that a result may leave null (titles, axis names): JSON null or absent means null. */
    public String text(String field) {
        JsonElement e = o.get(field);
        return e == null || e.isJsonNull() ? null : string(field);
    }

    public boolean bool(String field) {
        JsonElement e = required(field);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw bad(field, "must be true or false");
        }
        return e.getAsBoolean();
    }

    public int integer(String field, int min, int max) {
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

    public <E extends Enum<E>> E choice(String field, Class<E> type) {
        String s = string(field);
        for (E c : type.getEnumConstants()) {
            if (c.name().equalsIgnoreCase(s)) {
                return c;
            }
        }
        throw bad(field, "is \"" + s + "\", not one of " + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
    }

    public JsonArray array(String field) {
        JsonElement e = required(field);
        if (!e.isJsonArray()) {
            throw bad(field, "must be an array");
        }
        return e.getAsJsonArray();
    }

    /** The objects of the array {@code field}, each as a reader whose errors say {@code field[i].…}. */
    public List<ResultReader> objects(String field) {
        JsonArray a = array(field);
        List<ResultReader> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            String name = field + "[" + i + "]";
            if (!a.get(i).isJsonObject()) {
                throw bad(name, "must be an object");
            }
            out.add(new ResultReader(a.get(i).getAsJsonObject(), path + name + ".", tensors));
        }
        return out;
    }

    public List<String> strings(String field) {
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

    public float[] floats(String field) {
        ByteBuffer t = tensor(field, TensorDType.F32);
        if (t != null) {
            float[] out = new float[t.remaining() / 4];
            t.asFloatBuffer().get(out);
            return out;
        }
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

    public double[] doubles(String field) {
        ByteBuffer t = tensor(field, TensorDType.F64);
        if (t != null) {
            double[] out = new double[t.remaining() / 8];
            t.asDoubleBuffer().get(out);
            return out;
        }
        JsonArray a = array(field);
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(a.get(i), field + "[" + i + "]");
        }
        return out;
    }

    /** What {@link ResultWriter#ints} wrote: base64 of big-endian ints, or an I32 tensor. */
    public int[] ints(String field) {
        ByteBuffer t = tensor(field, TensorDType.I32);
        if (t != null) {
            int[] out = new int[t.remaining() / 4];
            t.asIntBuffer().get(out);
            return out;
        }
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

    public Map<String, Double> numberMap(String field) {
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
     * round to nearest, so the shortest round-trip text {@link ResultWriter} writes gives back the same value.
     */
    public double number(JsonElement e, String where) {
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

    /** Builds a value, turning its constructor's complaint into one that names {@code field}. */
    public <T> T guarded(String field, Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw bad(field, "is inconsistent: " + e.getMessage());
        }
    }

    /** The bytes of the tensor {@code field} refers to, or null when the field is not a tensor reference. */
    private ByteBuffer tensor(String field, TensorDType dtype) {
        JsonElement e = required(field);
        if (!e.isJsonObject()) {
            return null;
        }
        JsonObject ref = e.getAsJsonObject();
        JsonElement name = ref.get(ResultWriter.TENSOR);
        if (ref.size() != 1 || name == null || !name.isJsonPrimitive() || !name.getAsJsonPrimitive().isString()) {
            throw bad(field, "must be an array or {\"tensor\": NAME}");
        }
        TensorData t = tensors == null ? null : tensors.get(name.getAsString());
        if (t == null) {
            throw bad(field, "refers to tensor \"" + name.getAsString() + "\", which the result does not hold");
        }
        if (t.dtype() != dtype || t.shape().length != 1) {
            throw bad(field, "refers to a " + t.dtype() + " tensor of shape " + Arrays.toString(t.shape())
                    + ", expected a 1-D " + dtype + " tensor");
        }
        return t.data();
    }
}
