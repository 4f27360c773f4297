package dev.loupe.engine.format;

import java.nio.ByteBuffer;
import java.util.Set;

/**
 * Named tensors of a checkpoint, read lazily. Implementations memory-map the files: {@link #data} returns a
 * read-only little-endian view of the bytes on disk and never copies the tensor into the Java heap.
 */
public interface TensorSource extends AutoCloseable {

    Set<String> names();

    default boolean contains(String name) {
        return names().contains(name);
    }

    /** @throws ModelFormatException naming the tensor if it is absent */
    TensorInfo info(String name);

    /** The tensor's raw bytes, memory-mapped, little-endian, positioned at 0, limit = byteLength. */
    ByteBuffer data(String name);

    /** Total bytes of tensor data across all files (for load-speed figures and the model card). */
    long totalBytes();

    @Override
    void close();
}
