package dev.loupe.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loupe.engine.format.SafetensorsFile;
import dev.loupe.engine.format.SafetensorsWriter;
import dev.loupe.engine.format.TensorData;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.engine.testing.TestCheckpoints.Spec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way a checkpoint or an input can be wrong gets one message that names the file, tensor, field or value. */
class EngineErrorsTest {
    @TempDir
    Path tmp;

    private Path gpt2() {
        return TestCheckpoints.write(tmp.resolve("gpt2"), Spec.gpt2());
    }

    private static void assertMessage(Runnable action, String... fragments) {
        LoupeException e = assertThrows(LoupeException.class, action::run);
        String msg = e.getMessage();
        assertTrue(msg.lines().count() == 1, "one line: " + msg);
        for (String f : fragments) {
            assertTrue(msg.contains(f), "message should name \"" + f + "\": " + msg);
        }
    }

    private static void editConfig(Path dir, Consumer<JsonObject> edit) throws IOException {
        Path f = dir.resolve("config.json");
        JsonObject c = JsonParser.parseString(Files.readString(f)).getAsJsonObject();
        edit.accept(c);
        Files.writeString(f, c.toString());
    }

    /** Rewrites model.safetensors through {@code edit} on a copy of its tensors. */
    private static void editTensors(Path dir, Consumer<Map<String, TensorData>> edit) {
        Path f = dir.resolve("model.safetensors");
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            for (String name : sf.names()) {
                var info = sf.info(name);
                ByteBuffer src = sf.data(name);
                ByteBuffer copy = ByteBuffer.allocate(src.remaining()).order(ByteOrder.LITTLE_ENDIAN);
                copy.put(src).flip();
                tensors.put(name, new TensorData(info.dtype(), info.shape(), copy));
            }
        }
        edit.accept(tensors);
        SafetensorsWriter.write(f, tensors, Map.of());
    }

    @Test
    void missingFolder() {
        Path nowhere = tmp.resolve("no-such-model");
        assertMessage(() -> LoupeModel.open(nowhere), nowhere.toString());
    }

    @Test
    void missingConfig() throws IOException {
        Path dir = gpt2();
        Files.delete(dir.resolve("config.json"));
        assertMessage(() -> LoupeModel.open(dir), "config.json");
    }

    @Test
    void unknownModelType() throws IOException {
        Path dir = gpt2();
        editConfig(dir, c -> c.addProperty("model_type", "mamba"));
        assertMessage(() -> LoupeModel.open(dir), "config.json", "mamba");
    }

    @Test
    void missingConfigField() throws IOException {
        Path dir = gpt2();
        editConfig(dir, c -> c.remove("vocab_size"));
        assertMessage(() -> LoupeModel.open(dir), "config.json", "vocab_size");
    }

    @Test
    void missingTensor() {
        Path dir = gpt2();
        editTensors(dir, t -> t.remove("h.1.mlp.c_fc.bias"));
        assertMessage(() -> LoupeModel.open(dir), "model.safetensors", "h.1.mlp.c_fc.bias");
    }

    @Test
    void unexpectedTensor() {
        Path dir = gpt2();
        editTensors(dir, t -> t.put("h.0.attn.rotary.weight", TensorData.ofFloats(new long[] {2}, new float[2])));
        assertMessage(() -> LoupeModel.open(dir), "model.safetensors", "h.0.attn.rotary.weight", "unexpected");
    }

    @Test
    void shapeMismatch() {
        Path dir = gpt2();
        editTensors(dir, t -> t.put("ln_f.weight", TensorData.ofFloats(new long[] {31}, new float[31])));
        assertMessage(() -> LoupeModel.open(dir), "ln_f.weight", "[31]", "[32]");
    }

    @Test
    void configThatContradictsTheWeights() throws IOException {
        Path dir = TestCheckpoints.write(tmp.resolve("llama"), Spec.llama());
        editConfig(dir, c -> c.addProperty("num_key_value_heads", 4));
        assertMessage(() -> LoupeModel.open(dir), "k_proj.weight", "shape");
    }

    @Test
    void unsupportedRopeScaling() throws IOException {
        Path dir = TestCheckpoints.write(tmp.resolve("llama"), Spec.llama());
        editConfig(dir, c -> c.add("rope_scaling", JsonParser.parseString("{\"rope_type\":\"yarn\",\"factor\":4}")));
        assertMessage(() -> LoupeModel.open(dir), "rope_scaling", "yarn");
    }

    @Test
    void tokenIdOutOfRange() {
        try (LoupeModel m = LoupeModel.open(gpt2())) {
            assertMessage(() -> m.run(RunRequest.of(1, 2, 64)), "token id 64", "position 2", "64 tokens");
            assertMessage(() -> m.run(RunRequest.of(-1)), "token id -1");
        }
    }

    @Test
    void inputLongerThanTheContext() {
        try (LoupeModel m = LoupeModel.open(gpt2())) {
            long[] tooLong = new long[65];
            assertMessage(() -> m.run(RunRequest.of(tooLong)), "65 tokens", "context length is 64");
            assertMessage(() -> m.generate(GenerateRequest.greedy(tooLong, 3), null), "65 tokens");
        }
    }

    @Test
    void hooksThatDoNotExist() {
        try (LoupeModel m = LoupeModel.open(gpt2())) {
            assertMessage(() -> m.run(RunRequest.of(1, 2).capture("blocks.7.hook_resid_pre")), "blocks.7.hook_resid_pre");
            assertMessage(() -> m.run(RunRequest.of(1, 2).intervene(
                    Intervention.addVector("blocks.0.hook_resid_post", new float[5], 1))), "5 values", "32");
            assertMessage(() -> m.run(RunRequest.of(1, 2).intervene(
                    Intervention.zeroAblate("blocks.0.attn.hook_z", 9))), "head 9");
        }
    }

    @Test
    void textWithoutATokenizer() {
        Path dir = TestCheckpoints.write(tmp.resolve("bare"), Spec.gpt2().withoutTokenizer());
        try (LoupeModel m = LoupeModel.open(dir)) {
            assertMessage(() -> m.encode("w1 w2"), "tokenizer.json");
            try (RunResult r = m.run(RunRequest.of(1, 2, 3))) {
                assertTrue(r.logits() != null, "token ids work without a tokenizer");
            }
        }
    }

    @Test
    void generationFromAnEncoder() {
        Path dir = TestCheckpoints.write(tmp.resolve("bert"), Spec.bert());
        try (LoupeModel m = LoupeModel.open(dir)) {
            assertMessage(() -> m.generate(GenerateRequest.greedy(new long[] {1, 2}, 2), null), "encoder");
        }
    }

    @Test
    void pickleCheckpointsAreRefused() throws IOException {
        Path dir = gpt2();
        Files.delete(dir.resolve("model.safetensors"));
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        assertMessage(() -> LoupeModel.open(dir), "pytorch_model.bin", "pickle", "safetensors");
    }
}
