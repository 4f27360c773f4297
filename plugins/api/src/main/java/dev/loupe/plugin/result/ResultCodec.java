package dev.loupe.plugin.result;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import dev.loupe.engine.format.ModelFormatException;
import dev.loupe.engine.format.SafetensorsFile;
import dev.loupe.engine.format.SafetensorsWriter;
import dev.loupe.engine.format.TensorData;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Results in their two stored forms, both through the result's {@link ResultType}:
 * <ul>
 * <li>JSON ({@link #toJson}, the {@code result.json} export): every document carries {@code "format"},
 *     {@code "version"}, a {@code "type"} discriminator and the title; numbers are JSON numbers written in Java's
 *     shortest round-trip form, so floats and doubles come back bit for bit; non-finite values (masked attention
 *     scores are -inf) are the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}; image pixels are
 *     base64 (big-endian ARGB ints).</li>
 * <li>safetensors ({@link #toSafetensors}, sessions): the same document with every numeric array replaced by
 *     {@code {"tensor": NAME}}, kept as the metadata entry {@value #METADATA_KEY}, and the arrays as little-endian
 *     tensors of that file: large results are not JSON text. Presentation fields (a matrix's view kind) are kept
 *     here only, so exports of the same data stay the same file.</li>
 * </ul>
 *
 * <p>Reading trusts nothing: any missing, mistyped or inconsistent field is an {@link IllegalArgumentException}
 * whose message names the field (e.g. {@code cells[2].values[7]}).
 */
public final class ResultCodec {
    public static final String FORMAT = "loupe.result";
    public static final int VERSION = 1;
    /** The safetensors metadata entry that holds a stored result's JSON structure. */
    public static final String METADATA_KEY = "loupe.result";

    private static final Gson COMPACT = new GsonBuilder().disableHtmlEscaping().create();

    private ResultCodec() {
    }

    public static JsonObject toJson(Result result) {
        return write(result, null);
    }

    public static Result fromJson(JsonObject json) {
        return read(json, null);
    }

    /** The result as safetensors bytes: its arrays as tensors, its JSON structure in the metadata. */
    public static byte[] toSafetensors(Result result) {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        JsonObject structure = write(result, tensors);
        return SafetensorsWriter.toBytes(tensors, Map.of(METADATA_KEY, COMPACT.toJson(structure)));
    }

    /** Reads what {@link #toSafetensors} wrote; IllegalArgumentException naming what is wrong. */
    public static Result fromSafetensors(byte[] bytes) {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        String structure;
        try (SafetensorsFile file = SafetensorsFile.read(ByteBuffer.wrap(bytes), "stored result")) {
            structure = file.metadata().get(METADATA_KEY);
            for (var info : file.tensors()) {
                tensors.put(info.name(), new TensorData(info.dtype(), info.shape(), file.data(info.name())));
            }
        } catch (ModelFormatException e) {
            throw new IllegalArgumentException("result: not valid safetensors data (" + e.getMessage() + ")", e);
        }
        if (structure == null) {
            throw new IllegalArgumentException("result: the safetensors data has no \"" + METADATA_KEY + "\" metadata");
        }
        return read(parse(structure), tensors);
    }

    private static <R extends Result> JsonObject write(R result, Map<String, TensorData> tensors) {
        ResultType<R> type = ResultTypes.forResult(result);
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("version", VERSION);
        o.addProperty("type", type.type());
        o.addProperty("title", result.title());
        type.write(result, new ResultWriter(o, "", tensors));
        return o;
    }

    private static Result read(JsonObject json, Map<String, TensorData> tensors) {
        if (json == null) {
            throw new IllegalArgumentException("result JSON: no document");
        }
        ResultReader f = new ResultReader(json, "", tensors);
        String format = f.string("format");
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("result JSON: field \"format\" must be \"" + FORMAT + "\", got \"" + format + "\"");
        }
        int version = f.integer("version", 1, Integer.MAX_VALUE);
        if (version > VERSION) {
            throw new IllegalArgumentException("result JSON: field \"version\" is " + version
                    + ", newer than this Loupe reads (" + VERSION + "); update Loupe to open it");
        }
        String typeName = f.string("type");
        String title = f.text("title");
        ResultType<?> type = ResultTypes.forName(typeName).orElseThrow(() -> f.bad("type", "is \"" + typeName
                + "\", not one of " + String.join(", ", ResultTypes.names())
                + " (a plugin's type needs its plugin installed)"));
        return type.read(title, f);
    }

    /** Pretty JSON text of {@link #toJson}. */
    public static String toJsonText(Result result) {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(toJson(result));
    }

    /** Parses JSON text strictly; syntax errors become {@link IllegalArgumentException} too. */
    public static Result fromJsonText(String text) {
        return fromJson(parse(text));
    }

    private static JsonObject parse(String text) {
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
        return e.getAsJsonObject();
    }

    /** The "type" discriminator; also the name the CLI and sessions show. */
    public static String typeName(Result r) {
        return ResultTypes.typeName(r);
    }

    private static String firstLine(String s) {
        return s == null ? "no detail" : s.lines().findFirst().orElse("");
    }
}
