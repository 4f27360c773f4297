package dev.loupe.engine.format;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.loupe.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the safetensors format: an 8-byte little-endian header length, a JSON header, then the tensor bytes.
 *
 * <p>The header is padded with spaces to a multiple of 8 so that the data section starts 8-byte aligned, as the
 * reference implementation does; readers that map F64/I64 tensors then see aligned memory. Tensors are laid out
 * back to back in the map's iteration order, so pass a {@link java.util.LinkedHashMap} for a stable file.
 *
 * <p>The file appears atomically: it is written to a temporary file in the same folder and moved into place, so a
 * crash or a reader racing the writer never sees half a checkpoint.
 */
public final class SafetensorsWriter {

    static final String METADATA_KEY = "__metadata__";

    // HTML escaping would turn '<' in a tensor name or metadata value into \u003c: valid JSON, but needlessly
    // different from what the Python library writes.
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private SafetensorsWriter() {
    }

    /**
     * @param tensors  name -> tensor, written in iteration order
     * @param metadata free-form string pairs stored under {@code __metadata__}; omitted when null or empty
     * @throws IllegalArgumentException for a name the format cannot hold (empty, or {@code __metadata__})
     * @throws ModelFormatException     naming the file if it cannot be written
     */
    public static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata) {
        Map<String, PendingTensor> pending = new LinkedHashMap<>();
        tensors.forEach((name, t) -> pending.put(name, t == null ? null : PendingTensor.of(t)));
        writeStreaming(file, pending, metadata);
    }

    /**
     * As {@link #write}, asking each tensor for its bytes only when the writer reaches it; at most one tensor's
     * bytes are held at a time.
     */
    public static void writeStreaming(Path file, Map<String, PendingTensor> tensors, Map<String, String> metadata) {
        byte[] header = headerBytes(tensors, metadata);
        try {
            AtomicFiles.writeChannel(file, out -> {
                ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                length.putLong(header.length).flip();
                writeFully(out, length);
                writeFully(out, ByteBuffer.wrap(header));
                for (Map.Entry<String, PendingTensor> e : tensors.entrySet()) {
                    writeFully(out, e.getValue().bytes(e.getKey()));
                }
            });
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot write safetensors file (" + e + ")", e);
        }
    }

    /** The same bytes {@link #write} puts in a file, in memory (for a blob in a database). */
    public static byte[] toBytes(Map<String, TensorData> tensors, Map<String, String> metadata) {
        Map<String, PendingTensor> pending = new LinkedHashMap<>();
        tensors.forEach((name, t) -> pending.put(name, t == null ? null : PendingTensor.of(t)));
        byte[] header = headerBytes(pending, metadata);
        long size = 8L + header.length;
        for (TensorData t : tensors.values()) {
            size += t.byteLength();
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("safetensors data of " + size + " bytes does not fit in memory; write a file");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(header.length).put(header);
        for (TensorData t : tensors.values()) {
            out.put(t.data());
        }
        return out.array();
    }

    /** The JSON header, space-padded to a multiple of 8 bytes. */
    static byte[] headerBytes(Map<String, PendingTensor> tensors, Map<String, String> metadata) {
        JsonObject header = new JsonObject(); // keeps insertion order, so the header lists tensors as given
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach((k, v) -> {
                if (k == null || v == null) {
                    throw new IllegalArgumentException("metadata keys and values must not be null: " + k + "=" + v);
                }
                meta.addProperty(k, v);
            });
            header.add(METADATA_KEY, meta);
        }
        long offset = 0;
        for (Map.Entry<String, PendingTensor> e : tensors.entrySet()) {
            String name = e.getKey();
            PendingTensor t = e.getValue();
            if (name == null || name.isEmpty() || name.equals(METADATA_KEY)) {
                String shown = name == null ? "null" : "\"" + name + "\"";
                throw new IllegalArgumentException("invalid tensor name: " + shown);
            }
            if (t == null) {
                throw new IllegalArgumentException("tensor \"" + name + "\" is null");
            }
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", t.dtype().safetensorsName());
            JsonArray shape = new JsonArray();
            for (long d : t.shape()) {
                shape.add(d);
            }
            entry.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offset = Math.addExact(offset, t.byteLength());
            offsets.add(offset);
            entry.add("data_offsets", offsets);
            header.add(name, entry);
        }
        byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            out[i] = ' ';
        }
        return out;
    }

    private static void writeFully(FileChannel out, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            out.write(src);
        }
    }
}
