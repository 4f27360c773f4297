package dev.loupe.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loupe.engine.LoupeModel;
import dev.loupe.samples.SampleTraining.Sample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The machinery of {@code loupe train-samples}, run for a few steps (the real run takes minutes). */
class SampleTrainingTest {

    @BeforeAll
    static void offline() {
        System.setProperty("ai.djl.offline", "true");
    }

    @Test
    void trainsEverySampleIntoItsFolderAndLeavesNoScratch(@TempDir Path dir) throws Exception {
        Path stale = Files.createDirectories(dir.resolve("tiny-lm")).resolve("config.json");
        Files.writeString(stale, "{\"stale\": true}");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        SampleTraining.train(List.of(Sample.values()), dir, new PrintStream(console, true, StandardCharsets.UTF_8), 3);

        for (Sample sample : Sample.values()) {
            Path folder = dir.resolve(sample.folderName());
            JsonObject metrics = JsonParser.parseString(Files.readString(folder.resolve("metrics.json")))
                    .getAsJsonObject();
            assertEquals(3, metrics.get("training_steps").getAsInt(), sample.folderName());
            try (LoupeModel model = LoupeModel.open(folder)) {
                assertTrue(model.info().layers() >= 4, sample + ": " + model.info().layers() + " layers");
                assertEquals(WordLevelTokenizer.END_OF_TEXT_ID, model.encode("a")[0], "inputs start with BOS");
                long corpusTokens = model.encode(Files.readString(folder.resolve("corpus.txt"))).length;
                assertTrue(corpusTokens > 4096, sample + ": a corpus for the tuned lens, " + corpusTokens + " tokens");
            }
        }
        assertEquals("gpt2", JsonParser.parseString(Files.readString(stale)).getAsJsonObject().get("model_type")
                .getAsString(), "the old config.json was replaced");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of("looped-lm", "tiny-lm"), left.map(p -> p.getFileName().toString()).sorted().toList());
        }
        String log = console.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("[1/2] tiny-lm") && log.contains("[2/2] looped-lm"), log);
        assertTrue(log.contains("training [###"), "a progress bar: " + log);
    }

    @Test
    void namesTheSamplesThereAreWhenOneIsUnknown() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sample.named("huge-lm"));
        assertEquals("no sample model named 'huge-lm'; there are [tiny-lm, looped-lm]", e.getMessage());
    }
}
