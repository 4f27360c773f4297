package dev.loupe.app.session;

import static dev.loupe.app.session.Fixtures.T0;
import static dev.loupe.app.session.Fixtures.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.loupe.engine.LoupeException;
import dev.loupe.engine.input.ImageInput;
import dev.loupe.engine.input.InputKind;
import dev.loupe.engine.input.TokenInput;
import dev.loupe.plugin.result.MatrixResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session store on real SQLite files: what it records, how it refuses bad files, and that saves are atomic. */
class SessionStoreTest {

    @TempDir
    Path tmp;

    @Test
    void everythingRecordedComesBackAfterReopening() throws Exception {
        Path db = tmp.resolve("s.db");
        Path modelDir = Fixtures.fakeModel(tmp.resolve("gpt2-tiny"), 1000, 1);
        JsonObject card = new JsonObject();
        card.addProperty("layers", 2);
        MatrixResult matrix = Fixtures.matrix(3, 4, 7);
        JsonObject workspace = new JsonObject();
        JsonArray tabs = new JsonArray();
        tabs.add("run:1");
        tabs.add("run:3");
        workspace.add("tabs", tabs);
        workspace.addProperty("selected", 1);
        long model;
        long input;
        long ok;
        long failed;
        long cancelled;
        try (SessionStore s = SessionStore.create(db)) {
            model = s.recordModel(modelDir, "gpt2", card);
            input = s.recordInput(InputRecord.ofText("The cat", new long[] {464, 3797}, List.of("The", " cat")));
            ok = s.recordRun(Fixtures.okRun(model, input, 7, matrix));
            failed = s.recordRun(RunRecord.failed("loupe.attention", "0.2.0", Fixtures.params(1, 0), model, input, T0,
                    T0.plusSeconds(2), Duration.ofMillis(1999), "hook blocks.9.attn.hook_pattern does not exist"));
            cancelled = s.recordRun(RunRecord.cancelled("loupe.logitlens", "0.1.0", null, null, null, T0, T0.plusSeconds(1),
                    Duration.ofSeconds(1)));
            s.setNotes(ok, "induction head at L1H3?\nsee also run 3");
            s.saveWorkspace(workspace);
        }

        try (SessionStore s = SessionStore.open(db)) {
            List<StoredRun> runs = s.runs();
            assertEquals(List.of(ok, failed, cancelled), runs.stream().map(StoredRun::id).toList());

            StoredRun r = s.run(ok).orElseThrow();
            assertEquals("loupe.activations", r.pluginId());
            assertEquals("0.1.0", r.pluginVersion());
            assertEquals(Fixtures.params(2, 7), r.params());
            assertEquals(2, r.paramsVersion());
            assertEquals(model, r.modelId());
            assertEquals(input, r.inputId());
            assertEquals(RunStatus.OK, r.status());
            assertEquals(T0, r.startedAt());
            assertEquals(T0.plusMillis(1234), r.finishedAt());
            assertEquals(Duration.ofMillis(1234), r.duration());
            assertEquals("induction head at L1H3?\nsee also run 3", r.notes());
            assertTrue(r.hasResult());
            assertEquals(json(matrix), json(s.result(ok).orElseThrow()));
            assertArrayEquals(matrix.values(), ((MatrixResult) s.result(ok).orElseThrow()).values());

            StoredRun f = s.run(failed).orElseThrow();
            assertEquals(RunStatus.FAILED, f.status());
            assertEquals("hook blocks.9.attn.hook_pattern does not exist", f.error());
            assertFalse(f.hasResult());
            assertTrue(s.result(failed).isEmpty());
            StoredRun c = s.run(cancelled).orElseThrow();
            assertEquals(RunStatus.CANCELLED, c.status());
            assertNull(c.modelId());
            assertNull(c.paramsVersion());
            assertTrue(s.run(99).isEmpty());

            StoredModel m = s.model(model).orElseThrow();
            assertEquals(modelDir.toAbsolutePath(), m.path());
            assertEquals("gpt2", m.family());
            assertEquals(card, m.info());
            assertEquals(List.of("config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"),
                    m.files().stream().map(ModelHasher.FileHash::name).toList());
            assertEquals(InputRecord.ofText("The cat", new long[] {464, 3797}, List.of("The", " cat")), s.input(input).orElseThrow());
            assertEquals(workspace, s.workspace().orElseThrow());

            SessionMeta meta = s.meta();
            assertEquals(Schema.latest(Schema.MIGRATIONS), meta.schemaVersion());
            assertFalse(meta.modified().isBefore(meta.created()));
            assertEquals(SessionStore.appVersion(), meta.appVersion());
        }
    }

    @Test
    void fileIsAWalSessionWithForeignKeysOn() throws Exception {
        Path db = tmp.resolve("s.db");
        try (SessionStore s = SessionStore.create(db)) {
            assertEquals("wal", s.pragma("journal_mode"));
            assertEquals("1", s.pragma("foreign_keys"));
            assertEquals("2", s.pragma("synchronous")); // FULL
        }
        try (Connection c = raw(db); Statement st = c.createStatement()) {
            assertEquals(Schema.APPLICATION_ID, SqliteFiles.pragmaInt(c, "application_id"));
            assertEquals(Schema.latest(Schema.MIGRATIONS), SqliteFiles.pragmaInt(c, "user_version"));
            assertEquals("wal", SqliteFiles.pragmaText(c, "journal_mode")); // persistent in the file header
            // Foreign keys are declared, so any connection that turns them on gets them enforced.
            st.execute("PRAGMA foreign_keys=ON");
            SQLException e = assertThrows(SQLException.class, () -> st.execute("INSERT INTO runs(plugin_id, plugin_version,"
                    + " params_json, model_id, status, started_at, finished_at, duration_ms) VALUES ('a.b', '1', '{}', 42, 'ok', 0, 0, 0)"));
            assertTrue(e.getMessage().contains("FOREIGN KEY"), e.getMessage());
        }
        try (Stream<Path> files = Files.list(tmp)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".loupe-tmp")), "no temp files left");
        }
    }

    @Test
    void resultsAreStoredAsBinaryTensorsNotJsonText() throws Exception {
        Path db = tmp.resolve("s.db");
        MatrixResult big = Fixtures.matrix(64, 128, 3);
        long bigId;
        long smallId;
        try (SessionStore s = SessionStore.create(db)) {
            bigId = s.recordRun(Fixtures.okRun(null, null, 3, big));
            smallId = s.recordRun(Fixtures.okRun(null, null, 4, Fixtures.scores()));
        }
        try (Connection c = raw(db); Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT run_id, encoding, size, length(data) FROM results ORDER BY run_id")) {
            assertTrue(r.next());
            assertEquals(bigId, r.getLong(1));
            assertEquals("safetensors", r.getString(2));
            assertEquals(r.getLong(3), r.getLong(4));
            // 8,192 floats: about 4 bytes each, far below their JSON text.
            assertTrue(r.getLong(4) < 64 * 128 * 4 + 4096, "binary: " + r.getLong(4));
            assertTrue(r.getLong(4) * 2 < json(big).toString().length(), "smaller than the JSON text");
            assertTrue(r.next());
            assertEquals(smallId, r.getLong(1));
            assertEquals("safetensors", r.getString(2));
        }
        try (SessionStore s = SessionStore.open(db)) {
            assertEquals(json(big), json(s.result(bigId).orElseThrow()));
            assertEquals(json(Fixtures.scores()), json(s.result(smallId).orElseThrow()));
        }
    }

    @Test
    void aDamagedResultIsReportedNotDecodedIntoNonsense() throws Exception {
        Path db = tmp.resolve("s.db");
        long id;
        try (SessionStore s = SessionStore.create(db)) {
            id = s.recordRun(Fixtures.okRun(null, null, 4, Fixtures.scores()));
        }
        flipResultByte(db, id);
        try (SessionStore s = SessionStore.open(db)) {
            LoupeException e = assertThrows(LoupeException.class, () -> s.result(id));
            assertTrue(e.getMessage().contains("result of run " + id + " is damaged"), e.getMessage());
            assertTrue(e.getMessage().startsWith(db.toString()), e.getMessage());
        }
    }

    @Test
    void aSaveThatFailsHalfwayLeavesThePreviousState() throws Exception {
        Path db = tmp.resolve("s.db");
        try (SessionStore s = SessionStore.create(db)) {
            long first = s.recordRun(Fixtures.okRun(null, null, 1, Fixtures.scores()));
            SessionMeta before = s.meta();
            Thread.sleep(5);
            s.writeHook = point -> {
                if (point.equals("run-inserted")) {
                    throw new IllegalStateException("simulated failure after the run row, before its result");
                }
            };
            assertThrows(IllegalStateException.class, () -> s.recordRun(Fixtures.okRun(null, null, 2, Fixtures.matrix(4, 4, 2))));
            assertEquals(List.of(first), s.runs().stream().map(StoredRun::id).toList());
            assertEquals(before.modified(), s.meta().modified());

            s.writeHook = point -> {
                if (point.equals("before-commit")) {
                    throw new IllegalStateException("simulated failure just before commit");
                }
            };
            assertThrows(IllegalStateException.class, () -> s.saveWorkspace(new JsonObject()));
            assertTrue(s.workspace().isEmpty());

            s.writeHook = point -> {
            };
            long next = s.recordRun(Fixtures.okRun(null, null, 3, Fixtures.scores()));
            assertEquals(2, s.runs().size());
            assertTrue(s.result(next).isPresent());
        }
        try (SessionStore s = SessionStore.open(db)) {
            assertEquals(2, s.runs().size());
            assertEquals(List.of(), s.runs().stream().filter(r -> !r.hasResult()).toList(), "no run without its result");
        }
    }

    @Test
    void runsMustReferToRecordedModelsAndInputs() throws Exception {
        try (SessionStore s = SessionStore.create(tmp.resolve("s.db"))) {
            LoupeException e = assertThrows(LoupeException.class, () -> s.recordRun(Fixtures.okRun(5L, null, 1, Fixtures.scores())));
            assertTrue(e.getMessage().contains("has no model 5"), e.getMessage());
            e = assertThrows(LoupeException.class, () -> s.recordRun(Fixtures.okRun(null, 8L, 1, Fixtures.scores())));
            assertTrue(e.getMessage().contains("has no input 8"), e.getMessage());
            assertTrue(s.runs().isEmpty());
            e = assertThrows(LoupeException.class, () -> s.setNotes(3, "x"));
            assertTrue(e.getMessage().contains("there is no run 3"), e.getMessage());
        }
    }

    @Test
    void runRecordsCheckTheirOwnConsistency() {
        assertThrows(IllegalArgumentException.class, () -> RunRecord.ok("a.b", "1", null, null, null, T0, T0, Duration.ZERO, null));
        assertThrows(IllegalArgumentException.class, () -> RunRecord.failed("a.b", "1", null, null, null, T0, T0, Duration.ZERO, " "));
        assertThrows(IllegalArgumentException.class, () -> InputRecord.ofTokens(new long[] {1, 2}, List.of("a")));
    }

    @Test
    void theSameInputGetsTheSameId() throws Exception {
        try (SessionStore s = SessionStore.create(tmp.resolve("s.db"))) {
            long a = s.recordInput(InputRecord.ofText("hello", new long[] {1, 2}, List.of("hel", "lo")));
            long b = s.recordInput(InputRecord.ofText("hello", new long[] {1, 2}, List.of("hel", "lo")));
            long c = s.recordInput(InputRecord.ofTokens(new long[] {1, 2}, List.of()));
            assertEquals(a, b);
            assertNotEquals(a, c);
            assertEquals(InputRecord.ofTokens(new long[] {1, 2}, List.of()), s.input(c).orElseThrow());
        }
    }

    /** The bytes of a pretend picture, and an image input of them as a ViT with a 2x2 patch grid would label it. */
    static final byte[] PICTURE = "not really a PNG, but bytes with a hash".getBytes(StandardCharsets.UTF_8);

    static InputRecord image(byte[] bytes) {
        try {
            return InputRecord.ofImage(new InputRecord.Image(Path.of("/data/cat.png"), sha256(PICTURE), 640, 480, bytes),
                    ImageInput.tokenLabels(true, 0, 2, 2));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyInputKindRoundTrips() throws Exception {
        InputRecord text = InputRecord.ofText("The cat", new long[] {464, 3797}, List.of("The", " cat"));
        InputRecord tokens = InputRecord.ofTokens(new long[] {5, 6}, List.of("#5", "#6"));
        InputRecord image = image(null);
        InputRecord withBytes = image.withImageBytes(PICTURE);
        Path db = tmp.resolve("kinds.db");
        long[] ids = new long[4];
        try (SessionStore s = SessionStore.create(db)) {
            ids[0] = s.recordInput(text);
            ids[1] = s.recordInput(tokens);
            ids[2] = s.recordInput(image);
            ids[3] = s.recordInput(withBytes);
            assertEquals(4, java.util.Arrays.stream(ids).distinct().count(), "the bytes travelling make another row");
            assertEquals(ids[2], s.recordInput(image(null)), "the same image recorded again is the same row");
        }
        try (SessionStore s = SessionStore.open(db)) {
            assertEquals(text, s.input(ids[0]).orElseThrow());
            assertEquals(tokens, s.input(ids[1]).orElseThrow());
            InputRecord back = s.input(ids[2]).orElseThrow();
            assertEquals(image, back);
            assertEquals(InputKind.IMAGE, back.kind());
            assertEquals(List.of("CLS", "patch 0,0", "patch 0,1", "patch 1,0", "patch 1,1"), back.tokenLabels());
            assertNull(back.image().bytes());
            assertNull(back.text());
            assertArrayEquals(PICTURE, s.input(ids[3]).orElseThrow().image().bytes());
        }
    }

    @Test
    void imageInputsCheckTheirOwnConsistency() throws Exception {
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> image(null).withImageBytes("other bytes".getBytes(StandardCharsets.UTF_8)));
        assertTrue(wrong.getMessage().contains("/data/cat.png: the bytes given hash to "), wrong.getMessage());
        assertTrue(wrong.getMessage().contains("not the recorded sha256 " + sha256(PICTURE)), wrong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> InputRecord.ofImage(image(null).image(), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new InputRecord.Image(Path.of("a.png"), sha256(PICTURE), 0, 10, null));
        assertThrows(IllegalArgumentException.class, () -> new InputRecord(InputKind.IMAGE, "a prompt", null,
                image(null).image(), List.of("CLS")));
        assertThrows(IllegalArgumentException.class, () -> new InputRecord(InputKind.TEXT, "a prompt", null,
                image(null).image(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> InputRecord.ofTokens(new long[] {1}, List.of()).withImageBytes(PICTURE));
    }

    @Test
    void aPreparedInputIsRecordedAsTheModelPreparedIt() throws Exception {
        assertEquals(InputRecord.ofText("w1 w2", new long[] {1, 2}, List.of("w1", "w2")),
                InputRecord.of(TokenInput.of("w1 w2", new long[] {1, 2}, List.of("w1", "w2"))));
        assertEquals(InputRecord.ofTokens(new long[] {7}, List.of("#7")),
                InputRecord.of(TokenInput.of(null, new long[] {7}, List.of("#7"))));
        ImageInput pixels = new ImageInput(Path.of("/data/cat.png"), sha256(PICTURE), 640, 480, new float[3 * 4 * 4],
                new int[] {3, 4, 4}, ImageInput.tokenLabels(true, 0, 2, 2));
        assertEquals(image(null), InputRecord.of(pixels), "the path, hash, size and labels; never the pixels");
        assertThrows(IllegalArgumentException.class,
                () -> InputRecord.of(TokenInput.ofBatch(new long[][] {{1}, {2}})));
    }

    @Test
    void modelHashIsTheSha256sumListingOfConfigAndWeights() throws Exception {
        Path dir = Fixtures.fakeModel(tmp.resolve("m"), 5000, 2);
        StringBuilder listing = new StringBuilder();
        for (String name : List.of("config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")) {
            listing.append(sha256(Files.readAllBytes(dir.resolve(name)))).append("  ").append(name).append('\n');
        }
        try (SessionStore s = SessionStore.create(tmp.resolve("s.db"))) {
            s.useHasher(new ModelHasher());
            long id = s.recordModel(dir, "gpt2", null);
            assertEquals(sha256(listing.toString().getBytes(StandardCharsets.UTF_8)), s.model(id).orElseThrow().sha256());
            // Files that do not define the numbers (tokenizer, README) do not change the identity.
            Files.writeString(dir.resolve("README.md"), "edited");
            assertEquals(id, s.recordModel(dir, "gpt2", null));
        }
    }

    @Test
    void unchangedModelFilesAreNotHashedAgain() throws Exception {
        Path dir = Fixtures.fakeModel(tmp.resolve("m"), 200_000, 3);
        long configBytes = Files.size(dir.resolve("config.json"));
        Path db = tmp.resolve("s.db");
        long id;
        try (SessionStore s = SessionStore.create(db)) {
            ModelHasher h = new ModelHasher();
            s.useHasher(h);
            id = s.recordModel(dir, "gpt2", null);
            assertEquals(400_000 + configBytes, h.bytesHashed());
            assertEquals(id, s.recordModel(dir, "gpt2", null));
            assertEquals(400_000 + configBytes, h.bytesHashed(), "the second record hashes nothing");
        }
        try (SessionStore s = SessionStore.open(db)) {
            // A new process (empty memory cache) still skips unchanged files: the session remembers size and mtime.
            ModelHasher h = new ModelHasher();
            s.useHasher(h);
            assertEquals(id, s.recordModel(dir, "gpt2", null));
            assertEquals(0, h.bytesHashed());

            // Touching one shard rehashes just that shard; same bytes, same model.
            Path shard = dir.resolve("model-00002-of-00002.safetensors");
            Files.setLastModifiedTime(shard, FileTime.fromMillis(Files.getLastModifiedTime(shard).toMillis() + 60_000));
            assertEquals(id, s.recordModel(dir, "gpt2", null));
            assertEquals(200_000, h.bytesHashed());

            // New content is a new model.
            byte[] b = Files.readAllBytes(shard);
            b[100] ^= 1;
            Files.write(shard, b);
            Files.setLastModifiedTime(shard, FileTime.fromMillis(Files.getLastModifiedTime(shard).toMillis() + 120_000));
            long changed = s.recordModel(dir, "gpt2", null);
            assertNotEquals(id, changed);
            assertNotEquals(s.model(id).orElseThrow().sha256(), s.model(changed).orElseThrow().sha256());
        }
    }

    @Test
    void recordingAFolderWithoutAModelSaysSo() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        try (SessionStore s = SessionStore.create(tmp.resolve("s.db"))) {
            LoupeException e = assertThrows(LoupeException.class, () -> s.recordModel(empty, "gpt2", null));
            assertTrue(e.getMessage().contains("has no config.json or weight files"), e.getMessage());
        }
    }

    @Test
    void createRefusesAnExistingFileOrMissingFolder() throws Exception {
        Path existing = Files.writeString(tmp.resolve("x.db"), "keep me");
        LoupeException e = assertThrows(LoupeException.class, () -> SessionStore.create(existing));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals("keep me", Files.readString(existing));
        e = assertThrows(LoupeException.class, () -> SessionStore.create(tmp.resolve("no/such/dir/s.db")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void openExplainsFilesThatAreNotSessions() throws Exception {
        assertOpenFails(tmp.resolve("missing.db"), "no such file");
        assertFalse(Files.exists(tmp.resolve("missing.db")), "open must not create the file");
        assertOpenFails(Files.createDirectories(tmp.resolve("folder.db")), "is a folder");
        assertOpenFails(Files.createFile(tmp.resolve("empty.db")), "is empty");
        assertOpenFails(Files.writeString(tmp.resolve("notes.txt"), "just some text, not a database at all"),
                "not a Loupe session (not an SQLite database)");
        assertOpenFails(Files.write(tmp.resolve("x.loupe"), new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0}), "is a zip file");

        Path other = tmp.resolve("other.sqlite");
        try (Connection c = raw(other); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t(x)");
        }
        byte[] otherBytes = Files.readAllBytes(other);
        assertOpenFails(other, "is an SQLite database but not a Loupe session");
        assertArrayEquals(otherBytes, Files.readAllBytes(other), "a foreign file is left exactly as it was");
    }

    @Test
    void openRefusesAFileFromANewerSchemaAndLeavesItAlone() throws Exception {
        Path db = tmp.resolve("future.db");
        SessionStore.create(db).close();
        try (Connection c = raw(db); Statement st = c.createStatement()) {
            st.execute("PRAGMA user_version=7");
        }
        byte[] bytes = Files.readAllBytes(db);
        assertOpenFails(db, "was saved by a newer Loupe (session schema version 7; this Loupe reads up to version "
                + Schema.latest(Schema.MIGRATIONS) + ")");
        assertArrayEquals(bytes, Files.readAllBytes(db));
    }

    @Test
    void openReportsADamagedFile() throws Exception {
        Path db = tmp.resolve("s.db");
        try (SessionStore s = SessionStore.create(db)) {
            for (int i = 0; i < 20; i++) {
                s.recordRun(Fixtures.okRun(null, null, i, Fixtures.matrix(8, 8, i)));
            }
        }
        Files.write(db, Fixtures.scramblePages(Files.readAllBytes(db)));
        assertOpenFails(db, "damaged");
    }

    @Test
    void saveCopyAsWritesAConsistentCopyAndReplacesTheTargetAtomically() throws Exception {
        Path db = tmp.resolve("s.db");
        Path copy = tmp.resolve("copy.db");
        Files.writeString(copy, "old content that must be replaced whole");
        try (SessionStore s = SessionStore.create(db)) {
            long id = s.recordRun(Fixtures.okRun(null, null, 1, Fixtures.matrix(10, 10, 1)));
            s.setNotes(id, "copied");
            s.saveCopyAs(copy);
            s.recordRun(Fixtures.okRun(null, null, 2, Fixtures.scores())); // the store stays on its own file
            LoupeException e = assertThrows(LoupeException.class, () -> s.saveCopyAs(db));
            assertTrue(e.getMessage().contains("own file"), e.getMessage());
        }
        try (SessionStore c = SessionStore.open(copy)) {
            assertEquals(1, c.runs().size());
            assertEquals("copied", c.runs().get(0).notes());
            assertEquals(json(Fixtures.matrix(10, 10, 1)), json(c.result(1).orElseThrow()));
        }
        try (SessionStore s = SessionStore.open(db)) {
            assertEquals(2, s.runs().size());
        }
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".loupe-tmp")).toList());
        }
    }

    @Test
    void artifactsComeBackAsStoredUnderTheirPluginAndKey() throws Exception {
        Path db = tmp.resolve("s.db");
        byte[] weights = new byte[300_000];
        new java.util.Random(4).nextBytes(weights);
        long run;
        try (SessionStore s = SessionStore.create(db)) {
            s.putArtifact("loupe.tuned-lens", "translators/abc", weights, null);
            s.putArtifact("loupe.tuned-lens", "empty", new byte[0], null);
            s.putArtifact("other.plugin", "translators/abc", new byte[] {1, 2, 3}, null);
            run = s.recordRun(Fixtures.okRun(null, null, 1, Fixtures.scores()));
            s.attributeArtifacts("loupe.tuned-lens", List.of("translators/abc"), run);
        }
        try (SessionStore s = SessionStore.open(db)) {
            assertArrayEquals(weights, s.artifact("loupe.tuned-lens", "translators/abc").orElseThrow());
            assertArrayEquals(new byte[] {1, 2, 3}, s.artifact("other.plugin", "translators/abc").orElseThrow(),
                    "keys are per plugin");
            assertArrayEquals(new byte[0], s.artifact("loupe.tuned-lens", "empty").orElseThrow());
            assertTrue(s.artifact("loupe.tuned-lens", "missing").isEmpty());
            List<StoredArtifact> all = s.artifacts();
            assertEquals(List.of("loupe.tuned-lens/empty", "loupe.tuned-lens/translators/abc", "other.plugin/translators/abc"),
                    all.stream().map(a -> a.pluginId() + "/" + a.key()).toList());
            StoredArtifact a = all.get(1);
            assertEquals(sha256(weights), a.sha256());
            assertEquals(weights.length, a.size());
            assertEquals(run, a.runId(), "tied to the run that produced it");
            assertNull(all.get(0).runId());
            assertFalse(a.createdAt().isAfter(java.time.Instant.now()));

            s.putArtifact("loupe.tuned-lens", "translators/abc", new byte[] {9}, null); // replaces
            assertArrayEquals(new byte[] {9}, s.artifact("loupe.tuned-lens", "translators/abc").orElseThrow());
            assertEquals(3, s.artifacts().size());
            assertThrows(IllegalArgumentException.class, () -> s.putArtifact("loupe.tuned-lens", "a key with spaces", new byte[1], null));
            assertThrows(IllegalArgumentException.class, () -> s.putArtifact(" ", "k", new byte[1], null));
            LoupeException e = assertThrows(LoupeException.class,
                    () -> s.putArtifact("loupe.tuned-lens", "k", new byte[1], 99L));
            assertTrue(e.getMessage().contains("no run 99"), e.getMessage());
            assertTrue(s.artifact("loupe.tuned-lens", "k").isEmpty(), "the failed save left nothing");
        }
    }

    @Test
    void aDamagedArtifactIsReportedByNameNotUsed() throws Exception {
        Path db = tmp.resolve("s.db");
        byte[] weights = new byte[4096];
        new java.util.Random(5).nextBytes(weights);
        try (SessionStore s = SessionStore.create(db)) {
            s.putArtifact("loupe.tuned-lens", "translators/abc", weights, null);
        }
        try (Connection c = raw(db); var ps = c.prepareStatement("UPDATE artifacts SET data = ? WHERE key = ?")) {
            byte[] flipped = weights.clone();
            flipped[2000] ^= 0x10;
            ps.setBytes(1, flipped);
            ps.setString(2, "translators/abc");
            assertEquals(1, ps.executeUpdate());
        }
        try (SessionStore s = SessionStore.open(db)) {
            LoupeException e = assertThrows(LoupeException.class, () -> s.artifact("loupe.tuned-lens", "translators/abc"));
            assertTrue(e.getMessage().startsWith(db.toAbsolutePath().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("artifact loupe.tuned-lens/translators/abc is damaged"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line");
        }
        try (Connection c = raw(db); var ps = c.prepareStatement("UPDATE artifacts SET data = ? WHERE key = ?")) {
            ps.setBytes(1, java.util.Arrays.copyOf(weights, 4000)); // cut short, as a partial write would leave it
            ps.setString(2, "translators/abc");
            ps.executeUpdate();
        }
        try (SessionStore s = SessionStore.open(db)) {
            LoupeException e = assertThrows(LoupeException.class, () -> s.artifact("loupe.tuned-lens", "translators/abc"));
            assertTrue(e.getMessage().contains("damaged") && e.getMessage().contains("4000 bytes"), e.getMessage());
        }
    }

    private static void assertOpenFails(Path file, String fragment) {
        LoupeException e = assertThrows(LoupeException.class, () -> SessionStore.open(file).close());
        assertTrue(e.getMessage().contains(fragment), () -> "expected \"" + fragment + "\" in: " + e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toAbsolutePath().toString()), () -> "names the file: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    /** One changed byte in the middle of a stored result, as a bad disk sector would do. */
    static void flipResultByte(Path db, long runId) throws SQLException {
        try (Connection c = raw(db)) {
            byte[] data;
            try (var ps = c.prepareStatement("SELECT data FROM results WHERE run_id = ?")) {
                ps.setLong(1, runId);
                try (ResultSet r = ps.executeQuery()) {
                    assertTrue(r.next());
                    data = r.getBytes(1);
                }
            }
            data[data.length / 2] ^= 0x01;
            try (var ps = c.prepareStatement("UPDATE results SET data = ? WHERE run_id = ?")) {
                ps.setBytes(1, data);
                ps.setLong(2, runId);
                ps.executeUpdate();
            }
        }
    }

    static Connection raw(Path db) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + db);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
