package dev.loupe.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line handling that needs no model: dispatch, help, option errors, and the error contract itself. */
class CliUsageTest {

    @TempDir
    Path tmp;

    @Test
    void noArgumentPrintsUsageAndSucceeds() {
        CliRun r = CliRun.of().assertOk();
        assertTrue(r.out().contains("usage: loupe <command>"), r.out());
        for (String c : List.of("info", "hooks", "trace", "generate")) {
            assertTrue(r.out().contains("  " + c + " "), () -> "lists " + c + ": " + r.out());
        }
        assertEquals("", r.err());
    }

    @Test
    void helpForms() {
        assertTrue(CliRun.of("help").assertOk().out().contains("usage: loupe <command>"));
        assertTrue(CliRun.of("--help").assertOk().out().contains("usage: loupe <command>"));
        String trace = CliRun.of("help", "trace").assertOk().out();
        assertTrue(trace.contains("usage: loupe trace --model DIR"), trace);
        assertTrue(trace.contains("--hooks GLOBS"), trace);
        String gen = CliRun.of("generate", "--help").assertOk().out();
        assertTrue(gen.contains("--steer HOOK:FILE.safetensors:COEF"), gen);
    }

    @Test
    void unknownCommand() {
        CliRun.of("frobnicate").assertFails(Cli.USAGE, "unknown command \"frobnicate\"", "info, hooks, trace, generate");
        CliRun.of("help", "frobnicate").assertFails(Cli.USAGE, "\"frobnicate\"");
    }

    @Test
    void trainSamplesRefusesAnUnknownSampleOrAFileAsItsFolderAndWritesNothing() throws Exception {
        CliRun.of("train-samples", "--only", "huge-lm", "--out", tmp.toString())
                .assertFails(Cli.USAGE, "--only: no sample model named 'huge-lm'", "tiny-lm, looped-lm");
        Path file = java.nio.file.Files.writeString(tmp.resolve("models.txt"), "not a folder");
        CliRun.of("train-samples", "--out", file.toString()).assertFails(Cli.USAGE, "is a file, not a folder");
        try (var left = java.nio.file.Files.list(tmp)) {
            assertEquals(List.of(file), left.toList());
        }
        assertTrue(CliRun.of("help", "train-samples").assertOk().out().contains("--only NAME"));
    }

    @Test
    void unknownOption() {
        CliRun.of("info", "--model", tmp.toString(), "--colour", "red")
                .assertFails(Cli.USAGE, "info: unknown option --colour", "--model");
    }

    @Test
    void missingValueIsNotTakenFromTheNextOption() {
        CliRun.of("trace", "--model", tmp.toString(), "--tokens", "1,2", "--out", "--hooks", "*")
                .assertFails(Cli.USAGE, "--out needs a value");
        CliRun.of("info", "--model").assertFails(Cli.USAGE, "--model needs a value");
    }

    @Test
    void equalsFormCarriesValuesThatLookLikeOptions() {
        ParsedArgs a = ParsedArgs.parse("x", List.of(Option.value("prompt", "TEXT", "")), List.of("--prompt=--not-an-option"));
        assertEquals("--not-an-option", a.get("prompt"));
    }

    @Test
    void repeatedSingleOptionAndStrayArgument() {
        CliRun.of("info", "--model", "a", "--model", "b").assertFails(Cli.USAGE, "--model is given more than once");
        CliRun.of("info", "somewhere").assertFails(Cli.USAGE, "unexpected argument \"somewhere\"");
    }

    @Test
    void withoutModelTheSampleTinyLmIsUsedAndItsAbsenceIsNamed() {
        System.setProperty("loupe.samples", tmp.resolve("no-samples-here").toString());
        try {
            CliRun.of("info").assertFails(Cli.USAGE, "--model is missing", "no-samples-here/tiny-lm");
            dev.loupe.engine.testing.TestCheckpoints.write(tmp.resolve("samples/tiny-lm"),
                    dev.loupe.engine.testing.TestCheckpoints.Spec.gpt2());
            System.setProperty("loupe.samples", tmp.resolve("samples").toString());
            CliRun info = CliRun.of("info").assertOk();
            assertTrue(info.out().contains("samples/tiny-lm"), info.out());
        } finally {
            System.clearProperty("loupe.samples");
        }
    }

    @Test
    void missingRequiredOptions() {
        CliRun.of("trace", "--model", tmp.toString(), "--tokens", "1,2,3").assertFails(Cli.USAGE, "--out");
        CliRun.of("trace", "--model", tmp.toString(), "--out", "x.safetensors").assertFails(Cli.USAGE, "--prompt", "--tokens");
        CliRun.of("generate", "--model", tmp.toString()).assertFails(Cli.USAGE, "--prompt");
    }

    @Test
    void badTokensValueNamesTheValue() {
        CliRun.of("trace", "--model", tmp.toString(), "--tokens", "1,two,3", "--out", "x.safetensors")
                .assertFails(Cli.USAGE, "--tokens", "\"two\"");
        CliRun.of("trace", "--model", tmp.toString(), "--tokens", "1,,3", "--out", "x.safetensors")
                .assertFails(Cli.USAGE, "--tokens", "\"\"");
        CliRun.of("trace", "--model", tmp.toString(), "--tokens", "1", "--prompt", "hi", "--out", "x.safetensors")
                .assertFails(Cli.USAGE, "not both");
    }

    @Test
    void badNumbersAndChoices() {
        String m = tmp.toString();
        CliRun.of("generate", "--model", m, "--prompt", "a", "--max-new", "ten").assertFails(Cli.USAGE, "--max-new", "\"ten\"");
        CliRun.of("generate", "--model", m, "--prompt", "a", "--max-new", "-1").assertFails(Cli.USAGE, "--max-new", "-1");
        CliRun.of("generate", "--model", m, "--prompt", "a", "--temperature=-0.5").assertFails(Cli.USAGE, "--temperature", "-0.5");
        CliRun.of("generate", "--model", m, "--prompt", "a", "--top-p", "0").assertFails(Cli.USAGE, "--top-p", "0");
        CliRun.of("generate", "--model", m, "--prompt", " ").assertFails(Cli.USAGE, "--prompt is empty");
        CliRun.of("analyze", "--model", m, "--plugin", "loupe.activations", "--prompt", "   ", "--out", "o")
                .assertFails(Cli.USAGE, "--prompt is empty");
        // Open-ended ranges and numbers past an int name the real limit, never Long.MAX_VALUE.
        CliRun r = CliRun.of("generate", "--model", m, "--prompt", "a", "--temperature", "-1")
                .assertFails(Cli.USAGE, "--temperature must be a finite number of at least 0, got -1");
        assertFalse(r.err().contains("9223372036854775807"), r.err());
        CliRun.of("generate", "--model", m, "--prompt", "a", "--max-new", "99999999999")
                .assertFails(Cli.USAGE, "--max-new must be at most 2147483647, got 99999999999");
        CliRun.of("generate", "--model", m, "--prompt", "a", "--seed", "x1").assertFails(Cli.USAGE, "--seed", "\"x1\"");
        CliRun.of("info", "--model", m, "--device", "tpu").assertFails(Cli.USAGE, "--device", "\"tpu\"", "auto, cpu, gpu");
        CliRun.of("info", "--model", m, "--dtype", "f8").assertFails(Cli.USAGE, "--dtype", "\"f8\"");
    }

    @Test
    void badSteerSpecs() {
        String m = tmp.toString();
        CliRun.of("generate", "--model", m, "--prompt", "a", "--steer", "blocks.0.hook_resid_post:v.safetensors:strong")
                .assertFails(Cli.USAGE, "--steer", "coefficient \"strong\"");
        CliRun.of("generate", "--model", m, "--prompt", "a", "--steer", "blocks.0.hook_resid_post:v.safetensors")
                .assertFails(Cli.USAGE, "--steer", "HOOK:FILE.safetensors:COEF");
        CliRun.of("generate", "--model", m, "--prompt", "a", "--steer", "blocks.0.hook_resid_post:v.safetensors:NaN")
                .assertFails(Cli.USAGE, "\"NaN\"");
    }

    @Test
    void steerSpecKeepsColonsInTheFileName() {
        SteeringSpec s = SteeringSpec.parse("blocks.3.hook_resid_pre:/data/run:7/vec.safetensors:-2.5");
        assertEquals("blocks.3.hook_resid_pre", s.hook());
        assertEquals(Path.of("/data/run:7/vec.safetensors"), s.file());
        assertEquals(-2.5, s.coefficient());
    }

    @Test
    void missingModelFolderNamesIt() {
        Path nowhere = tmp.resolve("no-such-model");
        CliRun.of("info", "--model", nowhere.toString()).assertFails(Cli.FAILED, nowhere.toString(), "no such folder");
        CliRun.of("trace", "--model", nowhere.toString(), "--tokens", "1", "--out", tmp.resolve("t.safetensors").toString())
                .assertFails(Cli.FAILED, nowhere.toString());
    }

    @Test
    void traceRefusesAnOutputFolderThatDoesNotExistBeforeLoading() {
        Path out = tmp.resolve("missing-dir/t.safetensors");
        CliRun.of("trace", "--model", tmp.resolve("nope").toString(), "--tokens", "1", "--out", out.toString())
                .assertFails(Cli.FAILED, "missing-dir", "does not exist");
    }

    // ---- the error contract, through a command that fails on purpose ----

    private static Command failing(RuntimeException e) {
        return new Command() {
            public String name() {
                return "boom";
            }

            public String summary() {
                return "fails";
            }

            public String synopsis() {
                return "boom";
            }

            public List<Option> options() {
                return List.of();
            }

            public void run(ParsedArgs args, PrintStream out, PrintStream err) {
                out.print("partial output");
                throw e;
            }
        };
    }

    @Test
    void unexpectedExceptionIsOneLineWithoutStackTrace() {
        CliRun r = CliRun.run(Map.of(), List.of(failing(new IllegalStateException("kaput"))), "boom")
                .assertFails(Cli.FAILED, "loupe: internal error: java.lang.IllegalStateException: kaput");
        assertFalse(r.err().contains("\tat "), r.err());
        assertEquals("partial output", r.out());
    }

    @Test
    void loupeExceptionMessageIsPrintedAsIs() {
        CliRun.run(Map.of(), List.of(failing(new dev.loupe.engine.LoupeException("model.safetensors: tensor \"wte\" missing"))), "boom")
                .assertFails(Cli.FAILED, "loupe: model.safetensors: tensor \"wte\" missing");
    }

    @Test
    void multiLineMessagesBecomeOneLine() {
        CliRun.run(Map.of(), List.of(failing(new RuntimeException("first\n  second\r\nthird"))), "boom")
                .assertFails(Cli.FAILED, "first second third");
    }

    @Test
    void debugShowsTheStackTrace() {
        RuntimeException e = new IllegalStateException("kaput");
        CliRun env = CliRun.run(Map.of("LOUPE_DEBUG", "1"), List.of(failing(e)), "boom");
        assertEquals(Cli.FAILED, env.code());
        assertTrue(env.err().contains("\tat "), env.err());
        assertTrue(env.err().stripTrailing().endsWith("loupe: internal error: java.lang.IllegalStateException: kaput"), env.err());

        CliRun flag = CliRun.run(Map.of(), List.of(failing(e)), "boom", "--debug");
        assertTrue(flag.err().contains("\tat "), flag.err());
        CliRun leading = CliRun.run(Map.of(), List.of(failing(e)), "--debug", "boom");
        assertTrue(leading.err().contains("\tat "), leading.err());
    }

    @Test
    void outOfMemoryGetsAHint() {
        Command oom = new Command() {
            public String name() {
                return "oom";
            }

            public String summary() {
                return "";
            }

            public String synopsis() {
                return "oom";
            }

            public List<Option> options() {
                return List.of();
            }

            public void run(ParsedArgs args, PrintStream out, PrintStream err) {
                throw new OutOfMemoryError("Java heap space");
            }
        };
        CliRun.run(Map.of(), List.of(oom), "oom").assertFails(Cli.FAILED, "out of memory", "LOUPE_JAVA_OPTS");
    }
}
