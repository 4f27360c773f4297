package dev.loupe.engine.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hand-crafted safetensors bytes for the corrupt-file tests: a real file on disk whose header says exactly what
 * the test wants, bypassing {@link SafetensorsWriter}'s own checks.
 */
final class RawSafetensors {

    private RawSafetensors() {
    }

    /** Writes an 8-byte little-endian length, then {@code headerJson} as UTF-8 (unpadded), then {@code data}. */
    static Path write(Path file, String headerJson, byte[] data) throws IOException {
        byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
        return writeWithDeclaredLength(file, header.length, header, data);
    }

    /** Like {@link #write} but the length prefix may lie about the header's size. */
    static Path writeWithDeclaredLength(Path file, long declaredHeaderLength, byte[] header, byte[] data)
            throws IOException {
        ByteBuffer out = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(declaredHeaderLength).put(header).put(data);
        Files.write(file, out.array());
        return file;
    }

    /** {@code n} bytes 0, 1, 2, ... so that a read from the wrong offset shows. */
    static byte[] countingBytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    /** The declared header length of a file (its first 8 bytes). */
    static long headerLength(Path file) throws IOException {
        byte[] prefix = new byte[8];
        System.arraycopy(Files.readAllBytes(file), 0, prefix, 0, 8);
        return ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** The header JSON text of a file, padding included. */
    static String headerText(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int length = (int) headerLength(file);
        return new String(all, 8, length, StandardCharsets.UTF_8);
    }

    static byte[] bytesOf(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
