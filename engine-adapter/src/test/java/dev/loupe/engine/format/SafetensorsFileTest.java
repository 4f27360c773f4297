package dev.loupe.engine.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {

    @TempDir
    Path dir;

    // ---- round trips ----

    @Test
    void roundTripsEveryDTypeByteForByte() throws IOException {
        float[] values = {0f, 1f, -1.5f, 3.14159f, 1e-3f, -65504f};
        Map<String, TensorData> written = new LinkedHashMap<>();
        written.put("f32", TensorData.ofFloats(new long[] {2, 3}, values));
        written.put("f16", TensorData.ofFloats(new long[] {3, 2}, values).convert(TensorDType.F16));
        written.put("bf16", TensorData.ofFloats(new long[] {6}, values).convert(TensorDType.BF16));
        written.put("i64", TensorData.ofLongs(new long[] {3}, new long[] {Long.MIN_VALUE, -1, Long.MAX_VALUE}));
        written.put("i32", TensorData.ofInts(new long[] {1, 2}, new int[] {-7, 50257}));
        written.put("scalar", TensorData.ofFloats(new long[] {}, new float[] {42f}));
        written.put("empty", TensorData.ofFloats(new long[] {0, 4}, new float[0]));
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, written, Map.of("format", "pt", "note", "ünïcode <ok>"));

        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            assertEquals(List.copyOf(written.keySet()), List.copyOf(read.names()), "header order is kept");
            assertEquals(Map.of("format", "pt", "note", "ünïcode <ok>"), read.metadata());
            long expectedTotal = 0;
            for (Map.Entry<String, TensorData> e : written.entrySet()) {
                TensorData expected = e.getValue();
                TensorInfo info = read.info(e.getKey());
                assertEquals(expected.dtype(), info.dtype(), e.getKey());
                assertArrayEquals(expected.shape(), info.shape(), e.getKey());
                assertEquals(file, info.file());
                assertEquals(expected.byteLength(), info.byteLength(), e.getKey());
                assertArrayEquals(RawSafetensors.bytesOf(expected.data()),
                        RawSafetensors.bytesOf(read.data(e.getKey())), e.getKey());
                expectedTotal += expected.byteLength();
            }
            assertEquals(expectedTotal, read.totalBytes());
            assertArrayEquals(new float[] {0f, 1f, -1.5f, 3.140625f, 0.0010004044f, -65504f},
                    new TensorData(TensorDType.F16, new long[] {6}, read.data("f16")).toFloatArray());
        }
    }

    @Test
    void dataIsAMappedLittleEndianReadOnlyViewOfTheFile() throws IOException {
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, Map.of(
                "a", TensorData.ofInts(new long[] {2}, new int[] {1, 2}),
                "b", TensorData.ofLongs(new long[] {1}, new long[] {0x1122334455667788L})), Map.of());

        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            ByteBuffer b = read.data("b");
            assertTrue(b.isDirect(), "tensor data must be memory-mapped, not copied to the heap");
            assertFalse(b.hasArray());
            assertTrue(b.isReadOnly());
            assertEquals(ByteOrder.LITTLE_ENDIAN, b.order());
            assertEquals(0, b.position());
            assertEquals(8, b.limit());
            assertEquals(0x1122334455667788L, b.getLong(0));
            long absoluteOffset = read.info("b").dataOffset();
            assertTrue(absoluteOffset >= 8 + RawSafetensors.headerLength(file));
            byte[] onDisk = Files.readAllBytes(file);
            assertEquals((byte) 0x88, onDisk[(int) absoluteOffset], "dataOffset is the absolute file offset");
        }
    }

    /** One mapping per tensor: a tensor beyond the 2 GiB mark of a (sparse) file still maps. */
    @Test
    void readsTensorsBeyondTwoGibibytes() throws IOException {
        long padBytes = (1L << 31) + 8;
        String header = "{\"pad\":{\"dtype\":\"U8\",\"shape\":[" + padBytes + "],\"data_offsets\":[0," + padBytes
                + "]},\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + padBytes + "," + (padBytes + 8)
                + "]}}";
        Path file = RawSafetensors.write(dir.resolve("big.safetensors"), header, new byte[0]);
        long dataStart = 8 + header.length();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(dataStart + padBytes + 8); // sparse: the gigabytes of zeros take no disk space
            raf.seek(dataStart + padBytes);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).array());
        }
        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            ByteBuffer x = read.data("x");
            assertEquals(1.5f, x.getFloat(0));
            assertEquals(-2f, x.getFloat(4));
            assertEquals(padBytes + 8, read.totalBytes());
        }
    }

    @Test
    void toleratesHarmlessGapsAndTrailingBytes() throws IOException {
        Path file = RawSafetensors.write(dir.resolve("gap.safetensors"),
                "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[4,6]}}", RawSafetensors.countingBytes(10));
        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            assertArrayEquals(new byte[] {4, 5}, RawSafetensors.bytesOf(read.data("a")));
        }
    }

    @Test
    void unknownTensorNameIsNamed() throws IOException {
        Path file = validFile();
        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> read.info("wte.weight"));
            assertMessage(e, file, "\"wte.weight\"");
        }
    }

    @Test
    void dataAfterCloseIsRefused() throws IOException {
        SafetensorsFile read = SafetensorsFile.open(validFile());
        read.close();
        assertThrows(IllegalStateException.class, () -> read.data("w"));
    }

    // ---- the file itself ----

    @Test
    void missingFile() {
        Path file = dir.resolve("nope.safetensors");
        assertMessage(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file)), file, "not found");
    }

    @Test
    void fileShorterThanTheLengthPrefix() throws IOException {
        Path file = Files.write(dir.resolve("short.safetensors"), new byte[] {1, 2, 3});
        assertMessage(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file)), file,
                "truncated", "3 bytes");
    }

    @Test
    void headerLengthLargerThanTheFile() throws IOException {
        Path file = RawSafetensors.writeWithDeclaredLength(dir.resolve("t.safetensors"), 1000,
                "{}".getBytes(StandardCharsets.UTF_8), new byte[0]);
        assertMessage(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file)), file,
                "truncated", "header length 1000 exceeds file size 10");
    }

    @Test
    void headerLengthWithTheTopBitSetIsTooLongNotNegative() throws IOException {
        Path file = RawSafetensors.writeWithDeclaredLength(dir.resolve("t.safetensors"), -1,
                "{}".getBytes(StandardCharsets.UTF_8), new byte[0]);
        assertMessage(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file)), file,
                "header length 18446744073709551615 exceeds file size");
    }

    @Test
    void truncatingAValidFileIsCaught() throws IOException {
        Path file = validFile();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 1);
        }
        assertMessage(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file)), file,
                "truncated", "\"w\"", "needs bytes up to 24 but the data section has 23");
    }

    // ---- the header ----

    @Test
    void headerIsNotJson() throws IOException {
        Path file = RawSafetensors.write(dir.resolve("j.safetensors"), "{\"a\": {\"dtype\": \"F32\",", new byte[0]);
        assertMessage(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file)), file,
                "header is not valid JSON", "line 1 column");
    }

    @Test
    void headerIsLenientJsonThatGsonWouldAccept() throws IOException {
        Path file = RawSafetensors.write(dir.resolve("j.safetensors"),
                "{a: {'dtype': 'U8', 'shape': [1], 'data_offsets': [0, 1]}}", new byte[1]);
        assertMessage(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file)), file,
                "header is not valid JSON");
    }

    @Test
    void trailingContentAfterTheHeaderObject() throws IOException {
        Path file = RawSafetensors.write(dir.resolve("j.safetensors"), "{} {}", new byte[0]);
        assertMessage(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file)), file,
                "header is not valid JSON", "column 5");
    }

    @Test
    void absurdlyDeepHeaderIsRefusedNotAStackOverflow() throws IOException {
        Path file = RawSafetensors.write(dir.resolve("j.safetensors"),
                "{\"w\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}", new byte[0]);
        assertMessage(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file)), file,
                "nested deeper than");
    }

    @Test
    void shapeWithTooManyElements() throws IOException {
        assertEntryRefused("{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}",
                "has too many elements");
    }

    @Test
    void headerIsNotAnObject() throws IOException {
        Path file = RawSafetensors.write(dir.resolve("j.safetensors"), "[1, 2]", new byte[0]);
        assertMessage(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file)), file,
                "not a JSON object");
    }

    @Test
    void headerIsNotUtf8() throws IOException {
        byte[] header = {'{', '"', (byte) 0xC3, '"', ':', '1', '}'};
        Path file = RawSafetensors.writeWithDeclaredLength(dir.resolve("u.safetensors"), header.length, header,
                new byte[0]);
        assertMessage(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file)), file, "UTF-8");
    }

    @Test
    void duplicateTensorNames() throws IOException {
        String entry = "{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}";
        Path file = RawSafetensors.write(dir.resolve("d.safetensors"),
                "{\"w\":" + entry + ",\"w\":" + entry + "}", new byte[1]);
        assertMessage(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file)), file,
                "duplicate key \"w\"");
    }

    @Test
    void metadataMustBeStrings() throws IOException {
        Path file = RawSafetensors.write(dir.resolve("m.safetensors"), "{\"__metadata__\":{\"step\":5}}",
                new byte[0]);
        assertMessage(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file)), file,
                "__metadata__", "\"step\"");
    }

    @Test
    void tensorEntryIsNotAnObject() throws IOException {
        Path file = RawSafetensors.write(dir.resolve("e.safetensors"), "{\"w\": 3}", new byte[0]);
        assertMessage(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file)), file,
                "tensor \"w\"", "JSON object");
    }

    @Test
    void missingDType() throws IOException {
        assertEntryRefused("{\"shape\":[1],\"data_offsets\":[0,4]}", "missing field \"dtype\"");
    }

    @Test
    void missingShape() throws IOException {
        assertEntryRefused("{\"dtype\":\"F32\",\"data_offsets\":[0,4]}", "missing field \"shape\"");
    }

    @Test
    void missingDataOffsets() throws IOException {
        assertEntryRefused("{\"dtype\":\"F32\",\"shape\":[1]}", "missing field \"data_offsets\"");
    }

    @Test
    void unknownDType() throws IOException {
        assertEntryRefused("{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}",
                "unknown dtype \"F8_E4M3\"");
    }

    @Test
    void dtypeIsNotAString() throws IOException {
        assertEntryRefused("{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}", "field \"dtype\"");
    }

    @Test
    void negativeDimension() throws IOException {
        assertEntryRefused("{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}",
                "field \"shape\"", "negative dimension -1");
    }

    @Test
    void nonIntegerDimension() throws IOException {
        assertEntryRefused("{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}",
                "field \"shape\"", "non-integer dimension 1.5");
        assertEntryRefused("{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}",
                "field \"shape\"", "non-integer dimension \"1\"");
    }

    @Test
    void shapeIsNotAnArray() throws IOException {
        assertEntryRefused("{\"dtype\":\"F32\",\"shape\":1,\"data_offsets\":[0,4]}", "field \"shape\"");
    }

    @Test
    void dataOffsetsAreNotTwoIntegers() throws IOException {
        assertEntryRefused("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}", "field \"data_offsets\"");
        assertEntryRefused("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}", "field \"data_offsets\"");
        assertEntryRefused("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4.0]}", "field \"data_offsets\"");
        assertEntryRefused("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":\"0-4\"}", "field \"data_offsets\"");
    }

    @Test
    void negativeDataOffset() throws IOException {
        assertEntryRefused("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}",
                "field \"data_offsets\"", "negative offset -4");
    }

    @Test
    void dataOffsetsBeginAfterEnd() throws IOException {
        assertEntryRefused("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}",
                "field \"data_offsets\"", "begin 8 after end 4");
    }

    @Test
    void offsetsThatLieAboutTheByteCount() throws IOException {
        // A valid file whose header is rewritten in place, keeping its length, so that "w" claims 20 bytes.
        Path file = validFile();
        String header = RawSafetensors.headerText(file);
        String lying = header.replace("\"data_offsets\":[0,24]", "\"data_offsets\":[0,20]") + " ";
        lying = lying.substring(0, header.length());
        assertTrue(!lying.equals(header));
        byte[] all = Files.readAllBytes(file);
        System.arraycopy(lying.getBytes(StandardCharsets.UTF_8), 0, all, 8, header.length());
        Files.write(file, all);

        assertMessage(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file)), file,
                "offsets lie", "tensor \"w\"", "[0, 20]", "F32", "[2, 3]", "needs 24 bytes");
    }

    @Test
    void overlappingTensors() throws IOException {
        Path file = RawSafetensors.write(dir.resolve("o.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                new byte[12]);
        assertMessage(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file)), file,
                "\"a\"", "\"b\"", "overlap");
    }

    @Test
    void emptyTensorsDoNotCountAsOverlapping() throws IOException {
        Path file = RawSafetensors.write(dir.resolve("o.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}",
                new byte[8]);
        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            assertEquals(0, read.data("e").remaining());
        }
    }

    // ---- helpers ----

    /** A valid file: "w" is F32 [2, 3], 24 bytes at data offsets [0, 24]. */
    private Path validFile() {
        Path file = dir.resolve("valid.safetensors");
        SafetensorsWriter.write(file, Map.of("w", TensorData.ofFloats(new long[] {2, 3}, new float[6])), Map.of());
        return file;
    }

    /** Writes a file whose single tensor "w" has {@code entryJson} and checks the refusal names file, tensor, field. */
    private void assertEntryRefused(String entryJson, String... expectedParts) throws IOException {
        Path file = RawSafetensors.write(dir.resolve("entry.safetensors"), "{\"w\":" + entryJson + "}", new byte[64]);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file));
        assertMessage(e, file, "tensor \"w\"");
        assertMessage(e, file, expectedParts);
    }

    static void assertMessage(Exception e, Path file, String... expectedParts) {
        String message = e.getMessage();
        assertTrue(message.startsWith(file.toString() + ":"), "message should start with the file: " + message);
        assertFalse(message.contains("\n"), "message should be one line: " + message);
        for (String part : expectedParts) {
            assertTrue(message.contains(part), "message should contain [" + part + "]: " + message);
        }
    }
}
