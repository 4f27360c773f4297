package dev.loupe.engine.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.format.ModelFormatException;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.engine.testing.TestCheckpoints.Spec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configs a hostile or careless hand wrote on a small real checkpoint: each is one line naming config.json and the
 * field, at once, before anything the size of the declared model is allocated.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a hang guard: before the fix these ran into the heap for 60-113 s
class HostileConfigTest {
    @TempDir
    Path tmp;

    private Path edited(Spec spec, Consumer<JsonObject> edit) throws Exception {
        Path dir = TestCheckpoints.write(tmp.resolve(spec.modelType()), spec);
        Path config = dir.resolve("config.json");
        JsonObject c = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
        edit.accept(c);
        Files.writeString(config, c.toString(), StandardCharsets.UTF_8);
        return dir;
    }

    private static String refusal(Path dir) {
        return assertThrows(ModelFormatException.class, () -> LoupeModel.open(dir).close()).getMessage();
    }

    @Test
    void aBillionGpt2LayersOnAFewIsRefusedFromTheWeights() throws Exception {
        Path dir = edited(Spec.gpt2(), c -> c.addProperty("n_layer", 1_000_000_000));
        String m = refusal(dir);
        assertTrue(m.startsWith(dir.resolve("config.json") + ": field \"n_layer\" is 1000000000, but the weights hold "
                + Spec.gpt2().layers() + " layers"), m);
    }

    @Test
    void aBillionLlamaOrBertLayersToo() throws Exception {
        String llama = refusal(edited(Spec.llama(), c -> c.addProperty("num_hidden_layers", 1_000_000_000)));
        assertTrue(llama.contains("field \"num_hidden_layers\" is 1000000000, but the weights hold "), llama);
        String bert = refusal(edited(Spec.bert(), c -> c.addProperty("num_hidden_layers", 1_000_000_000)));
        assertTrue(bert.contains("field \"num_hidden_layers\" is 1000000000, but the weights hold "), bert);
    }

    /** The schedule written as text, not as a Gson tree: the test itself must not need the heap it guards. */
    private Path withSchedule(int entries) throws Exception {
        Path dir = edited(Spec.gpt2(), c -> c.addProperty("model_type", "loupe_looped"));
        Path config = dir.resolve("config.json");
        String text = Files.readString(config);
        StringBuilder schedule = new StringBuilder(entries * 2 + 32).append("\"block_schedule\": [0");
        for (int i = 1; i < entries; i++) {
            schedule.append(",0");
        }
        Files.writeString(config, text.replaceFirst("\\{", "{" + schedule.append("], ")), StandardCharsets.UTF_8);
        return dir;
    }

    @Test
    void aFiveMillionEntryBlockScheduleIsRefusedWithoutBeingHeld() throws Exception {
        Path dir = withSchedule(5_000_000);
        String m = refusal(dir);
        assertEquals(dir.resolve("config.json") + ": field \"block_schedule\" has 5000000 entries, more than any"
                + " config.json holds (at most 100000 are read)", m);
    }

    @Test
    void aScheduleLongerThanLoupeRunsIsRefusedByItsDepth() throws Exception {
        Path dir = withSchedule(DeclaredDepth.MAX_APPLIED_LAYERS + 1);
        String m = refusal(dir);
        assertEquals(dir.resolve("config.json") + ": field \"block_schedule\" has " + (DeclaredDepth.MAX_APPLIED_LAYERS + 1)
                + " entries; Loupe runs at most " + DeclaredDepth.MAX_APPLIED_LAYERS + " applied layers", m);
    }

    @Test
    void tieWordEmbeddingsMustBeABoolean() throws Exception {
        String m = refusal(edited(Spec.gpt2(), c -> c.addProperty("tie_word_embeddings", "yes")));
        assertTrue(m.endsWith("field \"tie_word_embeddings\" must be true or false, found \"yes\""), m);
        String untied = refusal(edited(Spec.gpt2(), c -> c.addProperty("tie_word_embeddings", false)));
        assertTrue(untied.endsWith("field \"tie_word_embeddings\" is false, but the weights hold no lm_head.weight"
                + " to unembed with"), untied);
    }

    @Test
    void aRepeatedKeyIsRefusedNotResolvedByTheLastOne() throws Exception {
        Path dir = TestCheckpoints.write(tmp.resolve("dup"), Spec.gpt2());
        Path config = dir.resolve("config.json");
        String text = Files.readString(config);
        Files.writeString(config, text.replaceFirst("\\{", "{\"n_layer\": 1, "));
        String m = refusal(dir);
        assertTrue(m.startsWith(config + ": not valid JSON (duplicate key \"n_layer\""), m);
    }
}
