package dev.loupe.app.session;

import static dev.loupe.app.session.SessionStoreTest.raw;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening and creating sessions as hostile conditions meet them: races, foreign tables, failed upgrades, kill -9. */
class SessionOpenSafetyTest {

    @TempDir
    Path tmp;

    /** Four `analyze --session NEW.loupe` at once: one creates the file, the others open it; none fails. */
    @Test
    void concurrentCreatesOfOneNewSessionAllSucceed() throws Exception {
        Path file = tmp.resolve("new.loupe");
        int n = 4;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Long>> runs = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                runs.add(pool.submit(() -> {
                    start.await();
                    try (SessionStore s = SessionStore.openOrCreate(file)) {
                        return s.recordRun(Fixtures.okRun(null, null, 1, Fixtures.scores()));
                    }
                }));
            }
            start.countDown();
            for (Future<Long> f : runs) {
                f.get(60, TimeUnit.SECONDS); // an exception here is the failure
            }
        } finally {
            pool.shutdownNow();
        }
        try (SessionStore s = SessionStore.open(file)) {
            assertEquals(n, s.runs().size());
        }
    }

    /** A file with Loupe's id and version but a foreign runs table is refused before any row is written. */
    @Test
    void foreignTablesAreRefusedBeforeAnythingIsWritten() throws Exception {
        Path file = tmp.resolve("foreign.loupe");
        try (SessionStore s = SessionStore.create(file)) {
            s.recordRun(Fixtures.okRun(null, null, 1, Fixtures.scores()));
        }
        try (Connection c = raw(file); Statement st = c.createStatement()) {
            st.execute("PRAGMA foreign_keys=OFF");
            st.execute("DROP TABLE runs");
            st.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, what TEXT)");
            st.execute("PRAGMA journal_mode=DELETE");
        }
        byte[] before = Files.readAllBytes(file);
        SessionException e = assertThrows(SessionException.class, () -> SessionStore.open(file));
        assertTrue(e.getMessage().startsWith(file.toAbsolutePath() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("table runs has columns [id INTEGER, what TEXT]"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file), "a refused file must be left exactly as it was");
        assertFalse(Files.exists(file.resolveSibling(file.getFileName() + "-wal")));
    }

    /** "the file is unchanged" must be true to the byte, also for a file that was not in WAL mode. */
    @Test
    void aFailedUpgradeLeavesTheFileByteForByte() throws Exception {
        Path file = tmp.resolve("old.loupe");
        try (SessionStore s = SessionStore.create(file, Schema.MIGRATIONS)) {
            s.recordRun(Fixtures.okRun(null, null, 1, Fixtures.scores()));
        }
        try (Connection c = raw(file); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=DELETE"); // as a file copied out of an export is
        }
        byte[] before = Files.readAllBytes(file);
        List<Migration> withBrokenStep = new ArrayList<>(Schema.MIGRATIONS);
        withBrokenStep.add(new Migration(Schema.latest(Schema.MIGRATIONS) + 1, "a step that fails", c -> {
            throw new SQLException("no space for the new table");
        }));
        SessionException e = assertThrows(SessionException.class, () -> SessionStore.open(file, withBrokenStep));
        assertTrue(e.getMessage().contains("the file is unchanged"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    /** kill -9 mid-save leaves our temp files; the next open removes those of dead processes, and only those. */
    @Test
    void staleTempFilesOfDeadProcessesAreRemoved() throws Exception {
        Path file = tmp.resolve("s.loupe");
        SessionStore.create(file).close();
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path stale = tmp.resolve(".s.loupe.copy-" + dead.pid() + "-0123abcd.loupe-tmp");
        Path staleWal = tmp.resolve(".s.loupe.copy-" + dead.pid() + "-0123abcd.loupe-tmp-wal");
        Path ours = tmp.resolve(".s.loupe.copy-" + ProcessHandle.current().pid() + "-0123abcd.loupe-tmp");
        Path notOurs = tmp.resolve(".s.loupe.backup-tmp");
        for (Path p : List.of(stale, staleWal, ours, notOurs)) {
            Files.writeString(p, "x");
        }
        SessionStore.open(file).close();
        assertFalse(Files.exists(stale));
        assertFalse(Files.exists(staleWal));
        assertTrue(Files.exists(ours), "a live process's temp file is still being written");
        assertTrue(Files.exists(notOurs), "files not named like ours are never touched");
    }
}
