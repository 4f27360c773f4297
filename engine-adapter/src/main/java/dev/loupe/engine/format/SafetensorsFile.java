package dev.loupe.engine.format;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code .safetensors} file, opened for reading.
 *
 * <p>Only the JSON header is read into the heap. {@link #data} maps each tensor on its own, so a file larger than
 * 2 GiB (the limit of a single {@link java.nio.MappedByteBuffer}) works as long as each tensor fits, and nothing
 * big is cached: a mapping lives as long as the caller holds the buffer, and the operating system pages it in on
 * demand.
 *
 * <p>The header is validated completely when the file is opened, so a corrupt checkpoint fails at load time with
 * one line naming the file and the tensor or field at fault, not later as a crash in the middle of a forward pass.
 * Gaps between tensors and trailing bytes are tolerated (they are harmless); overlaps are not, because two
 * tensors sharing bytes is never what a writer meant.
 *
 * <p>{@link TensorInfo#dataOffset()} is the absolute offset in the file (8 + header length + {@code begin}), so it
 * can be mapped directly.
 */
public final class SafetensorsFile implements TensorSource {

    /** The reference implementation's limit; a larger header is a corrupt or hostile file, not a real model. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final int LENGTH_PREFIX_BYTES = 8;

    private final Path file;
    private final FileChannel channel; // null when the file is held in memory (see read(ByteBuffer, String))
    private final ByteBuffer memory;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;
    private final long totalBytes;
    private volatile boolean closed;

    private SafetensorsFile(Path file, FileChannel channel, ByteBuffer memory, Map<String, TensorInfo> tensors,
                            Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.memory = memory;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
        long sum = 0;
        for (TensorInfo t : tensors.values()) {
            sum += t.byteLength();
        }
        this.totalBytes = sum;
    }

    /**
     * Opens and validates {@code file}.
     *
     * @throws ModelFormatException naming the file (and the tensor or field) if it is missing, unreadable or
     *                              not a well-formed safetensors file
     */
    public static SafetensorsFile open(Path file) {
        if (Files.isDirectory(file)) {
            throw new ModelFormatException(file + ": is a folder, not a safetensors file");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file + ": file not found");
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot open (" + e + ")", e);
        }
        try {
            return readHeader(file, channel, null);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /**
     * Reads safetensors bytes held in memory (a blob from a database), validated as {@link #open} validates a file;
     * {@code name} stands for the file in messages and {@link TensorInfo#file()}.
     */
    public static SafetensorsFile read(ByteBuffer bytes, String name) {
        ByteBuffer memory = bytes.slice().asReadOnlyBuffer();
        return readHeader(Path.of(name), null, memory);
    }

    private static SafetensorsFile readHeader(Path file, FileChannel channel, ByteBuffer memory) {
        try {
            long fileSize = channel != null ? channel.size() : memory.remaining();
            if (fileSize < LENGTH_PREFIX_BYTES) {
                throw fail(file, "truncated: the file is " + fileSize
                        + " bytes, too short for the 8-byte header length");
            }
            ByteBuffer prefix = ByteBuffer.allocate(LENGTH_PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, memory, prefix, 0);
            long headerLength = prefix.flip().getLong();
            // The length is an unsigned 64-bit number: compared unsigned, a huge value is "too long", not negative.
            if (Long.compareUnsigned(headerLength, fileSize - LENGTH_PREFIX_BYTES) > 0) {
                throw fail(file, "truncated: header length " + Long.toUnsignedString(headerLength)
                        + " exceeds file size " + fileSize);
            }
            if (headerLength > MAX_HEADER_BYTES) {
                throw fail(file, "header length " + headerLength + " exceeds the limit of " + MAX_HEADER_BYTES
                        + " bytes");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, memory, headerBytes, LENGTH_PREFIX_BYTES);
            JsonObject header = parseHeader(file, headerBytes.flip());

            long dataStart = LENGTH_PREFIX_BYTES + headerLength;
            long dataSectionSize = fileSize - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            Map<String, long[]> ranges = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> entry : header.entrySet()) {
                String name = entry.getKey();
                if (name.equals(SafetensorsWriter.METADATA_KEY)) {
                    readMetadata(file, entry.getValue(), metadata);
                    continue;
                }
                long[] range = new long[2];
                TensorInfo info = readTensorEntry(file, name, entry.getValue(), dataStart, dataSectionSize, range);
                tensors.put(name, info);
                ranges.put(name, range);
            }
            checkNoOverlaps(file, ranges);
            return new SafetensorsFile(file, channel, memory, tensors, metadata);
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read (" + e + ")", e);
        }
    }

    private static JsonObject parseHeader(Path file, ByteBuffer bytes) throws IOException {
        CharBuffer text;
        try {
            // A strict decoder: the lenient default would turn bad bytes into U+FFFD and invent tensor names.
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
        } catch (CharacterCodingException e) {
            throw fail(file, "header is not valid UTF-8");
        }
        JsonElement root;
        try {
            root = StrictJson.parse(new StringReader(text.toString()));
        } catch (StrictJson.InvalidJsonException e) {
            throw fail(file, "header is not valid JSON (" + e.getMessage() + ")");
        }
        if (!root.isJsonObject()) {
            throw fail(file, "header is not a JSON object (found " + StrictJson.preview(root) + ")");
        }
        return root.getAsJsonObject();
    }

    private static void readMetadata(Path file, JsonElement value, Map<String, String> into) {
        if (!value.isJsonObject()) {
            throw fail(file, "field \"" + SafetensorsWriter.METADATA_KEY + "\" must be an object of strings, found "
                    + StrictJson.preview(value));
        }
        for (Map.Entry<String, JsonElement> e : value.getAsJsonObject().entrySet()) {
            JsonElement v = e.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw fail(file, "field \"" + SafetensorsWriter.METADATA_KEY + "\" entry \"" + e.getKey()
                        + "\" must be a string, found " + StrictJson.preview(v));
            }
            into.put(e.getKey(), v.getAsString());
        }
    }

    /** Validates one tensor entry; {@code rangeOut} receives its [begin, end) in the data section. */
    private static TensorInfo readTensorEntry(Path file, String name, JsonElement value, long dataStart,
                                              long dataSectionSize, long[] rangeOut) {
        String where = "tensor \"" + name + "\"";
        if (!value.isJsonObject()) {
            throw fail(file, where + ": entry must be a JSON object, found " + StrictJson.preview(value));
        }
        JsonObject entry = value.getAsJsonObject();

        JsonElement dtypeField = requireField(file, where, entry, "dtype");
        if (!dtypeField.isJsonPrimitive() || !dtypeField.getAsJsonPrimitive().isString()) {
            throw fail(file, where + ": field \"dtype\" must be a string, found " + StrictJson.preview(dtypeField));
        }
        TensorDType dtype = TensorDType.fromSafetensors(dtypeField.getAsString());
        if (dtype == null) {
            throw fail(file, where + ": unknown dtype \"" + dtypeField.getAsString() + "\" (Loupe reads "
                    + knownDTypes() + ")");
        }

        JsonElement shapeField = requireField(file, where, entry, "shape");
        if (!shapeField.isJsonArray()) {
            throw fail(file, where + ": field \"shape\" must be an array of non-negative integers, found "
                    + StrictJson.preview(shapeField));
        }
        JsonArray shapeArray = shapeField.getAsJsonArray();
        long[] shape = new long[shapeArray.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonElement dim = shapeArray.get(i);
            if (!StrictJson.isIntegerLiteral(dim)) {
                throw fail(file, where + ": field \"shape\" has a non-integer dimension " + StrictJson.preview(dim));
            }
            shape[i] = parseNonNegativeLong(file, where, "shape", dim, "dimension");
        }

        JsonElement offsetsField = requireField(file, where, entry, "data_offsets");
        if (!offsetsField.isJsonArray() || offsetsField.getAsJsonArray().size() != 2
                || !StrictJson.isIntegerLiteral(offsetsField.getAsJsonArray().get(0))
                || !StrictJson.isIntegerLiteral(offsetsField.getAsJsonArray().get(1))) {
            throw fail(file, where + ": field \"data_offsets\" must be two non-negative integers [begin, end], found "
                    + StrictJson.preview(offsetsField));
        }
        long begin = parseNonNegativeLong(file, where, "data_offsets", offsetsField.getAsJsonArray().get(0), "offset");
        long end = parseNonNegativeLong(file, where, "data_offsets", offsetsField.getAsJsonArray().get(1), "offset");
        if (begin > end) {
            throw fail(file, where + ": field \"data_offsets\" has begin " + begin + " after end " + end);
        }

        long expectedBytes;
        try {
            expectedBytes = Math.multiplyExact(TensorData.elementCount(shape), dtype.bytes());
        } catch (ArithmeticException e) {
            throw fail(file, where + ": shape " + Arrays.toString(shape) + " has too many elements");
        }
        if (end - begin != expectedBytes) {
            throw fail(file, "offsets lie: " + where + " has data_offsets [" + begin + ", " + end + "] ("
                    + (end - begin) + " bytes) but dtype " + dtype.safetensorsName() + " with shape "
                    + Arrays.toString(shape) + " needs " + expectedBytes + " bytes");
        }
        if (end > dataSectionSize) {
            throw fail(file, "truncated: " + where + " needs bytes up to " + end + " but the data section has "
                    + dataSectionSize);
        }
        rangeOut[0] = begin;
        rangeOut[1] = end;
        return new TensorInfo(name, file, dtype, shape, dataStart + begin, expectedBytes);
    }

    private static void checkNoOverlaps(Path file, Map<String, long[]> ranges) {
        List<Map.Entry<String, long[]>> sorted = new ArrayList<>();
        for (Map.Entry<String, long[]> e : ranges.entrySet()) {
            if (e.getValue()[1] > e.getValue()[0]) { // an empty tensor owns no bytes, so it cannot collide
                sorted.add(e);
            }
        }
        sorted.sort(Comparator.comparingLong(e -> e.getValue()[0]));
        for (int i = 1; i < sorted.size(); i++) {
            Map.Entry<String, long[]> previous = sorted.get(i - 1);
            Map.Entry<String, long[]> current = sorted.get(i);
            if (current.getValue()[0] < previous.getValue()[1]) {
                throw fail(file, "tensors \"" + previous.getKey() + "\" " + Arrays.toString(previous.getValue())
                        + " and \"" + current.getKey() + "\" " + Arrays.toString(current.getValue())
                        + " overlap in the data section");
            }
        }
    }

    private static JsonElement requireField(Path file, String where, JsonObject entry, String field) {
        JsonElement value = entry.get(field);
        if (value == null || value.isJsonNull()) {
            throw fail(file, where + ": missing field \"" + field + "\"");
        }
        return value;
    }

    private static long parseNonNegativeLong(Path file, String where, String field, JsonElement number,
                                             String what) {
        String literal = number.getAsJsonPrimitive().getAsNumber().toString();
        if (literal.startsWith("-")) {
            throw fail(file, where + ": field \"" + field + "\" has a negative " + what + " " + literal);
        }
        try {
            return Long.parseLong(literal);
        } catch (NumberFormatException e) {
            throw fail(file, where + ": field \"" + field + "\" has an impossibly large " + what + " " + literal);
        }
    }

    private static String knownDTypes() {
        StringBuilder sb = new StringBuilder();
        for (TensorDType t : TensorDType.values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(t.safetensorsName());
        }
        return sb.toString();
    }

    // ---- TensorSource ----

    public Path file() {
        return file;
    }

    /** The {@code __metadata__} string pairs (empty when the file has none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensors in header order. */
    public List<TensorInfo> tensors() {
        return List.copyOf(tensors.values());
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new ModelFormatException(file + ": no tensor named \"" + name + "\" (the file has "
                    + tensors.size() + " tensors)");
        }
        return info;
    }

    @Override
    public ByteBuffer data(String name) {
        TensorInfo info = info(name);
        if (closed) {
            throw new IllegalStateException(file + ": already closed");
        }
        if (memory != null) {
            return memory.slice((int) info.dataOffset(), (int) info.byteLength()).order(ByteOrder.LITTLE_ENDIAN);
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, info.dataOffset(), info.byteLength())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            // Validated at open, so this means the file changed underneath us (e.g. truncated by another program).
            throw new ModelFormatException(file + ": tensor \"" + name + "\": cannot map bytes "
                    + info.dataOffset() + ".." + (info.dataOffset() + info.byteLength()) + " (" + e + ")", e);
        }
    }

    @Override
    public long totalBytes() {
        return totalBytes;
    }

    /** Closes the file; buffers already returned by {@link #data} stay valid until they are garbage collected. */
    @Override
    public void close() {
        closed = true;
        if (channel != null) {
            closeQuietly(channel);
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + file + ", " + tensors.size() + " tensors, " + totalBytes + " bytes]";
    }

    // ---- helpers ----

    private static void readFully(FileChannel channel, ByteBuffer memory, ByteBuffer into, long position)
            throws IOException {
        if (memory != null) {
            into.put(memory.slice((int) position, into.remaining()));
            return;
        }
        long at = position;
        while (into.hasRemaining()) {
            int n = channel.read(into, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }

    private static ModelFormatException fail(Path file, String what) {
        return new ModelFormatException(file + ": " + what);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing useful to do: the channel was only read from.
        }
    }
}
