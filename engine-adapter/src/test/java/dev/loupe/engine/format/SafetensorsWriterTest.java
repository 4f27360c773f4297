package dev.loupe.engine.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {

    @TempDir
    Path dir;

    @Test
    void writesTheExactLayoutOfTheFormat() throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("b", TensorData.ofFloats(new long[] {2}, new float[] {1f, 2f}));
        tensors.put("a", TensorData.ofLongs(new long[] {1, 1}, new long[] {7}));
        Path file = dir.resolve("m.safetensors");

        SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));

        String expectedJson = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"I64\",\"shape\":[1,1],\"data_offsets\":[8,16]}}";
        long headerLength = RawSafetensors.headerLength(file);
        assertEquals(0, headerLength % 8, "header must be padded to a multiple of 8");
        assertTrue(headerLength - expectedJson.length() < 8, "at most 7 padding bytes");
        assertEquals(expectedJson + " ".repeat((int) (headerLength - expectedJson.length())),
                RawSafetensors.headerText(file));
        assertEquals(8 + headerLength + 16, Files.size(file));
    }

    @Test
    void omitsMetadataWhenThereIsNone() throws IOException {
        Path file = dir.resolve("m.safetensors");
        SafetensorsWriter.write(file, Map.of("x", TensorData.ofInts(new long[] {1}, new int[] {3})), Map.of());
        assertTrue(RawSafetensors.headerText(file).startsWith("{\"x\":"), RawSafetensors.headerText(file));
        SafetensorsWriter.write(file, Map.of("x", TensorData.ofInts(new long[] {1}, new int[] {3})), null);
        assertTrue(RawSafetensors.headerText(file).startsWith("{\"x\":"), RawSafetensors.headerText(file));
    }

    @Test
    void replacesAnExistingFileAndLeavesNoTemporaryFileBehind() throws IOException {
        Path file = dir.resolve("m.safetensors");
        Files.writeString(file, "old contents");
        SafetensorsWriter.write(file, Map.of("x", TensorData.ofFloats(new long[] {1}, new float[] {5f})), Map.of());

        try (Stream<Path> entries = Files.list(dir)) {
            assertEquals(List.of(file), entries.toList());
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(5f, f.data("x").getFloat());
        }
    }

    @Test
    void failedWriteKeepsTheOldFileAndCleansUp() throws IOException {
        Path file = dir.resolve("m.safetensors");
        SafetensorsWriter.write(file, Map.of("x", TensorData.ofFloats(new long[] {1}, new float[] {5f})), Map.of());
        byte[] before = Files.readAllBytes(file);
        Path missingFolder = dir.resolve("no-such-folder").resolve("m.safetensors");

        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsWriter.write(
                missingFolder, Map.of("x", TensorData.ofFloats(new long[] {1}, new float[] {6f})), Map.of()));
        assertTrue(e.getMessage().startsWith(missingFolder.toString()), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> entries = Files.list(dir)) {
            assertEquals(List.of(file), entries.toList());
        }
    }

    @Test
    void refusesNamesTheFormatCannotHold() {
        Path file = dir.resolve("m.safetensors");
        TensorData t = TensorData.ofFloats(new long[] {1}, new float[] {1f});
        assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(file, Map.of("", t), Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> SafetensorsWriter.write(file, Map.of("__metadata__", t), Map.of()));
        assertTrue(Files.notExists(file));
    }
}
