package dev.loupe.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.engine.GenerateRequest;
import dev.loupe.engine.Generation;
import dev.loupe.engine.LoupeModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** On the shipped tiny-lm, "The capital of France is" continues " Paris ." and then ends its sequence. */
class GenerateEosTest {
    private static final Path TINY_LM = Path.of("..", "sample-models", "tiny-lm").toAbsolutePath().normalize();

    @Test
    void generationStopsAtEndOfSequenceWithoutPrintingIt() {
        CliRun r = CliRun.of("generate", "--model", TINY_LM.toString(), "--prompt", "The capital of France is",
                "--max-new", "20").assertOk();
        assertFalse(r.out().contains("<|endoftext|>"), r.out());
        assertTrue(r.out().contains("Paris"), r.out());
        assertTrue(r.err().contains("stopped at the end-of-sequence token after"), r.err());
    }

    @Test
    void theEngineLeavesTheEosTokenOutOfTheGeneration() {
        try (LoupeModel m = LoupeModel.open(TINY_LM)) {
            Generation g = m.generate(GenerateRequest.greedy(m.encode("The capital of France is"), 20), null);
            assertEquals(Generation.StopReason.EOS, g.stopReason());
            for (long t : g.generated()) {
                assertTrue(t != 0, "token 0 (<|endoftext|>) is tiny-lm's EOS and must not be in the generation");
            }
            assertFalse(g.text().contains("<|endoftext|>"), g.text());
        }
    }
}
