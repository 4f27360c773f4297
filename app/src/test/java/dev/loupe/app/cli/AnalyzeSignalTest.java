package dev.loupe.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.app.plugins.PluginJars;
import dev.loupe.app.session.RunStatus;
import dev.loupe.app.session.SessionStore;
import dev.loupe.app.session.StoredRun;
import dev.loupe.engine.testing.TestCheckpoints;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signal (Ctrl+C, or SIGTERM as here) while {@code analyze --session} runs a plugin, in a real process: the
 * plugin is asked to stop; one that stops is recorded cancelled, one that ignores it is recorded failed after the
 * grace period, and the process ends either way. Before, the run was simply lost from the session.
 */
class AnalyzeSignalTest {
    @TempDir
    Path tmp;

    /** A plugin that says on stderr that it is running, then loops: checking for cancel, or deaf to it. */
    private static String loopingPlugin(String id, boolean listens) {
        return """
                package acme;
                import dev.loupe.engine.ModelInfo;
                import dev.loupe.plugin.*;
                import dev.loupe.plugin.params.*;
                import dev.loupe.plugin.result.*;
                import java.util.List;
                public class Loop implements AnalysisPlugin {
                    public PluginInfo info() { return new PluginInfo("%s", "Loop", "0.1", PluginApi.VERSION, ""); }
                    public ParamSpec params() { return ParamSpec.of(); }
                    public boolean accepts(ModelInfo m) { return true; }
                    public List<String> captures(ModelInfo m, Params p) { return List.of("hook_embed"); }
                    public Result analyze(AnalysisContext c, Params p, Progress pr) throws Exception {
                        System.err.println("acme: looping");
                        System.err.flush();
                        while (true) {
                            if (%s) { pr.checkCancelled(); }
                            Thread.sleep(20);
                        }
                    }
                }
                """.formatted(id, listens);
    }

    private StoredRun interrupted(String pluginId, boolean listens, int expectedExit) throws Exception {
        Path model = TestCheckpoints.write(tmp.resolve("gpt2"), TestCheckpoints.Spec.gpt2());
        Path classes = PluginJars.compile(tmp.resolve("build"), Map.of("acme.Loop", loopingPlugin(pluginId, listens)));
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        PluginJars.jar(plugins.resolve("loop.jar"), classes, List.of("acme.Loop"), List.of("acme.Loop"));
        Path session = tmp.resolve("s.loupe");
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = MainProcess.start(List.of("-Dloupe.plugin.dir=" + plugins), Map.of(), out, err,
                List.of("analyze", "--model", model.toString(), "--plugin", pluginId, "--prompt", "w5 w9",
                        "--session", session.toString(), "--out", tmp.resolve("result").toString()));
        // Waits (bounded) for the plugin to be inside analyze; a process that never gets there fails the test.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!Files.readString(err, StandardCharsets.UTF_8).contains("acme: looping")) {
            assertTrue(p.isAlive(), "ended before the plugin ran: " + Files.readString(err, StandardCharsets.UTF_8));
            assertTrue(System.nanoTime() < deadline, "the plugin never started");
            Thread.sleep(50);
        }
        p.destroy(); // SIGTERM: the JVM runs its shutdown hooks as for Ctrl+C
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("analyze did not end after the signal");
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(expectedExit, p.exitValue(), stderr);
        assertTrue(stderr.contains("loupe: stopping " + pluginId), stderr);
        try (SessionStore s = SessionStore.open(session)) {
            List<StoredRun> runs = s.runs();
            assertEquals(1, runs.size(), "one run recorded: " + runs);
            return runs.get(0);
        }
    }

    @Test
    void aPluginThatStopsIsRecordedCancelled() throws Exception {
        StoredRun run = interrupted("acme.listens", true, 143);
        assertEquals(RunStatus.CANCELLED, run.status(), String.valueOf(run.error()));
    }

    @Test
    void aPluginDeafToTheSignalIsRecordedFailedAfterTheGracePeriod() throws Exception {
        StoredRun run = interrupted("acme.deaf", false, 143);
        assertEquals(RunStatus.FAILED, run.status());
        assertTrue(run.error().startsWith("acme.deaf did not stop when cancelled (Ctrl+C)"), run.error());
    }
}
