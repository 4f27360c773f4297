package dev.loupe.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loupe.app.session.SessionStore;
import dev.loupe.engine.testing.TestCheckpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile inputs as a corpus, generated here rather than committed: damaged configs, safetensors headers, tokenizer
 * files and sessions, and garbage on the command line. The rule for every case: the command ends (a hang guard of
 * 30 s per case; the cases take well under a second each), exits with 0, 1 or 2, says what is wrong in at most one
 * line naming the file or field, never "internal error" (an exception nobody translated), and the files it was
 * given are byte for byte as they were.
 */
class HostileInputCorpusTest {
    @TempDir
    static Path tmp;

    static Path good;
    static JsonObject goodConfig;
    static Path goodSession;

    @BeforeAll
    static void fixtures() throws IOException {
        good = TestCheckpoints.write(tmp.resolve("good"), TestCheckpoints.Spec.gpt2());
        goodConfig = JsonParser.parseString(Files.readString(good.resolve("config.json"))).getAsJsonObject();
        goodSession = tmp.resolve("good.loupe");
        CliRun.of("analyze", "--model", good.toString(), "--plugin", "loupe.activations", "--tokens", "1,2,3",
                "--session", goodSession.toString(), "--out", tmp.resolve("out").toString()).assertOk();
    }

    /** A copy of the good checkpoint with one file replaced. */
    private static Path variant(String name, String file, byte[] bytes) throws IOException {
        Path dir = tmp.resolve("cases").resolve(name);
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(good)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Files.write(dir.resolve(file), bytes);
        return dir;
    }

    private static Map<String, String> hashes(Path dirOrFile) throws IOException {
        Map<String, String> out = new TreeMap<>();
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dirOrFile)) {
            try (Stream<Path> s = Files.list(dirOrFile)) {
                files.addAll(s.toList());
            }
        } else {
            files.add(dirOrFile);
        }
        for (Path f : files) {
            try {
                out.put(f.getFileName().toString(),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** Runs the command on the case and checks the rule. */
    private static DynamicTest hostile(String name, Path touched, String... args) {
        return DynamicTest.dynamicTest(name, () -> {
            Map<String, String> before = hashes(touched);
            CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> CliRun.of(args), name + " hung");
            assertTrue(r.code() == Cli.OK || r.code() == Cli.FAILED || r.code() == Cli.USAGE, name + ": exit " + r.code());
            assertFalse(r.err().contains("internal error"), name + ": " + r.err());
            if (r.code() != Cli.OK) {
                String line = r.err().stripTrailing();
                assertFalse(line.contains("\n"), name + ": more than one line: " + r.err());
                assertTrue(line.startsWith("loupe: "), name + ": " + r.err());
            }
            assertEquals(before, hashes(touched), name + ": the input changed on disk");
        });
    }

    @TestFactory
    Stream<DynamicTest> damagedConfigs() throws IOException {
        List<String> values = List.of("null", "\"abc\"", "-1", "0", "1e300", "1000000000", "2.5", "true", "[1, \"x\"]",
                "{\"a\": 1}", "\"\"");
        List<DynamicTest> cases = new ArrayList<>();
        for (String field : goodConfig.keySet()) {
            for (String v : values) {
                JsonObject c = goodConfig.deepCopy();
                c.add(field, JsonParser.parseString(v));
                String name = "config " + field + "=" + v;
                Path dir = variant("cfg-" + cases.size(), "config.json", c.toString().getBytes());
                cases.add(hostile(name, dir, "info", "--model", dir.toString()));
            }
        }
        // Not JSON at all, truncated, or with a repeated key.
        String text = goodConfig.toString();
        for (int cut : new int[] {0, 1, text.length() / 3, text.length() - 1}) {
            Path dir = variant("cfg-cut-" + cut, "config.json", text.substring(0, cut).getBytes());
            cases.add(hostile("config cut at " + cut, dir, "info", "--model", dir.toString()));
        }
        Path dup = variant("cfg-dup", "config.json", text.replaceFirst("\\{", "{\"n_layer\": 1, ").getBytes());
        cases.add(hostile("config with a repeated key", dup, "info", "--model", dup.toString()));
        return cases.stream();
    }

    @TestFactory
    Stream<DynamicTest> damagedWeights() throws IOException {
        byte[] st = Files.readAllBytes(good.resolve("model.safetensors"));
        long headerLength = java.nio.ByteBuffer.wrap(st, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        List<DynamicTest> cases = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int cut = (int) ((long) st.length * i / 24);
            Path dir = variant("st-cut-" + i, "model.safetensors", java.util.Arrays.copyOf(st, cut));
            cases.add(hostile("safetensors cut at " + cut, dir, "info", "--model", dir.toString()));
        }
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < 40; i++) {
            byte[] b = st.clone();
            int at = 8 + random.nextInt((int) Math.min(headerLength, Integer.MAX_VALUE - 8));
            b[at] = (byte) random.nextInt(256);
            Path dir = variant("st-flip-" + i, "model.safetensors", b);
            cases.add(hostile("safetensors header byte " + at + " changed", dir, "info", "--model", dir.toString()));
        }
        byte[] huge = st.clone();
        java.nio.ByteBuffer.wrap(huge, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE);
        Path dir = variant("st-huge", "model.safetensors", huge);
        cases.add(hostile("safetensors header length Long.MAX_VALUE", dir, "info", "--model", dir.toString()));
        return cases.stream();
    }

    @TestFactory
    Stream<DynamicTest> damagedTokenizers() throws IOException {
        String tok = Files.readString(good.resolve("tokenizer.json"));
        List<DynamicTest> cases = new ArrayList<>();
        for (String bad : List.of("", "{", "[]", "{\"model\": 3}", tok.substring(0, tok.length() / 2),
                tok.replace("WordLevel", "NoSuchModel"))) {
            Path dir = variant("tok-" + cases.size(), "tokenizer.json", bad.getBytes());
            cases.add(hostile("tokenizer " + cases.size(), dir, "generate", "--model", dir.toString(), "--prompt",
                    "w1 w2", "--max-new", "2"));
        }
        return cases.stream();
    }

    @TestFactory
    Stream<DynamicTest> damagedSessions() throws IOException {
        byte[] db = Files.readAllBytes(goodSession);
        List<DynamicTest> cases = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int cut = (int) ((long) db.length * i / 16);
            Path f = tmp.resolve("sessions").resolve("cut-" + i + ".loupe");
            Files.createDirectories(f.getParent());
            Files.write(f, java.util.Arrays.copyOf(db, cut));
            cases.add(hostile("session cut at " + cut, f, "session", "list", f.toString()));
        }
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 40; i++) {
            byte[] b = db.clone();
            for (int k = 0; k < 8; k++) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            Path f = tmp.resolve("sessions").resolve("flip-" + i + ".loupe");
            Files.write(f, b);
            cases.add(hostile("session with 8 bytes changed (" + i + ")", f, "session", "show", f.toString()));
        }
        // Fields without a checksum, damaged by hand, through SQL.
        String[][] edits = {
            {"UPDATE runs SET params_json = '{'", "list"},
            {"UPDATE models SET files_json = '[1,'", "show"},
            {"UPDATE models SET info_json = 'x'", "show"},
            {"UPDATE session_meta SET value = 'soon' WHERE key = 'created'", "show"},
            {"UPDATE runs SET status = 'ok', started_at = -1", "list"},
        };
        for (String[] e : edits) {
            Path f = tmp.resolve("sessions").resolve("sql-" + cases.size() + ".loupe");
            Files.copy(goodSession, f);
            try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + f); var s = c.createStatement()) {
                s.execute(e[0]);
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            } catch (java.sql.SQLException ex) {
                throw new IOException(ex);
            }
            cases.add(hostile("session: " + e[0], f, "session", e[1], f.toString()));
        }
        return cases.stream();
    }

    @TestFactory
    Stream<DynamicTest> garbageArguments() {
        String m = good.toString();
        List<String[]> argv = List.of(
                new String[] {"info", "--model"}, new String[] {"info", "--model", ""},
                new String[] {"info", "--model", m, "--device", "gpu:9999999999"},
                new String[] {"trace", "--model", m, "--tokens", "99999999999999999999", "--out", tmp.resolve("t").toString()},
                new String[] {"trace", "--model", m, "--tokens", "-1", "--out", tmp.resolve("t").toString()},
                new String[] {"trace", "--model", m, "--tokens", "1", "--hooks", "*".repeat(40) + "x", "--out", tmp.resolve("t").toString()},
                new String[] {"generate", "--model", m, "--prompt", "w1", "--max-new", "99999999999"},
                new String[] {"generate", "--model", m, "--prompt", "w1", "--temperature", "NaN"},
                new String[] {"generate", "--model", m, "--prompt", "w1", "--top-p", "1e999"},
                new String[] {"generate", "--model", m, "--prompt", "w1", "--steer", ":::"},
                new String[] {"analyze", "--model", m, "--plugin", "loupe.attention", "--tokens", "1,2",
                        "--param", "compareAblated=,,,", "--out", tmp.resolve("a").toString()},
                new String[] {"analyze", "--model", m, "--plugin", "loupe.attention", "--tokens", "1,2",
                        "--param", "compareAblated=L99999999999H0", "--out", tmp.resolve("a").toString()},
                new String[] {"analyze", "--model", m, "--plugin", "loupe.attention", "--tokens", "1,2",
                        "--param", "layer=-7", "--out", tmp.resolve("a").toString()},
                new String[] {"analyze", "--model", m, "--plugin", "loupe.logit-lens", "--prompt", "   ",
                        "--out", tmp.resolve("a").toString()},
                new String[] {"analyze", "--model", m, "--plugin", "nope", "--tokens", "1", "--out", tmp.resolve("a").toString()},
                new String[] {"session", "list", tmp.resolve("missing.loupe").toString()},
                new String[] {"session", "import", good.resolve("config.json").toString(), "--out", tmp.resolve("i.loupe").toString()},
                new String[] {"--no-such-option"}, new String[] {"\u0000"});
        List<DynamicTest> cases = new ArrayList<>();
        for (String[] a : argv) {
            cases.add(hostile(String.join(" ", a).replace("\u0000", "\\0"), good, a));
        }
        return cases.stream();
    }
}
