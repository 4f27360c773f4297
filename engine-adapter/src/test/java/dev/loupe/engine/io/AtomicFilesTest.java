package dev.loupe.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file is the old one or the complete new one; a failed write leaves the old file and no temporary file. */
class AtomicFilesTest {
    @TempDir
    Path tmp;

    private List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesTheFileAndLeavesNothingElse() throws Exception {
        Path file = tmp.resolve("a/b/data.csv");
        assertThrows(NoSuchFileException.class, () -> AtomicFiles.writeText(file, w -> w.write("x")),
                "a folder is made only when asked for");
        AtomicFiles.writeText(AtomicFiles.withParentFolders(file), w -> w.write("x,y\n1,2\n"));
        assertEquals("x,y\n1,2\n", Files.readString(file));
        assertEquals(List.of("data.csv"), names(file.getParent()));
    }

    @Test
    void theTemporaryFileIsOursAndBesideTheTarget() throws Exception {
        Path file = tmp.resolve("fig.svg");
        AtomicReference<List<String>> during = new AtomicReference<>();
        AtomicFiles.write(file, out -> {
            out.write("<svg/>".getBytes(StandardCharsets.UTF_8));
            during.set(names(tmp));
        });
        assertEquals(1, during.get().size(), during.get().toString());
        String temp = during.get().get(0);
        assertTrue(temp.startsWith(".fig.svg.") && temp.endsWith(".tmp"), temp);
        assertEquals(List.of("fig.svg"), names(tmp));
    }

    @Test
    void aFailureMidWriteLeavesTheOldFileIntactAndNoTemporaryFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("result.json"), "{\"old\": true}");
        IOException boom = new IOException("disk full");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.writeText(file, w -> {
            w.write("{\"new\": ");
            w.flush(); // half the new content has reached the temporary file
            throw boom;
        }));
        assertSame(boom, thrown);
        assertEquals("{\"old\": true}", Files.readString(file));
        assertEquals(List.of("result.json"), names(tmp));
    }

    @Test
    void aBugInTheContentCleansUpToo() throws Exception {
        Path file = Files.writeString(tmp.resolve("model.safetensors"), "old");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.writeChannel(file, ch -> {
            ch.write(ByteBuffer.wrap(new byte[1024]));
            throw new IllegalStateException("a tensor without data");
        }));
        assertEquals("old", Files.readString(file));
        assertEquals(List.of("model.safetensors"), names(tmp));
    }

    @Test
    void aNewVersionReplacesTheOldOneWhole() throws Exception {
        Path file = Files.writeString(tmp.resolve("settings.json"), "a much longer old content than the new one");
        byte[] bytes = {1, 2, 3};
        AtomicFiles.writeBytes(file, bytes);
        assertArrayEquals(bytes, Files.readAllBytes(file));
        AtomicFiles.writeString(file, "é");
        assertEquals("é", Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void aFileWrittenElsewhereIsPutInPlace() throws Exception {
        Path target = Files.writeString(tmp.resolve("session.loupe"), "old");
        Path built = Files.writeString(AtomicFiles.tempSibling(target), "new");
        AtomicFiles.fsync(built);
        AtomicFiles.replace(built, target);
        assertEquals("new", Files.readString(target));
        assertEquals(List.of("session.loupe"), names(tmp));
    }

    /** kill -9 mid-export leaves ".figure.png.PID.HEX.tmp"; the next write there removes it, if its process is gone. */
    @Test
    void theNextWriteRemovesTempFilesOfDeadProcesses() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path stale = Files.writeString(tmp.resolve(".figure.png." + dead.pid() + ".3fa2c1.tmp"), "half");
        Path live = Files.writeString(tmp.resolve(".figure.svg." + ProcessHandle.current().pid() + ".77ab.tmp"), "busy");
        Path foreign = Files.writeString(tmp.resolve(".figure.png.notes.tmp"), "someone else's");
        AtomicFiles.writeString(tmp.resolve("data.csv"), "a,b\n");
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(live), "a running process is still writing its temp file");
        assertTrue(Files.exists(foreign), "files not named like ours are never touched");
    }
}
