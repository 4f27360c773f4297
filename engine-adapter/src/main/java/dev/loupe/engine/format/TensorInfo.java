package dev.loupe.engine.format;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where one tensor lives in a checkpoint: the file, its dtype and shape, and its byte range. {@code dataOffset} is
 * absolute within the file (8 + header length + the header's begin offset), ready to map; the range has been
 * validated against the file size and the element count.
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
