package dev.loupe.engine.format;

import static dev.loupe.engine.format.SafetensorsFileTest.assertMessage;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedSafetensorsTest {

    static final String SHARD_1 = "model-00001-of-00002.safetensors";
    static final String SHARD_2 = "model-00002-of-00002.safetensors";

    @TempDir
    Path dir;

    /** Writes two shards: "embed" and "h.0" in the first, "h.1" in the second. */
    static void writeTwoShards(Path dir) {
        Map<String, TensorData> first = new LinkedHashMap<>();
        first.put("embed", TensorData.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4}));
        first.put("h.0", TensorData.ofFloats(new long[] {3}, new float[] {5, 6, 7}).convert(TensorDType.BF16));
        SafetensorsWriter.write(dir.resolve(SHARD_1), first, Map.of("format", "pt"));
        SafetensorsWriter.write(dir.resolve(SHARD_2),
                Map.of("h.1", TensorData.ofLongs(new long[] {2}, new long[] {8, 9})), Map.of("format", "pt"));
    }

    static Path writeIndex(Path dir, String weightMapJson) throws IOException {
        return Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"metadata\": {\"total_size\": 38}, \"weight_map\": " + weightMapJson + "}");
    }

    static final String GOOD_WEIGHT_MAP = "{\"embed\": \"" + SHARD_1 + "\", \"h.0\": \"" + SHARD_1
            + "\", \"h.1\": \"" + SHARD_2 + "\"}";

    @Test
    void readsTensorsFromBothShards() throws IOException {
        writeTwoShards(dir);
        Path index = writeIndex(dir, GOOD_WEIGHT_MAP);

        try (ShardedSafetensors sharded = ShardedSafetensors.open(index)) {
            assertEquals(List.of("embed", "h.0", "h.1"), List.copyOf(sharded.names()));
            assertEquals(List.of(dir.resolve(SHARD_1).toAbsolutePath(), dir.resolve(SHARD_2).toAbsolutePath()),
                    sharded.shardFiles());
            assertEquals(dir.resolve(SHARD_2).toAbsolutePath(), sharded.info("h.1").file());
            assertEquals(TensorDType.BF16, sharded.info("h.0").dtype());
            assertEquals(9L, sharded.data("h.1").getLong(8));
            assertEquals(4f, sharded.data("embed").getFloat(12));
            assertArrayEquals(new float[] {5, 6, 7},
                    new TensorData(TensorDType.BF16, new long[] {3}, sharded.data("h.0")).toFloatArray());
            assertTrue(sharded.data("h.1").isDirect());
            assertEquals(16 + 6 + 16, sharded.totalBytes());
        }
    }

    @Test
    void closeClosesEveryShard() throws IOException {
        writeTwoShards(dir);
        ShardedSafetensors sharded = ShardedSafetensors.open(writeIndex(dir, GOOD_WEIGHT_MAP));
        sharded.close();
        assertThrows(IllegalStateException.class, () -> sharded.data("embed"));
        assertThrows(IllegalStateException.class, () -> sharded.data("h.1"));
    }

    @Test
    void unknownTensorNamesTheIndex() throws IOException {
        writeTwoShards(dir);
        Path index = writeIndex(dir, GOOD_WEIGHT_MAP);
        try (ShardedSafetensors sharded = ShardedSafetensors.open(index)) {
            assertMessage(assertThrows(ModelFormatException.class, () -> sharded.info("lm_head")), index,
                    "\"lm_head\"");
        }
    }

    @Test
    void missingShardNamesTheShardAndTheIndex() throws IOException {
        writeTwoShards(dir);
        Files.delete(dir.resolve(SHARD_2));
        Path index = writeIndex(dir, GOOD_WEIGHT_MAP);
        assertMessage(assertThrows(ModelFormatException.class, () -> ShardedSafetensors.open(index)), index,
                SHARD_2, "missing");
    }

    @Test
    void tensorNotInTheShardTheIndexNames() throws IOException {
        writeTwoShards(dir);
        Path index = writeIndex(dir, "{\"embed\": \"" + SHARD_2 + "\"}");
        assertMessage(assertThrows(ModelFormatException.class, () -> ShardedSafetensors.open(index)), index,
                "tensor \"embed\"", SHARD_2, "no such tensor");
    }

    @Test
    void shardNameWithDotDotIsRefused() throws IOException {
        Path checkpoint = Files.createDirectory(dir.resolve("ckpt"));
        writeTwoShards(dir); // real files one level up, so only the escape check can stop the load
        Path index = writeIndex(checkpoint, "{\"embed\": \"../" + SHARD_1 + "\"}");
        assertMessage(assertThrows(ModelFormatException.class, () -> ShardedSafetensors.open(index)), index,
                "../" + SHARD_1, "escapes the checkpoint folder");
    }

    @Test
    void absoluteShardNameIsRefused() throws IOException {
        Path checkpoint = Files.createDirectory(dir.resolve("ckpt"));
        writeTwoShards(dir);
        String absolute = dir.resolve(SHARD_1).toAbsolutePath().toString().replace("\\", "\\\\");
        Path index = writeIndex(checkpoint, "{\"embed\": \"" + absolute + "\"}");
        assertMessage(assertThrows(ModelFormatException.class, () -> ShardedSafetensors.open(index)), index,
                "absolute path");
    }

    @Test
    void indexIsNotJson() throws IOException {
        Path index = Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"weight_map\": {");
        assertMessage(assertThrows(ModelFormatException.class, () -> ShardedSafetensors.open(index)), index,
                "not valid JSON");
    }

    @Test
    void indexWithoutWeightMap() throws IOException {
        Path index = Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"metadata\": {}}");
        assertMessage(assertThrows(ModelFormatException.class, () -> ShardedSafetensors.open(index)), index,
                "missing field \"weight_map\"");
    }

    @Test
    void weightMapEntryIsNotAFileName() throws IOException {
        Path index = writeIndex(dir, "{\"embed\": 1}");
        assertMessage(assertThrows(ModelFormatException.class, () -> ShardedSafetensors.open(index)), index,
                "\"weight_map\"", "\"embed\"");
    }

    @Test
    void missingIndex() {
        Path index = dir.resolve("model.safetensors.index.json");
        assertMessage(assertThrows(ModelFormatException.class, () -> ShardedSafetensors.open(index)), index,
                "not found");
    }

    @Test
    void corruptShardIsNamed() throws IOException {
        writeTwoShards(dir);
        Files.write(dir.resolve(SHARD_2), new byte[] {1, 2});
        Path index = writeIndex(dir, GOOD_WEIGHT_MAP);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ShardedSafetensors.open(index));
        assertMessage(e, dir.resolve(SHARD_2).toAbsolutePath(), "truncated");
    }
}
