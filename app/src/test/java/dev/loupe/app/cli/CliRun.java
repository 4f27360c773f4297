package dev.loupe.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** One in-process run of the CLI with captured streams. */
record CliRun(int code, String out, String err) {

    static CliRun of(String... args) {
        return withEnv(Map.of(), args);
    }

    static CliRun withEnv(Map<String, String> env, String... args) {
        return run(env, null, args);
    }

    static CliRun run(Map<String, String> env, List<Command> commands, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            Cli cli = commands == null ? new Cli(o, e, env) : new Cli(o, e, env, commands);
            int code = cli.run(args);
            return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    /** Asserts the failure contract: the exit code, exactly one stderr line "loupe: ...", each fragment in it. */
    CliRun assertFails(int expectedCode, String... fragments) {
        assertEquals(expectedCode, code, () -> "exit code; stderr: " + err + " stdout: " + out);
        String line = err.stripTrailing();
        assertFalse(line.contains("\n"), () -> "stderr must be one line, was:\n" + err);
        assertTrue(line.startsWith("loupe: "), () -> "stderr must start with 'loupe: ', was: " + err);
        for (String f : fragments) {
            assertTrue(line.contains(f), () -> "stderr should mention \"" + f + "\", was: " + err);
        }
        return this;
    }

    CliRun assertOk() {
        assertEquals(Cli.OK, code, () -> "exit code; stderr: " + err);
        return this;
    }
}
