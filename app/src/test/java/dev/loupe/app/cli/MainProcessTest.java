package dev.loupe.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.engine.testing.TestCheckpoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dev.loupe.app.Main in its own JVM, as ./loupe starts it: the exit code reaches the shell, stderr is one line, and
 * the process ends once the command is done even after the native engine has started threads.
 */
class MainProcessTest {

    @TempDir
    Path tmp;

    private record Outcome(int code, String out, String err) {
    }

    private Outcome main(String... args) throws IOException, InterruptedException {
        return main(java.util.Map.of(), args);
    }

    /** @param env variables to set in the child; an empty value removes the variable */
    private Outcome main(java.util.Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = MainProcess.start(List.of(), env, out, err, List.of(args));
        // A guard against a JVM kept alive by engine threads, not a timing assertion: a hang is the failure.
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("Main did not exit: " + String.join(" ", args));
        }
        return new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void exitCodesReachTheShell() throws Exception {
        // (No argument at all opens the desktop app; "help" is the command line's own entry.)
        Outcome help = main("help");
        assertEquals(Cli.OK, help.code());
        assertTrue(help.out().contains("usage: loupe"), help.out());

        Outcome usage = main("info", "--nope");
        assertEquals(Cli.USAGE, usage.code());
        assertEquals(1, usage.err().lines().count(), usage.err());

        Path missing = tmp.resolve("missing");
        Outcome failed = main("info", "--model", missing.toString());
        assertEquals(Cli.FAILED, failed.code());
        assertEquals("loupe: " + missing + ": no such folder (--model must be a Hugging Face checkpoint folder)",
                failed.err().strip());
    }

    /** DISPLAY naming an X server that does not answer (":77" here): the command line never needs one. */
    @Test
    void figuresRenderWithoutADisplay() throws Exception {
        Path model = TestCheckpoints.write(tmp.resolve("gpt2"), TestCheckpoints.Spec.gpt2());
        Path outDir = tmp.resolve("out");
        Outcome r = main(java.util.Map.of("DISPLAY", ":77"), "analyze", "--model", model.toString(), "--plugin",
                "loupe.activations", "--tokens", "1,2,3", "--out", outDir.toString());
        assertEquals(Cli.OK, r.code(), r.err());
        assertTrue(Files.size(outDir.resolve("figure.png")) > 0);
        assertTrue(Files.size(outDir.resolve("figure.svg")) > 0);
    }

    @Test
    void theDesktopAppWithoutADisplaySaysSoInOneLine() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"));
        Outcome none = main(java.util.Map.of("DISPLAY", "", "WAYLAND_DISPLAY", ""));
        assertEquals(Cli.FAILED, none.code());
        assertEquals("loupe: no display to open the window on (DISPLAY is not set); the command line works without"
                + " one (./loupe help), or run the app under xvfb-run -a ./loupe", none.err().strip());

        Outcome deaf = main(java.util.Map.of("DISPLAY", ":77", "WAYLAND_DISPLAY", ""));
        assertEquals(Cli.FAILED, deaf.code());
        String last = deaf.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("loupe: the window could not open (Unable to open DISPLAY)"), deaf.err());
        assertTrue(deaf.err().lines().noneMatch(l -> l.strip().startsWith("at ")), "no stack trace: " + deaf.err());
    }

    @Test
    void exitsAfterTheEngineHasRun() throws Exception {
        Path model = TestCheckpoints.write(tmp.resolve("gpt2"), TestCheckpoints.Spec.gpt2());
        Outcome gen = main("generate", "--model", model.toString(), "--prompt", "w5 w9", "--max-new", "3");
        assertEquals(Cli.OK, gen.code(), gen.err());
        assertTrue(gen.out().strip().matches("(w\\d+ ?){1,3}"), gen.out());
    }
}
