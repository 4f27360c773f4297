package dev.loupe.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.engine.LoupeModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Words the shipped tiny-lm's word-level vocabulary lacks are said, never silently run as <unk>. */
class UnknownWordsTest {
    private static final Path TINY_LM = Path.of("..", "sample-models", "tiny-lm").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void theEngineNamesTheWordsItCannotRead() {
        try (LoupeModel m = LoupeModel.open(TINY_LM)) {
            assertEquals(List.of("Eiffel", "Tower", "city"), m.unknownWords("The Eiffel Tower is in the city of"));
            assertEquals(List.of(), m.unknownWords("The capital of France is"));
            assertTrue(m.unknownTokenId() >= 0);
        }
    }

    @Test
    void generateTraceAndAnalyzeWarnInOneLine() {
        String warning = "loupe: warning: 3 words are not in tiny-lm's vocabulary and became its unknown token:"
                + " \"Once\", \"upon\", \"time\"";
        CliRun gen = CliRun.of("generate", "--model", TINY_LM.toString(), "--prompt", "Once upon a time",
                "--max-new", "1").assertOk();
        assertTrue(gen.err().lines().anyMatch(warning::equals), gen.err());
        CliRun trace = CliRun.of("trace", "--model", TINY_LM.toString(), "--prompt", "Once upon a time",
                "--hooks", "logits", "--out", tmp.resolve("t.safetensors").toString()).assertOk();
        assertTrue(trace.err().lines().anyMatch(warning::equals), trace.err());
        CliRun analyze = CliRun.of("analyze", "--model", TINY_LM.toString(), "--plugin", "loupe.activations",
                "--prompt", "Once upon a time", "--out", tmp.resolve("a").toString()).assertOk();
        assertEquals(1, analyze.err().lines().filter(l -> l.startsWith("loupe: warning:")).count(), analyze.err());
        CliRun known = CliRun.of("generate", "--model", TINY_LM.toString(), "--prompt", "The capital of France is",
                "--max-new", "1").assertOk();
        assertTrue(known.err().lines().noneMatch(l -> l.contains("warning")), known.err());
    }

    @Test
    void aMisspeltTargetIsAnErrorNotARunAgainstUnk() {
        CliRun.of("analyze", "--model", TINY_LM.toString(), "--plugin", "loupe.dla", "--prompt",
                "The capital of France is", "--param", "target=Pariss", "--out", tmp.resolve("d").toString())
                .assertFails(Cli.FAILED, "loupe.dla: target: \"Pariss\" is not in this model's vocabulary");
    }
}
