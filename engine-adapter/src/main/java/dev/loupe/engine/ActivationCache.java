package dev.loupe.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Activations captured during a run, keyed by hook name, in the order the forward pass produced them. The arrays
 * live on the model's device in the cache's own NDManager: closing the cache frees them.
 */
public final class ActivationCache implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();

    public ActivationCache(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    /** Takes ownership of {@code array}: it is moved to this cache's manager. */
    public void put(String hook, NDArray array) {
        array.attach(manager);
        NDArray old = arrays.put(hook, array);
        if (old != null && old != array) {
            old.close();
        }
    }

    public boolean has(String hook) {
        return arrays.containsKey(hook);
    }

    public NDArray get(String hook) {
        NDArray a = arrays.get(hook);
        if (a == null) {
            throw new LoupeException("activation \"" + hook + "\" was not captured (captured: "
                    + (arrays.isEmpty() ? "none" : String.join(", ", arrays.keySet())) + ")");
        }
        return a;
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(arrays.keySet());
    }

    public long[] shape(String hook) {
        return get(hook).getShape().getShape();
    }

    /** The activation as F32 values in row-major order, copied to the Java heap. */
    public float[] floats(String hook) {
        NDArray a = get(hook);
        return a.getDataType() == DataType.FLOAT32 ? a.toFloatArray() : a.toType(DataType.FLOAT32, false).toFloatArray();
    }

    /**
     * The activation's F32 values as little-endian bytes, copied straight from the engine's memory (no Java
     * array); for writing one tensor at a time.
     */
    public ByteBuffer f32Bytes(String hook) {
        NDArray a = get(hook);
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            float[] v = floats(hook);
            ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            return b;
        }
        if (a.getDataType() == DataType.FLOAT32) {
            return a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        try (NDArray f = a.toType(DataType.FLOAT32, false)) {
            return f.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        arrays.clear();
        manager.close();
    }
}
