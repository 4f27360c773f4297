package dev.loupe.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.app.session.RunStatus;
import dev.loupe.app.session.SessionStore;
import dev.loupe.app.session.StoredRun;
import dev.loupe.engine.testing.TestCheckpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run whose outputs were not all written is recorded as failed, not ok. */
class AnalyzeOutputsTest {
    @TempDir
    Path tmp;

    @Test
    void outputsThatCannotBeWrittenMakeTheRecordedRunFailed() throws Exception {
        Path model = TestCheckpoints.write(tmp.resolve("gpt2"), TestCheckpoints.Spec.gpt2());
        Path out = tmp.resolve("out");
        // data.csv cannot be replaced: a non-empty folder stands where it goes.
        Files.createDirectories(out.resolve("data.csv").resolve("blocker"));
        Path session = tmp.resolve("s.loupe");
        CliRun.of("analyze", "--model", model.toString(), "--plugin", "loupe.activations", "--tokens", "1,2,3",
                "--session", session.toString(), "--out", out.toString())
                .assertFails(Cli.FAILED, out + ": cannot write the results");
        try (SessionStore s = SessionStore.open(session)) {
            assertEquals(1, s.runs().size());
            StoredRun run = s.runs().get(0);
            assertEquals(RunStatus.FAILED, run.status());
            assertTrue(run.error().contains("written: result.json"), run.error());
        }
    }
}
