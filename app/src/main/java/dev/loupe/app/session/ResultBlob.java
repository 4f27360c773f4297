package dev.loupe.app.session;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.ResultCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A result as stored: since schema 3, {@link ResultCodec#toSafetensors} bytes (arrays as binary tensors, the JSON
 * structure in the metadata) with their SHA-256 to catch damage. Rows written before schema 3 were ResultCodec JSON,
 * gzip-compressed when large, hashed over the uncompressed JSON; the migration to 3 converts them, and one it could
 * not convert (damaged) keeps its old encoding and is still reported as damaged when read.
 *
 * @param size bytes of the payload the hash covers: the safetensors data, or a legacy row's uncompressed JSON
 */
record ResultBlob(String encoding, long size, String sha256, byte[] data) {
    static final String SAFETENSORS = "safetensors";
    static final String LEGACY_JSON = "json";
    static final String LEGACY_JSON_GZIP = "json+gzip";

    /** The first schema version whose results table holds {@link #SAFETENSORS} blobs. */
    static final int BINARY_SINCE = 3;
    /** Legacy rows: below this, compression saved little and cost a read-time inflate for every small table. */
    private static final int LEGACY_COMPRESS_ABOVE = 32 * 1024;
    // Activations can hold NaN or infinities; plain JSON cannot, so Gson must be told to write them.
    private static final Gson LEGACY_GSON = new GsonBuilder().serializeSpecialFloatingPointValues()
            .disableHtmlEscaping().create();

    static ResultBlob encode(Result result) {
        byte[] bytes = ResultCodec.toSafetensors(result);
        return new ResultBlob(SAFETENSORS, bytes.length, sha(bytes), bytes);
    }

    /**
     * The blob a results table at {@code schemaVersion} can hold: binary from {@link #BINARY_SINCE} on, the old JSON
     * encoding before (only a store deliberately opened at an older schema, as the migration tests do, writes it).
     */
    static ResultBlob encode(Result result, int schemaVersion) {
        if (schemaVersion >= BINARY_SINCE) {
            return encode(result);
        }
        byte[] json = LEGACY_GSON.toJson(ResultCodec.toJson(result)).getBytes(StandardCharsets.UTF_8);
        if (json.length <= LEGACY_COMPRESS_ABOVE) {
            return new ResultBlob(LEGACY_JSON, json.length, sha(json), json);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length / 3);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
            gz.write(json);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory gzip cannot fail", e);
        }
        return new ResultBlob(LEGACY_JSON_GZIP, json.length, sha(json), out.toByteArray());
    }

    /** The results table's size column at this schema version (renamed when it stopped being JSON only). */
    static String sizeColumn(int schemaVersion) {
        return schemaVersion >= BINARY_SINCE ? "size" : "json_bytes";
    }

    /**
     * The stored result. IOException when the bytes do not match their checksum (damage); IllegalArgumentException
     * when they match but do not decode (a type no installed plugin provides, a newer format).
     */
    Result decode() throws IOException {
        if (encoding.equals(SAFETENSORS)) {
            check(data);
            return ResultCodec.fromSafetensors(data);
        }
        return ResultCodec.fromJson(legacyJson());
    }

    /** A pre-schema-3 row's ResultCodec JSON, checked against its hash. */
    JsonObject legacyJson() throws IOException {
        byte[] json;
        if (encoding.equals(LEGACY_JSON_GZIP)) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
                json = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, size + 1));
            }
        } else if (encoding.equals(LEGACY_JSON)) {
            json = data;
        } else {
            throw new IOException("unknown result encoding \"" + encoding + "\"");
        }
        check(json);
        return JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
    }

    boolean legacy() {
        return !encoding.equals(SAFETENSORS);
    }

    private void check(byte[] payload) throws IOException {
        if (payload.length != size || !sha(payload).equals(sha256)) {
            throw new IOException("the stored result does not match its checksum");
        }
    }

    private static String sha(byte[] bytes) {
        return ModelHasher.hex(ModelHasher.digest().digest(bytes));
    }
}
