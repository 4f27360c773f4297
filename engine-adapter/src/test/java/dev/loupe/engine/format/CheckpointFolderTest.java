package dev.loupe.engine.format;

import static dev.loupe.engine.format.SafetensorsFileTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFolderTest {

    @TempDir
    Path dir;

    private void writeConfig() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt2\", \"n_layer\": 2}");
    }

    private void writeWeights(String fileName, float value) {
        SafetensorsWriter.write(dir.resolve(fileName),
                Map.of("w", TensorData.ofFloats(new long[] {1}, new float[] {value})), Map.of());
    }

    @Test
    void singleModelSafetensors() throws IOException {
        writeConfig();
        writeWeights("model.safetensors", 1f);
        writeWeights("adapter.safetensors", 2f); // model.safetensors wins over any other file
        Files.writeString(dir.resolve("tokenizer.json"), "{}");

        CheckpointFolder folder = CheckpointFolder.inspect(dir);
        assertEquals(dir, folder.dir());
        assertEquals(dir.resolve("config.json"), folder.configFile());
        assertEquals(dir.resolve("tokenizer.json"), folder.tokenizerFile());
        assertEquals(List.of(dir.resolve("model.safetensors")), folder.weightFiles());
        assertFalse(folder.isSharded());
        assertEquals(2, folder.readConfig().requireInt("n_layer"));
        try (TensorSource weights = folder.openWeights()) {
            assertInstanceOf(SafetensorsFile.class, weights);
            assertEquals(1f, weights.data("w").getFloat());
        }
    }

    @Test
    void tokenizerIsOptional() throws IOException {
        writeConfig();
        writeWeights("model.safetensors", 1f);
        assertNull(CheckpointFolder.inspect(dir).tokenizerFile());
    }

    @Test
    void shardedCheckpoint() throws IOException {
        writeConfig();
        ShardedSafetensorsTest.writeTwoShards(dir);
        Path index = ShardedSafetensorsTest.writeIndex(dir, ShardedSafetensorsTest.GOOD_WEIGHT_MAP);

        CheckpointFolder folder = CheckpointFolder.inspect(dir);
        assertTrue(folder.isSharded());
        assertEquals(index, folder.shardIndexFile());
        assertEquals(List.of(dir.resolve(ShardedSafetensorsTest.SHARD_1).toAbsolutePath(),
                dir.resolve(ShardedSafetensorsTest.SHARD_2).toAbsolutePath()), folder.weightFiles());
        try (TensorSource weights = folder.openWeights()) {
            assertInstanceOf(ShardedSafetensors.class, weights);
            assertEquals(List.of("embed", "h.0", "h.1"), List.copyOf(weights.names()));
            assertEquals(8L, weights.data("h.1").getLong(0));
        }
    }

    @Test
    void shardedCheckpointWithAMissingShardFailsAtInspect() throws IOException {
        writeConfig();
        ShardedSafetensorsTest.writeTwoShards(dir);
        Files.delete(dir.resolve(ShardedSafetensorsTest.SHARD_1));
        Path index = ShardedSafetensorsTest.writeIndex(dir, ShardedSafetensorsTest.GOOD_WEIGHT_MAP);
        assertMessage(assertThrows(ModelFormatException.class, () -> CheckpointFolder.inspect(dir)), index,
                ShardedSafetensorsTest.SHARD_1, "missing");
    }

    @Test
    void theOnlySafetensorsFileUnderAnotherName() throws IOException {
        writeConfig();
        writeWeights("pytorch_model.safetensors", 3f);
        Files.writeString(dir.resolve("training_args.bin"), "pickle!"); // ignored: safetensors are there
        CheckpointFolder folder = CheckpointFolder.inspect(dir);
        assertEquals(List.of(dir.resolve("pytorch_model.safetensors")), folder.weightFiles());
        try (TensorSource weights = folder.openWeights()) {
            assertEquals(3f, weights.data("w").getFloat());
        }
    }

    @Test
    void severalSafetensorsFilesWithoutAnIndexAreAmbiguous() throws IOException {
        writeConfig();
        writeWeights("a.safetensors", 1f);
        writeWeights("b.safetensors", 2f);
        assertMessage(assertThrows(ModelFormatException.class, () -> CheckpointFolder.inspect(dir)), dir,
                "a.safetensors", "b.safetensors", "model.safetensors.index.json");
    }

    @Test
    void folderNotFound() {
        Path missing = dir.resolve("no-such-model");
        assertMessage(assertThrows(ModelFormatException.class, () -> CheckpointFolder.inspect(missing)), missing,
                "not found");
    }

    @Test
    void aFileIsNotAFolder() throws IOException {
        Path file = Files.writeString(dir.resolve("model.safetensors"), "x");
        assertMessage(assertThrows(ModelFormatException.class, () -> CheckpointFolder.inspect(file)), file,
                "not a folder");
    }

    @Test
    void configIsRequired() {
        writeWeights("model.safetensors", 1f);
        assertMessage(assertThrows(ModelFormatException.class, () -> CheckpointFolder.inspect(dir)),
                dir.resolve("config.json"), "not found");
    }

    @Test
    void pickleCheckpointIsRefusedWithTheConversionRecipe() throws IOException {
        writeConfig();
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 0x02}); // a pickle's first bytes
        Files.writeString(dir.resolve("vocab.txt"), "hello");

        ModelFormatException e = assertThrows(ModelFormatException.class, () -> CheckpointFolder.inspect(dir));
        assertEquals(dir.resolve("pytorch_model.bin") + ": refusing to load a pickle checkpoint: unpickling runs "
                + "arbitrary code. Convert it to safetensors first, e.g. in Python: model.save_pretrained(\""
                + dir + "\", safe_serialization=True)", e.getMessage());
    }

    @Test
    void otherPickleFormatsAreRefusedToo() throws IOException {
        writeConfig();
        for (String name : List.of("weights.pt", "consolidated.00.pth", "last.ckpt", "state.pkl",
                "pytorch_model.bin.index.json")) {
            Path file = Files.writeString(dir.resolve(name), "x");
            assertMessage(assertThrows(ModelFormatException.class, () -> CheckpointFolder.inspect(dir), name),
                    file, "refusing to load a pickle checkpoint");
            Files.delete(file);
        }
    }

    @Test
    void noWeightsAtAll() throws IOException {
        writeConfig();
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        assertMessage(assertThrows(ModelFormatException.class, () -> CheckpointFolder.inspect(dir)), dir,
                "no weights", "model.safetensors", "model.safetensors.index.json", "*.safetensors");
    }
}
