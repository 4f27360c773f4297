package dev.loupe.engine.format;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A Hugging Face {@code config.json}, with typed getters whose errors name the file and the field at fault. Field
 * aliases (GPT-2's {@code n_embd} vs {@code hidden_size}) are resolved by the model families, not here.
 */
public final class HfConfig {
    private final Path file;
    private final JsonObject json;
    /** "" for config.json itself; "rope_parameters." for a section, so errors name the field as a path. */
    private final String prefix;

    private HfConfig(Path file, JsonObject json, String prefix) {
        this.file = file;
        this.json = json;
        this.prefix = prefix;
    }

    public static HfConfig read(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            // Strict, as for safetensors headers: a repeated key ("n_layer": 4, ..., "n_layer": 2) must not let the
            // last one win silently, and lenient extras (comments, single quotes) are not JSON that transformers wrote.
            JsonElement root = StrictJson.parse(r);
            if (!root.isJsonObject()) {
                throw new ModelFormatException(file + ": expected a JSON object at the top level");
            }
            return new HfConfig(file, root.getAsJsonObject(), "");
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file + ": file not found (a Hugging Face checkpoint folder needs config.json)");
        } catch (StrictJson.OversizedArrayException e) {
            throw new ModelFormatException(file + ": field \"" + e.fieldName() + "\" has " + e.entries()
                    + " entries, more than any config.json holds (at most " + StrictJson.MAX_ARRAY_ENTRIES + " are read)");
        } catch (StrictJson.InvalidJsonException e) {
            throw new ModelFormatException(file + ": not valid JSON (" + e.getMessage() + ")");
        } catch (JsonParseException e) {
            throw new ModelFormatException(file + ": not valid JSON (" + rootMessage(e) + ")");
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    public static HfConfig of(Path file, JsonObject json) {
        return new HfConfig(file, json, "");
    }

    /**
     * The object under {@code field} (e.g. rope_parameters) read with the same typed getters, its errors naming
     * {@code field.inner}; null when the field is absent or null.
     */
    public HfConfig optSection(String field) {
        JsonObject o = optObject(field);
        return o == null ? null : new HfConfig(file, o, prefix + field + ".");
    }

    /** The field's name as errors spell it: "factor" inside rope_parameters is "rope_parameters.factor". */
    public String path(String field) {
        return prefix + field;
    }

    public Path file() {
        return file;
    }

    public JsonObject json() {
        return json;
    }

    public boolean has(String field) {
        return json.has(field) && !json.get(field).isJsonNull();
    }

    public String requireString(String field) {
        JsonElement e = require(field);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw bad(field, "must be a string, found " + e);
        }
        return e.getAsString();
    }

    public String optString(String field, String fallback) {
        return has(field) ? requireString(field) : fallback;
    }

    public int requireInt(String field) {
        JsonElement e = require(field);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw bad(field, "must be an integer, found " + e);
        }
        double d = e.getAsDouble();
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw bad(field, "must be an integer, found " + e);
        }
        return (int) d;
    }

    public int optInt(String field, int fallback) {
        return has(field) ? requireInt(field) : fallback;
    }

    /** Like {@link #requireInt} but also checks the value is at least {@code min}. */
    public int requireInt(String field, int min) {
        int v = requireInt(field);
        if (v < min) {
            throw bad(field, "must be at least " + min + ", found " + v);
        }
        return v;
    }

    public double requireDouble(String field) {
        JsonElement e = require(field);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw bad(field, "must be a number, found " + e);
        }
        return e.getAsDouble();
    }

    public double optDouble(String field, double fallback) {
        return has(field) ? requireDouble(field) : fallback;
    }

    public boolean optBoolean(String field, boolean fallback) {
        if (!has(field)) {
            return fallback;
        }
        JsonElement e = json.get(field);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw bad(field, "must be true or false, found " + e);
        }
        return e.getAsBoolean();
    }

    /** The first of several alias fields that is present, e.g. {@code firstInt("n_embd", "hidden_size")}. */
    public int requireIntAlias(String... fields) {
        for (String f : fields) {
            if (has(f)) {
                return requireInt(f, 1);
            }
        }
        throw new ModelFormatException(file + ": missing field \"" + prefix + fields[0] + "\"");
    }

    public JsonObject optObject(String field) {
        if (!has(field)) {
            return null;
        }
        JsonElement e = json.get(field);
        if (!e.isJsonObject()) {
            throw bad(field, "must be an object, found " + e);
        }
        return e.getAsJsonObject();
    }

    /**
     * Token ids such as eos_token_id, which configs give as one integer or a list of them; empty when absent or
     * null.
     */
    public long[] optIdList(String field) {
        if (!has(field)) {
            return new long[0];
        }
        JsonElement e = json.get(field);
        if (!e.isJsonArray()) {
            return new long[] {requireInt(field, 0)};
        }
        long[] ids = new long[e.getAsJsonArray().size()];
        for (int i = 0; i < ids.length; i++) {
            JsonElement id = e.getAsJsonArray().get(i);
            if (!id.isJsonPrimitive() || !id.getAsJsonPrimitive().isNumber() || id.getAsDouble() != Math.rint(id.getAsDouble())
                    || id.getAsDouble() < 0 || id.getAsDouble() > Integer.MAX_VALUE) {
                throw bad(field, "entry " + i + " is " + id + "; token ids must be non-negative integers");
            }
            ids[i] = id.getAsLong();
        }
        return ids;
    }

    public ModelFormatException bad(String field, String what) {
        return new ModelFormatException(file + ": field \"" + prefix + field + "\" " + what);
    }

    private JsonElement require(String field) {
        if (!has(field)) {
            throw new ModelFormatException(file + ": missing field \"" + prefix + field + "\"");
        }
        return json.get(field);
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
