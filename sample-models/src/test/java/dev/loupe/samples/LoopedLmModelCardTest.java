package dev.loupe.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loupe.engine.LoupeModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** looped-lm loads as the recurrent-depth family, and its card's figures are recomputed through the engine. */
class LoopedLmModelCardTest {
    static final Path DIR = Path.of("looped-lm");

    @Test
    void scheduleAccuracyAndPhasesAreWhatTheCardSays() throws IOException {
        JsonObject claimed = JsonParser.parseString(Files.readString(DIR.resolve("metrics.json"))).getAsJsonObject();
        try (LoupeModel model = LoupeModel.open(DIR)) {
            assertEquals("looped", model.info().family());
            assertEquals(List.of("A", "A", "A", "B", "B", "B"), model.info().blockSchedule());
            double accuracy = LoopedLmProbes.taskAccuracy(model, LoopedLmProbes.HELD_OUT_EXAMPLES,
                    LoopedLmProbes.HELD_OUT_SEED);
            assertEquals(claimed.get("task_accuracy").getAsDouble(), accuracy, 0.01, "held-out task accuracy");
            double[] phases = LoopedLmProbes.phaseSummary(LoopedLmProbes.residualCosineSimilarity(model,
                    LoopedLmProbes.HELD_OUT_EXAMPLES, LoopedLmProbes.HELD_OUT_SEED), model.info().blockSchedule());
            assertEquals(claimed.get("within_phase_similarity").getAsDouble(), phases[0], 0.005);
            assertEquals(claimed.get("cross_phase_similarity").getAsDouble(), phases[1], 0.005);
            assertTrue(phases[0] > phases[1], "layers within a phase are more alike than across phases");
        }
    }
}
