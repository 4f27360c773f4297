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

/** A result as stored: ResultCodec JSON, gzip-compressed when large, with the JSON's SHA-256 to catch damage. */
record ResultBlob(String encoding, long jsonBytes, String sha256, byte[] data) {
    /** Below this, compression saves little and costs a read-time inflate for every small table. */
    static final int COMPRESS_ABOVE = 32 * 1024;
    static final String JSON = "json";
    static final String JSON_GZIP = "json+gzip";

    // Activations can hold NaN or infinities; plain JSON cannot, so Gson must be told to write them.
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().disableHtmlEscaping().create();

    static ResultBlob encode(Result result) {
        byte[] json = GSON.toJson(ResultCodec.toJson(result)).getBytes(StandardCharsets.UTF_8);
        String sha = ModelHasher.hex(ModelHasher.digest().digest(json));
        if (json.length <= COMPRESS_ABOVE) {
            return new ResultBlob(JSON, json.length, sha, json);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length / 3);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
            gz.write(json);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory gzip cannot fail", e);
        }
        return new ResultBlob(JSON_GZIP, json.length, sha, out.toByteArray());
    }

    /** The stored JSON, checked against its hash; throws IOException naming what is wrong. */
    JsonObject json() throws IOException {
        byte[] json;
        if (encoding.equals(JSON_GZIP)) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
                json = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, jsonBytes + 1));
            }
        } else if (encoding.equals(JSON)) {
            json = data;
        } else {
            throw new IOException("unknown result encoding \"" + encoding + "\"");
        }
        if (json.length != jsonBytes || !ModelHasher.hex(ModelHasher.digest().digest(json)).equals(sha256)) {
            throw new IOException("the stored result does not match its checksum");
        }
        return JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
    }
}
