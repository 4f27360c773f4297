package dev.loupe.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loupe.engine.GenerateRequest;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.engine.format.SafetensorsFile;
import dev.loupe.engine.format.SafetensorsWriter;
import dev.loupe.engine.format.TensorDType;
import dev.loupe.engine.format.TensorData;
import dev.loupe.engine.format.TensorInfo;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.engine.testing.TestCheckpoints.Spec;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands end to end on small random checkpoints (TestCheckpoints: GPT-2 and Llama with d_model 32, vocabulary
 * 64, context 64, a word-level tokenizer where "w5" is token 5).
 */
class CliModelTest {

    @TempDir
    static Path shared;
    static Path gpt2;
    static Path llama;
    static Path bert;

    @TempDir
    Path tmp;

    @BeforeAll
    static void writeCheckpoints() {
        gpt2 = TestCheckpoints.write(shared.resolve("gpt2"), Spec.gpt2());
        llama = TestCheckpoints.write(shared.resolve("llama"), Spec.llama());
        bert = TestCheckpoints.write(shared.resolve("bert"), Spec.bert());
    }

    private Path copy(Path checkpoint) throws IOException {
        Path dir = tmp.resolve(checkpoint.getFileName() + "-copy");
        Files.createDirectories(dir);
        try (var files = Files.list(checkpoint)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    private static String ids(int from, int count) {
        StringJoiner j = new StringJoiner(",");
        for (int i = 0; i < count; i++) {
            j.add(Integer.toString((from + i) % 60 + 3));
        }
        return j.toString();
    }

    // ---- info ----

    @Test
    void infoPrintsTheModelCardAsJson() {
        CliRun r = CliRun.of("info", "--model", llama.toString(), "--device", "cpu").assertOk();
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("llama", o.get("family").getAsString());
        assertEquals("llama", o.get("model_type").getAsString());
        assertEquals(2, o.get("layers").getAsInt());
        assertEquals(4, o.get("heads").getAsInt());
        assertEquals(2, o.get("kv_heads").getAsInt());
        assertEquals(32, o.get("d_model").getAsInt());
        assertEquals(64, o.get("d_vocab").getAsInt());
        assertEquals(64, o.get("context_length").getAsInt());
        assertTrue(o.get("parameters").getAsLong() > 0);
        assertEquals("F32", o.get("dtype").getAsString());
        assertTrue(o.get("device").getAsString().toLowerCase().contains("cpu"), r.out());
        assertTrue(r.out().contains("\n  \"family\""), "pretty-printed: " + r.out());
        // Which kernels multiply: an MKL vendor override on this CPU, or why not.
        assertTrue(o.get("engine").getAsString().contains("CPU matrix products: "), r.out());
        assertEquals("", r.err());
    }

    @Test
    void missingConfigNamesTheFile() throws IOException {
        Path dir = copy(gpt2);
        Files.delete(dir.resolve("config.json"));
        CliRun.of("info", "--model", dir.toString()).assertFails(Cli.FAILED, "config.json");
    }

    @Test
    void unknownModelTypeNamesTheValue() throws IOException {
        Path dir = copy(gpt2);
        Path config = dir.resolve("config.json");
        JsonObject c = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
        c.addProperty("model_type", "frobnet");
        Files.writeString(config, c.toString());
        CliRun.of("info", "--model", dir.toString()).assertFails(Cli.FAILED, "frobnet");
    }

    // ---- hooks ----

    @Test
    void hooksListsTheModelsHookNamesInForwardOrder() {
        List<String> expected;
        try (LoupeModel m = LoupeModel.open(gpt2)) {
            expected = m.hookNames();
        }
        assertEquals(expected, CliRun.of("hooks", "--model", gpt2.toString()).assertOk().out().lines().toList());
        assertEquals(List.of("blocks.0.hook_resid_post", "blocks.1.hook_resid_post"),
                CliRun.of("hooks", "--model", gpt2.toString(), "--hooks", "blocks.*.hook_resid_post").assertOk().out().lines().toList());
        CliRun.of("hooks", "--model", gpt2.toString(), "--hooks", "blocks.9.*").assertFails(Cli.FAILED, "\"blocks.9.*\"");
    }

    // ---- trace ----

    @Test
    void traceWritesTheRequestedHooksWithTheirShapesAndTheTokens() {
        Path out = tmp.resolve("t.safetensors");
        CliRun r = CliRun.of("trace", "--model", llama.toString(), "--tokens", "5, 9,3,7",
                "--hooks", "blocks.1.hook_resid_post, blocks.*.attn.hook_pattern,blocks.0.attn.hook_k", "--out", out.toString())
                .assertOk();
        assertTrue(r.out().contains("wrote 5 tensors") && r.out().contains(out.toString()), r.out());
        try (SafetensorsFile f = SafetensorsFile.open(out)) {
            assertEquals(Set.of("blocks.1.hook_resid_post", "blocks.0.attn.hook_pattern", "blocks.1.attn.hook_pattern",
                    "blocks.0.attn.hook_k", "tokens"), f.names());
            assertShape(f, "blocks.1.hook_resid_post", TensorDType.F32, 1, 4, 32);
            assertShape(f, "blocks.0.attn.hook_pattern", TensorDType.F32, 1, 4, 4, 4);
            assertShape(f, "blocks.0.attn.hook_k", TensorDType.F32, 1, 4, 2, 8); // GQA: kv heads on the head axis
            assertShape(f, "tokens", TensorDType.I64, 4);
            long[] tokens = new long[4];
            f.data("tokens").order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(tokens);
            assertArrayEquals(new long[] {5, 9, 3, 7}, tokens);
            assertEquals(llama.toAbsolutePath().toString(), f.metadata().get("model"));
            assertFalse(f.metadata().containsKey("prompt"), "no prompt was given");
        }
    }

    /**
     * Every hook at 60,000 tokens would hold hundreds of gigabytes (attention patterns grow with the square of the
     * length): refused before the run, naming the size and a smaller capture, and no file is written.
     */
    @Test
    void traceOfACaptureLargerThanTheMachineIsRefusedBeforeItRuns() {
        int n = 60_000;
        Path long_ = TestCheckpoints.write(tmp.resolve("long"), Spec.gpt2().withContext(n));
        StringBuilder ids = new StringBuilder("1");
        for (int i = 1; i < n; i++) {
            ids.append(',').append(1 + i % 60);
        }
        Path out = tmp.resolve("huge.safetensors");
        CliRun r = CliRun.of("trace", "--model", long_.toString(), "--tokens", ids.toString(), "--out", out.toString())
                .assertFails(Cli.FAILED, "trace: capturing", "hooks at 60000 tokens needs about", "GB of memory",
                        "capture fewer hooks with --hooks (e.g. 'blocks.*.hook_resid_post' is 15 MB)");
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void traceOfAPromptCapturesEveryHookByDefaultWithTheEnginesValues() {
        Path out = tmp.resolve("all.safetensors");
        CliRun.of("trace", "--model", gpt2.toString(), "--prompt", "w5 w9 w3", "--out", out.toString()).assertOk();
        try (LoupeModel m = LoupeModel.open(gpt2);
                RunResult ref = m.run(RunRequest.of(5, 9, 3).capture("logits"));
                SafetensorsFile f = SafetensorsFile.open(out)) {
            Set<String> expected = new LinkedHashSet<>(m.hookNames());
            expected.add("tokens");
            assertEquals(expected, f.names());
            assertEquals("w5 w9 w3", f.metadata().get("prompt"));
            assertShape(f, "logits", TensorDType.F32, 1, 3, 64);
            float[] logits = new float[3 * 64];
            f.data("logits").order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(logits);
            assertArrayEquals(ref.cache().floats("logits"), logits, 1e-6f);
        }
    }

    private static void assertShape(SafetensorsFile f, String name, TensorDType dtype, long... shape) {
        TensorInfo t = f.info(name);
        assertEquals(dtype, t.dtype(), name);
        assertArrayEquals(shape, t.shape(), () -> name + " has shape " + t.shapeString());
    }

    @Test
    void tokenIdOutOfRangeNamesTheId() {
        CliRun.of("trace", "--model", gpt2.toString(), "--tokens", "1,64", "--out", tmp.resolve("x.safetensors").toString())
                .assertFails(Cli.FAILED, "token id 64", "64 tokens");
        CliRun.of("trace", "--model", gpt2.toString(), "--tokens", "-3", "--out", tmp.resolve("x.safetensors").toString())
                .assertFails(Cli.FAILED, "token id -3");
        assertFalse(Files.exists(tmp.resolve("x.safetensors")));
    }

    @Test
    void promptLongerThanTheContextNamesBothLengths() {
        CliRun.of("trace", "--model", gpt2.toString(), "--tokens", ids(0, 65), "--out", tmp.resolve("x.safetensors").toString())
                .assertFails(Cli.FAILED, "65 tokens", "context length is 64");
        StringJoiner words = new StringJoiner(" ");
        for (int i = 0; i < 70; i++) {
            words.add("w" + (i % 60 + 3));
        }
        CliRun.of("generate", "--model", gpt2.toString(), "--prompt", words.toString())
                .assertFails(Cli.FAILED, "70 tokens", "context length is 64");
    }

    @Test
    void traceWithAHookThatMatchesNothing() {
        CliRun.of("trace", "--model", gpt2.toString(), "--tokens", "1,2", "--hooks", "blocks.7.hook_resid_post",
                "--out", tmp.resolve("x.safetensors").toString()).assertFails(Cli.FAILED, "\"blocks.7.hook_resid_post\"");
    }

    @Test
    void promptWithoutTokenizerNamesTheFileAndTokensStillWork() {
        Path dir = TestCheckpoints.write(tmp.resolve("notok"), Spec.gpt2().withoutTokenizer());
        CliRun.of("trace", "--model", dir.toString(), "--prompt", "w1 w2", "--out", tmp.resolve("x.safetensors").toString())
                .assertFails(Cli.FAILED, dir.resolve("tokenizer.json").toString(), "--tokens");
        CliRun.of("trace", "--model", dir.toString(), "--tokens", "1,2", "--hooks", "logits",
                "--out", tmp.resolve("x.safetensors").toString()).assertOk();
    }

    // ---- generate ----

    private static String engineContinuation(Path model, String prompt, int maxNew) {
        try (LoupeModel m = LoupeModel.open(model)) {
            return m.generate(GenerateRequest.greedy(m.encode(prompt), maxNew), null).text();
        }
    }

    @Test
    void generatePrintsTheContinuation() {
        String expected = engineContinuation(gpt2, "w5 w9 w3", 8);
        assertFalse(expected.isBlank(), "the fixture should generate some text");
        CliRun r = CliRun.of("generate", "--model", gpt2.toString(), "--prompt", "w5 w9 w3", "--max-new", "8").assertOk();
        assertEquals(expected + "\n", r.out());
        assertEquals("", r.err());
    }

    @Test
    void seededSamplingRepeats() {
        String[] args = {"generate", "--model", llama.toString(), "--prompt", "w5 w9", "--max-new", "10",
            "--temperature", "1.5", "--top-k", "20", "--top-p", "0.9", "--seed", "42"};
        CliRun a = CliRun.of(args).assertOk();
        CliRun b = CliRun.of(args).assertOk();
        assertEquals(a.out(), b.out());
    }

    private Path vectorFile(String name, Map<String, float[]> vectors) {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        vectors.forEach((k, v) -> tensors.put(k, TensorData.ofFloats(new long[] {v.length}, v)));
        Path f = tmp.resolve(name);
        SafetensorsWriter.write(f, tensors, Map.of());
        return f;
    }

    private static float[] vector(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void steeringAtCoefficientZeroChangesNothingAndAStrongOneDoes() {
        String hook = "blocks.1.hook_resid_post";
        Path v = vectorFile("v.safetensors", Map.of("direction", vector(32, 7)));
        String plain = CliRun.of("generate", "--model", gpt2.toString(), "--prompt", "w5 w9 w3", "--max-new", "8")
                .assertOk().out();
        String zero = CliRun.of("generate", "--model", gpt2.toString(), "--prompt", "w5 w9 w3", "--max-new", "8",
                "--steer", hook + ":" + v + ":0").assertOk().out();
        assertEquals(plain, zero);
        // Just before the final norm, a large vector decides every next token: the steering really is applied.
        String steered = CliRun.of("generate", "--model", gpt2.toString(), "--prompt", "w5 w9 w3", "--max-new", "8",
                "--steer", hook + ":" + v + ":200").assertOk().out();
        assertNotEquals(plain, steered);
    }

    @Test
    void steeringVectorOfTheWrongSizeNamesTheExpectedSize() {
        Path v = vectorFile("small.safetensors", Map.of("v", vector(31, 1)));
        CliRun.of("generate", "--model", gpt2.toString(), "--prompt", "w5", "--steer", "blocks.0.hook_resid_pre:" + v + ":2")
                .assertFails(Cli.FAILED, v.toString(), "31 values", "d_model = 32");
        Path mlp = vectorFile("mlp.safetensors", Map.of("v", vector(32, 1)));
        CliRun.of("generate", "--model", gpt2.toString(), "--prompt", "w5", "--steer", "blocks.0.mlp.hook_post:" + mlp + ":2")
                .assertFails(Cli.FAILED, "d_mlp = 128");
    }

    @Test
    void steeringFileProblemsNameTheFile() {
        Path missing = tmp.resolve("nope.safetensors");
        CliRun.of("generate", "--model", gpt2.toString(), "--prompt", "w5", "--steer", "blocks.0.hook_resid_pre:" + missing + ":1")
                .assertFails(Cli.FAILED, missing.toString(), "not found");

        Path several = vectorFile("several.safetensors", Map.of("a", vector(32, 1), "b", vector(32, 2)));
        CliRun.of("generate", "--model", gpt2.toString(), "--prompt", "w5", "--steer", "blocks.0.hook_resid_pre:" + several + ":1")
                .assertFails(Cli.FAILED, several.toString(), "2 tensors", "\"blocks.0.hook_resid_pre\"");

        Map<String, float[]> named = new LinkedHashMap<>();
        named.put("blocks.0.hook_resid_pre", vector(32, 1));
        named.put("blocks.1.hook_resid_pre", vector(32, 2));
        Path byHook = vectorFile("named.safetensors", named);
        CliRun.of("generate", "--model", gpt2.toString(), "--prompt", "w5", "--max-new", "2",
                "--steer", "blocks.1.hook_resid_pre:" + byHook + ":1").assertOk();

        Path empty = vectorFile("empty.safetensors", Map.of());
        CliRun.of("generate", "--model", gpt2.toString(), "--prompt", "w5", "--steer", "blocks.0.hook_resid_pre:" + empty + ":1")
                .assertFails(Cli.FAILED, empty.toString(), "no tensor");

        Path f16 = tmp.resolve("f16.safetensors");
        SafetensorsWriter.write(f16, Map.of("v", TensorData.ofFloats(new long[] {32}, vector(32, 1)).convert(TensorDType.F16)), Map.of());
        CliRun.of("generate", "--model", gpt2.toString(), "--prompt", "w5", "--steer", "blocks.0.hook_resid_pre:" + f16 + ":1")
                .assertFails(Cli.FAILED, f16.toString(), "F16", "F32");
    }

    @Test
    void steeringAtAnUnknownHook() {
        Path v = vectorFile("v.safetensors", Map.of("v", vector(32, 1)));
        CliRun.of("generate", "--model", gpt2.toString(), "--prompt", "w5", "--steer", "blocks.5.hook_resid_pre:" + v + ":1")
                .assertFails(Cli.FAILED, "\"blocks.5.hook_resid_pre\"");
    }

    @Test
    void generateRefusesAnEncoder() {
        CliRun.of("generate", "--model", bert.toString(), "--prompt", "w5").assertFails(Cli.FAILED, "bert", "encoder");
    }

    @Test
    void everyCommandRunsOnEveryFamily() {
        for (Path m : List.of(gpt2, llama, bert)) {
            CliRun.of("info", "--model", m.toString()).assertOk();
            Path out = tmp.resolve(m.getFileName() + ".safetensors");
            CliRun.of("trace", "--model", m.toString(), "--prompt", "w5 w6", "--hooks", "blocks.*.hook_resid_post",
                    "--out", out.toString()).assertOk();
            List<String> names = new ArrayList<>();
            try (SafetensorsFile f = SafetensorsFile.open(out)) {
                names.addAll(f.names());
            }
            assertTrue(names.contains("blocks.1.hook_resid_post"), m + ": " + names);
        }
    }
}
