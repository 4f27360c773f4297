package dev.loupe.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loupe.app.session.InputRecord;
import dev.loupe.app.session.RunRecord;
import dev.loupe.app.session.SessionStore;
import dev.loupe.plugin.result.MatrixResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loupe session list|show|export|import} on real session files, and its usage errors. */
class SessionCommandTest {
    private static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");

    @TempDir
    Path tmp;

    private Path db;

    @BeforeEach
    void aSessionWithTwoRuns() throws Exception {
        db = tmp.resolve("s.db");
        Path model = Files.createDirectories(tmp.resolve("tiny-gpt2"));
        Files.writeString(model.resolve("config.json"), "{\"model_type\": \"gpt2\"}");
        Files.write(model.resolve("model.safetensors"), new byte[] {1, 2, 3, 4});
        JsonObject params = new JsonObject();
        params.addProperty("$version", 1);
        params.addProperty("hook", "blocks.0.hook_resid_post");
        MatrixResult m = new MatrixResult("resid", 2, 3, new float[] {1, 2, 3, 4, 5, 6}, List.of("The", " cat"),
                List.of("d0", "d1", "d2"), "token", "dim", "activation", false, Map.of("max", 6.0));
        try (SessionStore s = SessionStore.create(db)) {
            long modelId = s.recordModel(model, "gpt2", null);
            long inputId = s.recordInput(InputRecord.ofText("The cat", new long[] {464, 3797}, List.of("The", " cat")));
            s.recordRun(RunRecord.ok("loupe.activations", "0.1.0", params, modelId, inputId, T0, T0.plusMillis(1234),
                    Duration.ofMillis(1234), m));
            s.recordRun(RunRecord.failed("loupe.attention", "0.2.0", params, modelId, inputId, T0.plusSeconds(60),
                    T0.plusSeconds(61), Duration.ofMillis(80), "no such hook"));
            s.setNotes(1, "look here");
        }
    }

    private static CliRun session(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "session";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.run(Map.of(), List.of(new SessionCommand()), all);
    }

    @Test
    void listShowsOneLinePerRun() {
        CliRun r = session("list", db.toString()).assertOk();
        List<String> lines = r.out().lines().toList();
        assertEquals(db.toAbsolutePath() + ": 2 runs", lines.get(0));
        assertEquals(List.of("ID", "PLUGIN", "VERSION", "STATUS", "STARTED", "DURATION"), List.of(lines.get(1).trim().split("\\s+")));
        assertEquals(List.of("1", "loupe.activations", "0.1.0", "ok", "2025-03-01T12:00:00Z", "1.23", "s"),
                List.of(lines.get(2).trim().split("\\s+")));
        assertEquals(List.of("2", "loupe.attention", "0.2.0", "failed", "2025-03-01T12:01:00Z", "80", "ms"),
                List.of(lines.get(3).trim().split("\\s+")));
        assertEquals(4, lines.size());
        assertEquals("", r.err());
    }

    @Test
    void showRunPrintsProvenanceAndAResultSummaryAsJson() {
        CliRun r = session("show", db.toString(), "1").assertOk();
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(1, o.get("id").getAsLong());
        assertEquals("loupe.activations", o.getAsJsonObject("plugin").get("id").getAsString());
        assertEquals("0.1.0", o.getAsJsonObject("plugin").get("version").getAsString());
        assertEquals("blocks.0.hook_resid_post", o.getAsJsonObject("params").get("hook").getAsString());
        assertEquals(1, o.get("params_version").getAsInt());
        assertEquals("ok", o.get("status").getAsString());
        assertEquals("2025-03-01T12:00:00Z", o.get("started").getAsString());
        assertEquals(1234, o.get("duration_ms").getAsLong());
        assertEquals("look here", o.get("notes").getAsString());
        JsonObject model = o.getAsJsonObject("model");
        assertEquals(tmp.resolve("tiny-gpt2").toAbsolutePath().toString(), model.get("path").getAsString());
        assertEquals(64, model.get("sha256").getAsString().length());
        assertEquals("The cat", o.getAsJsonObject("input").get("text").getAsString());
        assertEquals(3797, o.getAsJsonObject("input").getAsJsonArray("token_ids").get(1).getAsLong());
        JsonObject result = o.getAsJsonObject("result");
        assertEquals("MatrixResult", result.get("type").getAsString());
        assertEquals("resid", result.get("title").getAsString());
        assertEquals(2, result.get("rows").getAsInt());
        assertEquals("float[6]", result.get("values").getAsString());
        assertTrue(result.get("json_bytes").getAsLong() > 0);

        JsonObject failed = JsonParser.parseString(session("show", db.toString(), "2").assertOk().out()).getAsJsonObject();
        assertEquals("failed", failed.get("status").getAsString());
        assertEquals("no such hook", failed.get("error").getAsString());
        assertFalse(failed.has("result"));
    }

    @Test
    void showWithoutRunIdSummarisesTheSession() {
        JsonObject o = JsonParser.parseString(session("show", db.toString()).assertOk().out()).getAsJsonObject();
        assertEquals(4, o.get("schema_version").getAsInt());
        assertEquals(2, o.getAsJsonArray("runs").size());
        assertEquals("gpt2", o.getAsJsonArray("models").get(0).getAsJsonObject().get("family").getAsString());
        assertFalse(o.get("workspace_saved").getAsBoolean());
    }

    @Test
    void showOfAMissingRunSaysWhichRunsThereAre() {
        session("show", db.toString(), "9").assertFails(Cli.FAILED, db.toAbsolutePath().toString(), "has no run 9", "1..2");
        session("show", db.toString(), "abc").assertFails(Cli.USAGE, "RUN_ID must be a positive whole number, got \"abc\"");
        session("show", db.toString(), "0").assertFails(Cli.USAGE, "RUN_ID");
    }

    @Test
    void exportThenImportGivesTheSameRuns() {
        Path export = tmp.resolve("shared.loupe");
        CliRun e = session("export", db.toString(), "--out", export.toString()).assertOk();
        assertTrue(e.out().startsWith("exported 2 runs from " + db.toAbsolutePath() + " to " + export), e.out());
        assertTrue(Files.isRegularFile(export));

        Path imported = tmp.resolve("imported.db");
        CliRun i = session("import", export.toString(), "--out=" + imported).assertOk();
        assertTrue(i.out().startsWith("imported 2 runs"), i.out());
        String original = session("list", db.toString()).assertOk().out();
        String copy = session("list", imported.toString()).assertOk().out();
        assertEquals(original.substring(original.indexOf('\n')), copy.substring(copy.indexOf('\n')));
    }

    @Test
    void importFailuresAreOneLineAndCreateNothing() throws Exception {
        Path export = tmp.resolve("shared.loupe");
        session("export", db.toString(), "--out", export.toString()).assertOk();
        byte[] cut = Files.readAllBytes(export);
        Path truncated = Files.write(tmp.resolve("cut.loupe"), Arrays.copyOf(cut, cut.length / 2));
        Path target = tmp.resolve("never.db");
        session("import", truncated.toString(), "--out", target.toString())
                .assertFails(Cli.FAILED, truncated.toString(), "truncated or damaged");
        assertFalse(Files.exists(target));
        session("import", export.toString(), "--out", db.toString()).assertFails(Cli.FAILED, "already exists");
        session("import", db.toString(), "--out", target.toString()).assertFails(Cli.FAILED, "not a zip file");
        assertFalse(Files.exists(target));
    }

    @Test
    void filesThatAreNotSessions() throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.txt"), "not a session");
        session("list", text.toString()).assertFails(Cli.FAILED, text.toAbsolutePath().toString(), "not a Loupe session");
        session("show", tmp.resolve("nope.db").toString()).assertFails(Cli.FAILED, "nope.db: no such file");
        assertFalse(Files.exists(tmp.resolve("nope.db")));
    }

    @Test
    void usageErrors() {
        session().assertFails(Cli.USAGE, "session: needs a subcommand (list, show, export, import)");
        session("frobnicate", db.toString()).assertFails(Cli.USAGE, "unknown subcommand \"frobnicate\"");
        session("list").assertFails(Cli.USAGE, "session list: needs the session file");
        session("import", "--out", "x.db").assertFails(Cli.USAGE, "session import: needs the export file");
        session("list", db.toString(), "extra").assertFails(Cli.USAGE, "unexpected argument \"extra\"", "session list FILE");
        session("list", db.toString(), "--out", "x").assertFails(Cli.USAGE, "--out is only for export and import");
        session("export", db.toString()).assertFails(Cli.USAGE, "missing required option --out");
        session("export", db.toString(), "--out").assertFails(Cli.USAGE, "--out needs a value");
        session("list", db.toString(), "--colour", "red").assertFails(Cli.USAGE, "unknown option --colour");
    }

    @Test
    void help() {
        String sub = session("list", "--help").assertOk().out();
        assertTrue(sub.contains("usage: loupe session list FILE | show FILE [RUN_ID]"), sub);
        assertTrue(sub.contains("session export FILE --out FILE.loupe"), sub);
        String top = CliRun.run(Map.of(), List.of(new SessionCommand()), "help", "session").assertOk().out();
        assertTrue(top.contains("--out FILE"), top);
    }

    @Test
    void debugFlagIsAcceptedAnywhere() {
        session("list", db.toString(), "--debug").assertOk();
    }

    @Test
    void theDefaultCommandSetHasSession() {
        assertTrue(CliRun.of("help").assertOk().out().contains("  session "), "loupe help lists session");
        session("list", db.toString()).assertOk();
        CliRun.of("session", "list", db.toString()).assertOk();
    }
}
