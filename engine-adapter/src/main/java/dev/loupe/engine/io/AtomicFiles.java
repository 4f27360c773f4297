package dev.loupe.engine.io;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way Loupe writes a file that may replace an existing one (exports, figures, checkpoints, settings): the
 * bytes go to a temporary file of our own naming beside the target, are synced to the disk, and the temporary file is
 * renamed over the target. A reader, or the next launch after a crash, sees the old file or the complete new one,
 * never half of either; on failure the temporary file is deleted and the old file is left as it was.
 */
public final class AtomicFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Writes the content through a stream. */
    @FunctionalInterface
    public interface StreamContent {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes the content as UTF-8 text. */
    @FunctionalInterface
    public interface TextContent {
        void writeTo(Writer out) throws IOException;
    }

    /** Writes the content to a channel (for buffers, such as memory-mapped tensors, written without copying). */
    @FunctionalInterface
    public interface ChannelContent {
        void writeTo(FileChannel out) throws IOException;
    }

    private AtomicFiles() {
    }

    public static void writeBytes(Path file, byte[] bytes) throws IOException {
        write(file, out -> out.write(bytes));
    }

    public static void writeString(Path file, String text) throws IOException {
        writeBytes(file, text.getBytes(StandardCharsets.UTF_8));
    }

    public static void writeText(Path file, TextContent content) throws IOException {
        write(file, out -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            content.writeTo(w);
            w.flush();
        });
    }

    public static void write(Path file, StreamContent content) throws IOException {
        writeChannel(file, ch -> {
            // Not closed here: closing would close the channel before it is synced.
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            content.writeTo(out);
            out.flush();
        });
    }

    /**
     * The core of the others. Throws what the content or the file system threw (a missing folder too: see {@link
     * #withParentFolders}); the target is then untouched.
     */
    public static void writeChannel(Path file, ChannelContent content) throws IOException {
        Path target = file.toAbsolutePath();
        sweepOnce(target.getParent());
        Path tmp = tempSibling(target);
        try {
            // CREATE_NEW, not Files.createTempFile: that one's owner-only permissions would carry over to the file.
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                content.writeTo(ch);
                // Without this the rename could reach the disk before the data, leaving an empty "complete" file.
                ch.force(true);
            }
            replace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Creates the folders above {@code file}, for writers whose callers may name a new folder; returns the file. */
    public static Path withParentFolders(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        return file;
    }

    /**
     * A name for a temporary file beside {@code target}, hidden and unique (the process and a random part), so two
     * writers of the same file never share one and a leftover is recognisable as ours.
     */
    public static Path tempSibling(Path target) {
        Path abs = target.toAbsolutePath();
        return abs.resolveSibling("." + abs.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(RANDOM.nextLong()) + ".tmp");
    }

    /**
     * Our temp names: this class's ".NAME.PID.HEX.tmp" and the session store's ".NAME.PURPOSE-PID-HEX8.loupe-tmp"
     * (with SQLite's -journal/-wal/-shm beside it; older Loupes wrote that one without a PID).
     */
    private static final Pattern TEMP_NAME = Pattern.compile(
            "\\..+\\.(?:(\\d+)\\.[0-9a-f]+\\.tmp|[a-z]+-(?:(\\d+)-)?[0-9a-f]{8}\\.loupe-tmp(?:-journal|-wal|-shm)?)");
    /** A temp file without a PID is taken as abandoned once it is this old. */
    private static final Duration UNOWNED_TEMP_AGE = Duration.ofHours(6);

    /** Folders this process has already swept: a write is not the place to list a folder every time. */
    private static final java.util.Set<Path> SWEPT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** {@link #removeStaleTemps} the first time this process writes into {@code dir}. */
    public static void sweepOnce(Path dir) {
        if (dir != null && SWEPT.add(dir.toAbsolutePath().normalize())) {
            removeStaleTemps(dir);
        }
    }

    /**
     * Deletes temp files of our own naming in {@code dir} whose process is gone (a kill -9 mid-write leaves them).
     * Files of live processes, and anything not named like ours, are left alone. Best effort: never fails, since the
     * write that calls it matters more than the tidying.
     */
    public static void removeStaleTemps(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".*")) {
            for (Path p : entries) {
                Matcher m = TEMP_NAME.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String pidText = m.group(1) != null ? m.group(1) : m.group(2);
                boolean stale;
                if (pidText != null) {
                    long pid = Long.parseLong(pidText);
                    stale = pid != self && ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
                } else {
                    stale = Files.getLastModifiedTime(p).toInstant().isBefore(Instant.now().minus(UNOWNED_TEMP_AGE));
                }
                if (stale) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // Tidying is a courtesy.
        }
    }

    /**
     * Puts a complete, synced {@code tmp} in place of {@code target}: readers see the old file or the new one, never a
     * mix. Where an atomic replace is not available, QuPath's way: old file to a backup, new file in, backup gone.
     */
    public static void replace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Path backup = target.resolveSibling(target.getFileName() + ".backup");
            boolean hadOld = Files.exists(target);
            if (hadOld) {
                Files.move(target, backup, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, target);
            if (hadOld) {
                Files.deleteIfExists(backup);
            }
        }
        fsyncDir(target.toAbsolutePath().getParent());
    }

    /** Syncs a file written by someone else (SQLite's VACUUM INTO, a zip stream) before it is renamed into place. */
    public static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Makes a rename durable; not every platform can open a folder for this, and then the rename is all we get. */
    public static void fsyncDir(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Windows: directories cannot be opened as channels; NTFS journals the rename itself.
        }
    }
}
