package dev.loupe.engine.format;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where one tensor lives in a checkpoint: the file, its dtype and shape, and its byte range inside the file's data
 * section (already validated against the file size and the element count).
 */
public record TensorInfo(String name, Path file, TensorDType dtype, long[] shape, long dataOffset, long byteLength) {

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}
