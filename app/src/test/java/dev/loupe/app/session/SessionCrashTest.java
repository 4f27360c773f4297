package dev.loupe.app.session;

import static dev.loupe.app.session.SessionStoreTest.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety for real: a forked JVM ({@link CrashWriter}) saves big runs in a loop and is killed with SIGKILL
 * ({@link Process#destroyForcibly()}) at random moments, and on alternate rounds exactly while frozen inside a
 * run's transaction. After every kill the file must pass integrity_check, every save the child saw return must be
 * there, complete, and no half-written run may be visible.
 */
class SessionCrashTest {
    private static final int ROUNDS = 6;

    @TempDir
    Path tmp;

    @Test
    void killMinus9DuringSavesNeverLeavesAPartialOrCorruptSession() throws Exception {
        Path db = tmp.resolve("crash.db");
        Path copy = tmp.resolve("copy.db");
        SessionStore.create(db).close();
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String context = "random seed " + seed;

        Map<Long, Long> confirmed = new HashMap<>(); // run id -> result seed, for saves the child saw return
        Set<Long> frozenSeeds = new HashSet<>();     // runs whose transaction was open when the child died
        int unconfirmedAllowed = 0;
        for (int round = 0; round < ROUNDS; round++) {
            boolean pause = round % 2 == 0;
            Child child = Child.start(db, copy, round * 1_000_000L, pause, tmp.resolve("child-" + round + ".err"));
            try {
                child.await("committed ", context);
                if (pause) {
                    String inside = child.await("inside ", context);
                    frozenSeeds.add(Long.parseLong(inside.substring("inside ".length())));
                } else {
                    Thread.sleep(random.nextInt(400));
                    unconfirmedAllowed++; // it may have committed and died before printing
                }
            } finally {
                child.process.destroyForcibly();
            }
            assertTrue(child.process.waitFor(30, TimeUnit.SECONDS), "killed child exits");
            assertEquals(137, child.process.exitValue(), "child died of SIGKILL; " + child.stderr());
            confirmed.putAll(child.drainCommitted());

            verify(db, confirmed, frozenSeeds, unconfirmedAllowed, context + ", round " + round);
            if (Files.exists(copy)) {
                verifyCopy(copy, context + ", round " + round);
            }
        }
        assertTrue(confirmed.size() >= ROUNDS, "each round committed something before its kill: " + confirmed.size());
    }

    private static void verify(Path db, Map<Long, Long> confirmed, Set<Long> frozenSeeds, int unconfirmedAllowed,
            String context) throws Exception {
        try (Connection c = raw(db)) {
            assertEquals(null, SqliteFiles.integrityProblem(c, true), "integrity_check == ok; " + context);
        }
        try (SessionStore s = SessionStore.open(db)) {
            Map<Long, Long> visible = new HashMap<>();
            for (StoredRun run : s.runs()) {
                long seed = run.params().get("seed").getAsLong();
                visible.put(run.id(), seed);
                assertFalse(frozenSeeds.contains(seed), "run with seed " + seed + " was mid-transaction at the kill; " + context);
                assertEquals(RunStatus.OK, run.status(), context);
                assertTrue(run.hasResult(), "run " + run.id() + " is visible without its result; " + context);
                assertEquals(Fixtures.json(Fixtures.matrix(CrashWriter.ROWS, CrashWriter.COLS, seed)),
                        Fixtures.json(s.result(run.id()).orElseThrow()), "run " + run.id() + "'s result; " + context);
            }
            for (Map.Entry<Long, Long> e : confirmed.entrySet()) {
                assertEquals(e.getValue(), visible.get(e.getKey()), "confirmed run " + e.getKey() + " survives; " + context);
            }
            assertTrue(visible.size() - confirmed.size() <= unconfirmedAllowed,
                    visible.size() + " runs visible, " + confirmed.size() + " confirmed; " + context);
            s.workspace().ifPresent(ws -> assertWholeWorkspace(ws, context));
        }
    }

    private static void verifyCopy(Path copy, String context) {
        try (SessionStore s = SessionStore.open(copy)) { // open runs quick_check and refuses damage
            for (StoredRun run : s.runs()) {
                long seed = run.params().get("seed").getAsLong();
                assertEquals(Fixtures.json(Fixtures.matrix(CrashWriter.ROWS, CrashWriter.COLS, seed)),
                        Fixtures.json(s.result(run.id()).orElseThrow()), "copy, run " + run.id() + "; " + context);
            }
            s.workspace().ifPresent(ws -> assertWholeWorkspace(ws, "copy; " + context));
        }
    }

    private static void assertWholeWorkspace(JsonObject ws, String context) {
        assertEquals(ws.get("check").getAsString(), CrashWriter.checksum(ws.getAsJsonArray("views")), "workspace; " + context);
    }

    /** A forked CrashWriter with its stdout read line by line on a thread. */
    private record Child(Process process, BlockingQueue<String> lines, List<String> all, Path errFile) {

        static Child start(Path db, Path copy, long seedBase, boolean pause, Path errFile) throws IOException {
            Path jtmp = Files.createDirectories(errFile.resolveSibling("jtmp"));
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    // sqlite-jdbc unpacks its native library here; a killed JVM cannot clean up after itself.
                    "-Djava.io.tmpdir=" + jtmp, "-Dorg.sqlite.tmpdir=" + jtmp,
                    "-cp", classPath(), CrashWriter.class.getName(),
                    db.toString(), Long.toString(seedBase), pause ? "pause" : "free", copy.toString());
            Process p = new ProcessBuilder(cmd).redirectError(errFile.toFile()).start();
            Child child = new Child(p, new LinkedBlockingQueue<>(), new ArrayList<>(), errFile);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        child.lines.add(line);
                    }
                } catch (IOException ignored) {
                    // The pipe breaks when the child is killed; what was read is what counts.
                }
                child.lines.add("<eof>");
            }, "crash-child-stdout");
            reader.setDaemon(true);
            reader.start();
            return child;
        }

        /** Waits for a line starting with {@code prefix}; every line seen is kept for {@link #drainCommitted}. */
        String await(String prefix, String context) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line == null) {
                    continue;
                }
                all.add(line);
                if (line.equals("<eof>")) {
                    fail("child ended before \"" + prefix + "\"; " + context + "; stderr: " + stderr());
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            fail("no \"" + prefix + "\" from the child within 60 s; " + context + "; stderr: " + stderr());
            return null;
        }

        /** Run id -> seed for every save the child confirmed, including lines still in the pipe at the kill. */
        Map<Long, Long> drainCommitted() throws InterruptedException {
            while (all.isEmpty() || !all.get(all.size() - 1).equals("<eof>")) {
                String line = lines.poll(30, TimeUnit.SECONDS);
                assertNotNull(line, "child's stdout closes after the kill");
                all.add(line);
            }
            Map<Long, Long> committed = new HashMap<>();
            for (String line : all) {
                if (line.startsWith("committed ")) {
                    String[] parts = line.split(" ");
                    committed.put(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
                }
            }
            return committed;
        }

        String stderr() {
            try {
                return Files.readString(errFile);
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        }
    }

    /**
     * The class path this test runs with: java.class.path, plus the URLs of any URLClassLoader above this class (the
     * JUnit console launcher and IDEs load tests through one).
     */
    static String classPath() {
        Set<String> entries = new LinkedHashSet<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        for (ClassLoader cl : List.of(SessionCrashTest.class.getClassLoader(), Thread.currentThread().getContextClassLoader())) {
            for (ClassLoader l = cl; l != null; l = l.getParent()) {
                if (l instanceof URLClassLoader u) {
                    for (URL url : u.getURLs()) {
                        try {
                            entries.add(Path.of(url.toURI()).toString());
                        } catch (URISyntaxException | IllegalArgumentException e) {
                            entries.add(url.getPath());
                        }
                    }
                }
            }
        }
        entries.remove("");
        return String.join(File.pathSeparator, entries);
    }
}
