package dev.loupe.app.session;

import static dev.loupe.app.session.SessionStoreTest.raw;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loupe.engine.LoupeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export to one portable file, and an import that checks everything before it touches the disk. */
class SessionArchiveTest {

    @TempDir
    Path tmp;

    private static final byte[] ARTIFACT = "trained weights, say".getBytes(StandardCharsets.UTF_8);

    private Path session;
    private Path exported;
    /** Imports go into their own folder, so "changes nothing" can be checked as "the folder stays empty". */
    private Path importDir;
    private Path target;

    @BeforeEach
    void exportASession() throws IOException {
        session = tmp.resolve("s.db");
        try (SessionStore s = SessionStore.create(session)) {
            long model = s.recordModel(Fixtures.fakeModel(tmp.resolve("model"), 1000, 5), "llama", null);
            long input = s.recordInput(InputRecord.ofTokens(new long[] {5, 6, 7}, List.of("a", "b", "c")));
            for (int i = 0; i < 12; i++) {
                s.recordRun(Fixtures.okRun(model, input, i, Fixtures.matrix(16, 16, i)));
            }
            s.setNotes(3, "worth a look");
            s.putArtifact("loupe.tuned-lens", "translators/abc", ARTIFACT, 3L);
            JsonObject ws = new JsonObject();
            ws.addProperty("open", "run:3");
            s.saveWorkspace(ws);
            exported = tmp.resolve("s.loupe");
            s.exportTo(exported);
        }
        importDir = Files.createDirectories(tmp.resolve("imports"));
        target = importDir.resolve("imported.db");
    }

    @Test
    void exportHoldsAManifestAndTheDatabaseAndNothingElse() throws Exception {
        Map<String, byte[]> entries = read(exported);
        assertEquals(List.of("manifest.json", "session.db"), List.copyOf(entries.keySet()));
        JsonObject m = JsonParser.parseString(new String(entries.get("manifest.json"), StandardCharsets.UTF_8)).getAsJsonObject();
        assertEquals("loupe-session-export", m.get("format").getAsString());
        assertEquals(1, m.get("version").getAsInt());
        assertEquals(Schema.latest(Schema.MIGRATIONS), m.get("schema_version").getAsInt());
        JsonObject db = m.getAsJsonArray("entries").get(0).getAsJsonObject();
        assertEquals("session.db", db.get("path").getAsString());
        assertEquals(entries.get("session.db").length, db.get("size").getAsLong());
        assertEquals(sha256(entries.get("session.db")), db.get("sha256").getAsString());
        // A self-contained snapshot: rollback-journal header (no WAL needed beside it).
        assertEquals(1, entries.get("session.db")[18]);
        try (Stream<Path> files = Files.list(tmp)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".loupe-tmp")), "no temp files left");
        }
    }

    @Test
    void importRestoresTheWholeSession() throws Exception {
        assertEquals(target, SessionStore.importFrom(exported, target));
        try (SessionStore orig = SessionStore.open(session); SessionStore copy = SessionStore.open(target)) {
            assertEquals(orig.runs().size(), copy.runs().size());
            for (StoredRun r : orig.runs()) {
                StoredRun c = copy.run(r.id()).orElseThrow();
                assertEquals(r.toJson(), c.toJson());
                assertEquals(Fixtures.json(orig.result(r.id()).orElseThrow()), Fixtures.json(copy.result(r.id()).orElseThrow()));
            }
            assertEquals("worth a look", copy.run(3).orElseThrow().notes());
            assertEquals(orig.models().get(0).sha256(), copy.models().get(0).sha256());
            assertEquals(orig.input(1), copy.input(1));
            assertEquals(orig.workspace(), copy.workspace());
            assertArrayEquals(ARTIFACT, copy.artifact("loupe.tuned-lens", "translators/abc").orElseThrow(),
                    "plugin artifacts travel with the session");
            assertEquals(orig.artifacts(), copy.artifacts());
            assertEquals(3L, copy.artifacts().get(0).runId());
            assertEquals(orig.meta().created(), copy.meta().created());
        }
    }

    @Test
    void importNeverOverwrites() throws Exception {
        Files.writeString(target, "precious");
        LoupeException e = assertThrows(LoupeException.class, () -> SessionStore.importFrom(exported, target));
        assertTrue(e.getMessage().startsWith(target + ": already exists"), e.getMessage());
        assertEquals("precious", Files.readString(target));
    }

    @Test
    void notAZip() throws Exception {
        assertImportFails(Files.writeString(tmp.resolve("x.loupe"), "hello, I am text"), "not a Loupe session export (not a zip file)");
        assertImportFails(session, "not a zip file", "it is a session database: open it directly");
        assertImportFails(tmp.resolve("missing.loupe"), "no such file");
    }

    @Test
    void truncatedDownloads() throws Exception {
        byte[] whole = Files.readAllBytes(exported);
        for (int keep : new int[] {whole.length / 2, whole.length - 10, 100}) {
            Path cut = Files.write(tmp.resolve("cut-" + keep + ".loupe"), Arrays.copyOf(whole, keep));
            assertImportFails(cut, "is truncated or damaged");
        }
    }

    @Test
    void tamperedDatabase() throws Exception {
        Map<String, byte[]> entries = read(exported);
        byte[] db = entries.get("session.db").clone();
        db[db.length / 2] ^= 0x20;
        entries.put("session.db", db); // the manifest still carries the original hash
        assertImportFails(zip("tampered.loupe", entries), "entry session.db does not match its manifest (sha256 differs)",
                "changed or damaged after export");

        entries = read(exported);
        entries.put("session.db", Arrays.copyOf(entries.get("session.db"), 8192));
        assertImportFails(zip("shortened.loupe", entries), "does not match its manifest (size 8192 instead of");
    }

    @Test
    void flippedByteInTheZipItself() throws Exception {
        byte[] b = Files.readAllBytes(exported);
        int at = b.length / 2; // inside session.db's compressed data
        b[at] ^= 0x55;
        Path f = Files.write(tmp.resolve("flipped.loupe"), b);
        LoupeException e = assertThrows(LoupeException.class, () -> SessionStore.importFrom(f, target));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
        assertNothingImported();
    }

    @Test
    void zipSlipEntriesAreRefused() throws Exception {
        for (String evil : List.of("../evil.db", "/tmp/evil.db", "sub/../../evil.db", "C:\\evil.db", "..\\evil.db")) {
            Map<String, byte[]> entries = read(exported);
            entries.put(evil, "payload".getBytes(StandardCharsets.UTF_8));
            Path f = zip("slip.loupe", entries);
            assertImportFails(f, "has an entry whose path escapes its folder (\"" + evil + "\")");
        }
        // Listing such a path in the manifest is refused as well.
        Map<String, byte[]> entries = read(exported);
        JsonObject m = manifest(entries);
        JsonObject bad = new JsonObject();
        bad.addProperty("path", "../evil.db");
        bad.addProperty("size", 1);
        bad.addProperty("sha256", "00");
        m.getAsJsonArray("entries").add(bad);
        entries.put("manifest.json", m.toString().getBytes(StandardCharsets.UTF_8));
        assertImportFails(zip("slip-manifest.loupe", entries), "manifest entry whose path escapes its folder");
        assertFalse(Files.exists(tmp.resolve("evil.db")));
        assertFalse(Files.exists(tmp.getParent().resolve("evil.db")));
    }

    @Test
    void missingManifest() throws Exception {
        Map<String, byte[]> entries = read(exported);
        entries.remove("manifest.json");
        assertImportFails(zip("no-manifest.loupe", entries), "manifest.json is missing");
    }

    @Test
    void wrongFormatOrVersion() throws Exception {
        Map<String, byte[]> entries = read(exported);
        JsonObject m = manifest(entries);
        m.addProperty("format", "photoshop-layers");
        entries.put("manifest.json", m.toString().getBytes(StandardCharsets.UTF_8));
        assertImportFails(zip("format.loupe", entries), "not a Loupe session export (its manifest says format \"photoshop-layers\"");

        m.addProperty("format", "loupe-session-export");
        m.addProperty("version", 2);
        entries.put("manifest.json", m.toString().getBytes(StandardCharsets.UTF_8));
        assertImportFails(zip("newer.loupe", entries), "exported by a newer Loupe (export format version 2; this Loupe reads up to version 1)");

        m.addProperty("version", "one");
        entries.put("manifest.json", m.toString().getBytes(StandardCharsets.UTF_8));
        assertImportFails(zip("badversion.loupe", entries), "invalid export format version");

        entries.put("manifest.json", "{not json".getBytes(StandardCharsets.UTF_8));
        assertImportFails(zip("badjson.loupe", entries), "manifest.json is not valid JSON");
    }

    @Test
    void entriesTheManifestDoesNotListOrListsButLacks() throws Exception {
        Map<String, byte[]> entries = read(exported);
        entries.put("extra.bin", new byte[] {1, 2, 3});
        assertImportFails(zip("extra.loupe", entries), "has an entry \"extra.bin\" that its manifest does not list");

        entries = read(exported);
        entries.remove("session.db");
        assertImportFails(zip("nodb.loupe", entries), "is missing the entry \"session.db\" that its manifest lists");
    }

    @Test
    void aDatabaseThatFailsItsIntegrityCheck() throws Exception {
        Map<String, byte[]> entries = read(exported);
        entries.put("session.db", Fixtures.scramblePages(entries.get("session.db")));
        entries.put("manifest.json", manifest(entries).toString().getBytes(StandardCharsets.UTF_8)); // hashes fit the damage
        assertImportFails(zip("corrupt.loupe", entries), "entry session.db", "damaged");
    }

    @Test
    void aDatabaseThatIsNotALoupeSessionOrIsNewer() throws Exception {
        Path other = tmp.resolve("other.sqlite");
        try (Connection c = raw(other); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t(x)");
        }
        Map<String, byte[]> entries = read(exported);
        entries.put("session.db", Files.readAllBytes(other));
        entries.put("manifest.json", manifest(entries).toString().getBytes(StandardCharsets.UTF_8));
        assertImportFails(zip("foreign.loupe", entries), "entry session.db is an SQLite database but not a Loupe session");

        Path newer = tmp.resolve("newer.db");
        Files.write(newer, read(exported).get("session.db"));
        try (Connection c = raw(newer); Statement st = c.createStatement()) {
            st.execute("PRAGMA user_version=9");
        }
        entries = read(exported);
        entries.put("session.db", Files.readAllBytes(newer));
        entries.put("manifest.json", manifest(entries).toString().getBytes(StandardCharsets.UTF_8));
        assertImportFails(zip("newer-db.loupe", entries), "entry session.db was saved by a newer Loupe");
    }

    @Test
    void escapesRecognisesWhatAnUnpackerCouldMisuse() {
        for (String bad : List.of("../a", "a/../../b", "/a", "\\a", "C:a", "d:\\a", "a\\..\\..\\b", "", "a\0b")) {
            assertTrue(SessionArchive.escapes(bad), bad);
        }
        for (String ok : List.of("session.db", "manifest.json", "a/b.db", "..a", "a..b")) {
            assertFalse(SessionArchive.escapes(ok), ok);
        }
    }

    // ---- helpers ----

    private void assertImportFails(Path file, String... fragments) throws IOException {
        byte[] before = Files.exists(file) ? Files.readAllBytes(file) : null;
        LoupeException e = assertThrows(LoupeException.class, () -> SessionStore.importFrom(file, target));
        String msg = e.getMessage();
        assertTrue(msg.startsWith(file.toAbsolutePath().toString() + ": "), () -> "names the file first: " + msg);
        assertFalse(msg.contains("\n"), () -> "one line: " + msg);
        for (String f : fragments) {
            assertTrue(msg.contains(f), () -> "expected \"" + f + "\" in: " + msg);
        }
        assertNothingImported();
        if (before != null) {
            assertArrayEquals(before, Files.readAllBytes(file), "the export file is not modified");
        }
    }

    private void assertNothingImported() throws IOException {
        try (Stream<Path> files = Files.list(importDir)) {
            assertEquals(List.of(), files.toList(), "a failed import leaves nothing behind");
        }
    }

    private static Map<String, byte[]> read(Path zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : z.stream().toList()) {
                entries.put(e.getName(), z.getInputStream(e).readAllBytes());
            }
        }
        return entries;
    }

    private Path zip(String name, Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return Files.write(tmp.resolve(name), bytes.toByteArray());
    }

    /** The export's manifest with its session.db entry re-hashed to match {@code entries}. */
    private static JsonObject manifest(Map<String, byte[]> entries) {
        JsonObject m = JsonParser.parseString(new String(entries.get("manifest.json"), StandardCharsets.UTF_8)).getAsJsonObject();
        byte[] db = entries.get("session.db");
        JsonObject e = new JsonObject();
        e.addProperty("path", "session.db");
        e.addProperty("size", db.length);
        e.addProperty("sha256", sha256(db));
        JsonArray list = new JsonArray();
        list.add(e);
        m.add("entries", list);
        return m;
    }

    private static String sha256(byte[] b) {
        return HexFormat.of().formatHex(ModelHasher.digest().digest(b));
    }
}
