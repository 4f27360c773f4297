package dev.loupe.app.session;

import dev.loupe.engine.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/** SQLite and file-system plumbing shared by the store and the archive: connect, validate, snapshot, rename safely. */
final class SqliteFiles {
    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int BUSY_TIMEOUT_MS = 5000;

    private SqliteFiles() {
    }

    static Connection connect(Path file, boolean create) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        if (!create) {
            // Opening must never leave an empty database behind where the user named a missing file.
            config.resetOpenMode(SQLiteOpenMode.CREATE);
        }
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    /** Why {@code file} cannot be a session database judging by its bytes alone, or null if it may be one. */
    static String fileProblem(Path file) {
        if (!Files.exists(file)) {
            return "no such file";
        }
        if (Files.isDirectory(file)) {
            return "is a folder, not a session file";
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(SQLITE_HEADER.length);
        } catch (IOException e) {
            return "cannot be read (" + e.getMessage() + ")";
        }
        if (head.length == 0) {
            return "is empty, not a Loupe session";
        }
        if (!Arrays.equals(head, SQLITE_HEADER)) {
            if (head.length >= 2 && head[0] == 'P' && head[1] == 'K') {
                return "is a zip file, not a session database (a session export? use loupe session import)";
            }
            return "is not a Loupe session (not an SQLite database)";
        }
        return null;
    }

    /** Why an open SQLite database is not a usable session for a Loupe that reads up to {@code latest}, or null. */
    static String sessionProblem(Connection c, int latest, boolean fullCheck) throws SQLException {
        int app = pragmaInt(c, "application_id");
        if (app != Schema.APPLICATION_ID) {
            return "is an SQLite database but not a Loupe session (application_id 0x" + Integer.toHexString(app) + ")";
        }
        int version = pragmaInt(c, "user_version");
        if (version > latest) {
            return "was saved by a newer Loupe (session schema version " + version + "; this Loupe reads up to version "
                    + latest + "); update Loupe to open it";
        }
        if (version < 1) {
            return "is not a complete Loupe session (it has no schema)";
        }
        String damage = integrityProblem(c, fullCheck);
        return damage == null ? null : "is damaged: the SQLite integrity check fails (" + damage + ")";
    }

    /** Null when the check says ok; otherwise its first findings, on one line. */
    static String integrityProblem(Connection c, boolean full) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("PRAGMA " + (full ? "integrity_check" : "quick_check") + "(4)")) {
            while (r.next()) {
                rows.add(r.getString(1));
            }
        }
        if (rows.equals(List.of("ok"))) {
            return null;
        }
        return String.join("; ", rows).replace("*** in database main ***", "").strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    static int pragmaInt(Connection c, String pragma) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA " + pragma)) {
            return r.next() ? r.getInt(1) : 0;
        }
    }

    static String pragmaText(Connection c, String pragma) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA " + pragma)) {
            return r.next() ? r.getString(1) : null;
        }
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /**
     * A consistent snapshot of the committed database into {@code emptyFile} (VACUUM INTO reads one transaction's
     * view; the result is compact and self-contained, without a WAL). SQLite does not fsync it, so callers do.
     */
    static void vacuumInto(Connection c, Path emptyFile) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("VACUUM INTO ?")) {
            ps.setString(1, emptyFile.toAbsolutePath().toString());
            ps.execute();
        }
    }

    /**
     * A new empty file next to {@code target}, so that renaming it onto the target stays on one file system. Its
     * name carries this process's id, so that a later start can tell a file left by a killed process (removed by
     * {@link AtomicFiles#removeStaleTemps}) from one that a running process is still writing.
     */
    static Path tempSibling(Path target, String purpose) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        AtomicFiles.sweepOnce(dir);
        Path tmp = dir.resolve("." + target.getFileName() + "." + purpose + "-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8) + ".loupe-tmp");
        return Files.createFile(tmp);
    }

    /**
     * Moves a complete {@code tmp} to {@code target} only if no file is there: a hard link fails atomically when the
     * name is taken (a plain move would check and then overwrite, so two processes creating one session could each
     * think they made it). Where links are not supported, a move that refuses to replace.
     */
    static void moveIfAbsent(Path tmp, Path target) throws IOException {
        try {
            Files.createLink(target, tmp);
            Files.delete(tmp);
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (e instanceof FileAlreadyExistsException exists) {
                throw exists;
            }
            Files.move(tmp, target);
        }
    }

    /** Removes a temporary database with whatever journal files SQLite left beside it. */
    static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        for (String suffix : List.of("", "-journal", "-wal", "-shm")) {
            try {
                Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
            } catch (IOException ignored) {
                // A leftover temp file is harmless; the error that got us here matters more.
            }
        }
    }

    // The file-system half of a safe save is shared with every other writer: see AtomicFiles.
    static void fsync(Path file) throws IOException {
        AtomicFiles.fsync(file);
    }

    static void fsyncDir(Path dir) {
        AtomicFiles.fsyncDir(dir);
    }

    static void replace(Path tmp, Path target) throws IOException {
        AtomicFiles.replace(tmp, target);
    }

    /** One line saying what SQLite's failure means for the person whose file it is. */
    static SessionException explain(Path file, String doing, SQLException e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String why = switch (e.getErrorCode() & 0xFF) {
            case 11, 26 -> "the file is damaged (" + detail + ")";
            case 13 -> "the disk is full";
            case 5, 6 -> "the file is locked by another program (is it open in another Loupe window?)";
            case 8 -> "the file or its folder is read-only";
            case 14 -> "the file cannot be opened (" + detail + ")";
            case 10 -> "input/output error (" + detail + ")";
            default -> detail;
        };
        return new SessionException(file, doing + ": " + why, e);
    }
}
