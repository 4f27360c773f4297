package dev.loupe.engine.format;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A tensor whose bytes are made only when {@link SafetensorsWriter#writeStreaming} reaches it, so that a file of
 * many large tensors (a full trace of a 1B model) never sits in memory whole: only the tensor being written does.
 *
 * @param data gives the tensor's little-endian bytes, exactly {@code elementCount * dtype.bytes()} of them
 */
public record PendingTensor(TensorDType dtype, long[] shape, Supplier<ByteBuffer> data) {
    public PendingTensor {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long byteLength() {
        return Math.multiplyExact(TensorData.elementCount(shape), dtype.bytes());
    }

    /** The bytes, checked against the declared size: a short tensor would shift every later one in the file. */
    ByteBuffer bytes(String name) {
        ByteBuffer b = data.get();
        if (b.remaining() != byteLength()) {
            throw new IllegalStateException("tensor \"" + name + "\" gave " + b.remaining() + " bytes but " + dtype
                    + " with shape " + Arrays.toString(shape) + " needs " + byteLength());
        }
        return b;
    }

    static PendingTensor of(TensorData t) {
        return new PendingTensor(t.dtype(), t.shape(), t::data);
    }
}
