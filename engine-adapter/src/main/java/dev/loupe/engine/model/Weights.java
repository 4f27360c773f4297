package dev.loupe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.loupe.engine.format.ModelFormatException;
import dev.loupe.engine.format.TensorDType;
import dev.loupe.engine.format.TensorInfo;
import dev.loupe.engine.format.TensorSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Loads a family's named parameters from a checkpoint onto the device, checking each shape against what the config
 * implies, and afterwards that no tensor in the file went unused (a sign of the wrong model_type or a wrong layout).
 *
 * <p>F32 tensors on the CPU are used in place: DJL wraps the memory-mapped bytes without copying, so opening a model
 * costs page faults, not a read of the whole file. The mapped buffers are kept here, because the tensors point
 * into them. F16 is converted by PyTorch; BF16 by a Java pass into native memory (DJL 0.32's PyTorch bridge cannot
 * create BF16 arrays).
 */
public final class Weights {
    private final TensorSource source;
    private final NDManager manager;
    private final DataType computeType;
    private final String family;
    private final String prefix;
    private final Set<String> used = new LinkedHashSet<>();
    private final List<ByteBuffer> pinned = new ArrayList<>();
    private final Map<String, NDArray> loaded = new HashMap<>();
    private final Map<TensorDType, Long> bytesByType = new HashMap<>();
    private long parameterCount;

    /**
     * @param prefixes candidate name prefixes ("", "transformer.", "model.") tried in order; the first under which
     *                 {@code probe} exists is used for every {@link #get} lookup
     */
    public Weights(TensorSource source, NDManager manager, DataType computeType, String family, String probe,
            String... prefixes) {
        this.source = source;
        this.manager = manager;
        this.computeType = computeType;
        this.family = family;
        String found = null;
        for (String p : prefixes) {
            if (source.contains(p + probe)) {
                found = p;
                break;
            }
        }
        if (found == null) {
            throw new ModelFormatException(fileOf(null) + ": missing tensor \"" + probe + "\" (the " + family
                    + " family needs it; tensors present: " + sample(source.names()) + ")");
        }
        this.prefix = found;
    }

    public String prefix() {
        return prefix;
    }

    public boolean has(String name) {
        return source.contains(prefix + name);
    }

    public boolean hasRaw(String fullName) {
        return source.contains(fullName);
    }

    /** The parameter {@code name} (under the detected prefix), which must have exactly {@code shape}. */
    public NDArray get(String name, long... shape) {
        return getRaw(prefix + name, shape);
    }

    /** Like {@link #get} but null when absent. */
    public NDArray opt(String name, long... shape) {
        return has(name) ? get(name, shape) : null;
    }

    /** A parameter by its full name in the file (e.g. "lm_head.weight", which sits outside the model prefix). */
    public NDArray getRaw(String fullName, long... shape) {
        NDArray cached = loaded.get(fullName);
        if (cached != null) {
            return cached;
        }
        if (!source.contains(fullName)) {
            throw new ModelFormatException(fileOf(null) + ": missing tensor \"" + fullName + "\" (the " + family
                    + " family needs it with shape " + Arrays.toString(shape) + ")");
        }
        TensorInfo info = source.info(fullName);
        if (!Arrays.equals(info.shape(), shape)) {
            throw new ModelFormatException(info.file() + ": tensor \"" + fullName + "\" has shape "
                    + Arrays.toString(info.shape()) + " but config.json implies " + Arrays.toString(shape));
        }
        if (!info.dtype().isFloatingPoint()) {
            throw new ModelFormatException(info.file() + ": tensor \"" + fullName + "\" has dtype "
                    + info.dtype().safetensorsName() + "; parameters must be F32, F16, BF16 or F64");
        }
        NDArray array = toDevice(info, source.data(fullName));
        used.add(fullName);
        loaded.put(fullName, array);
        parameterCount += info.elementCount();
        bytesByType.merge(info.dtype(), info.byteLength(), Long::sum);
        return array;
    }

    private NDArray toDevice(TensorInfo info, ByteBuffer bytes) {
        Shape shape = new Shape(info.shape());
        NDArray asF32;
        switch (info.dtype()) {
            case F32 -> {
                pinned.add(bytes);
                asF32 = manager.create(bytes, shape, DataType.FLOAT32);
            }
            case F16 -> {
                NDArray half = manager.create(bytes, shape, DataType.FLOAT16);
                asF32 = half.toType(DataType.FLOAT32, true);
                half.close();
            }
            case F64 -> {
                NDArray dbl = manager.create(bytes, shape, DataType.FLOAT64);
                asF32 = dbl.toType(DataType.FLOAT32, true);
                dbl.close();
            }
            case BF16 -> {
                ByteBuffer f32 = bf16ToF32(bytes, info.elementCount());
                NDArray view = manager.create(f32, shape, DataType.FLOAT32);
                asF32 = view.duplicate(); // own the memory: f32 is a temporary direct buffer
                view.close();
            }
            default -> throw new IllegalStateException(info.dtype().toString());
        }
        if (computeType == DataType.FLOAT32) {
            return asF32;
        }
        NDArray converted = asF32.toType(computeType, true);
        asF32.close();
        return converted;
    }

    /** BF16 is the top half of an F32: widen each value by shifting its bits. */
    static ByteBuffer bf16ToF32(ByteBuffer bf16, long count) {
        if (count > Integer.MAX_VALUE / 4) {
            throw new ModelFormatException("a BF16 tensor of " + count + " elements is too large to convert");
        }
        ByteBuffer in = bf16.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocateDirect((int) count * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            out.putInt((in.getShort() & 0xffff) << 16);
        }
        out.flip();
        return out;
    }

    /**
     * Every tensor of the checkpoint must have been used, except those matching {@code ignorable} (buffers that
     * some exports include, such as GPT-2's causal-mask "attn.bias").
     */
    public void checkAllUsed(Pattern ignorable) {
        Set<String> unexpected = new TreeSet<>();
        for (String name : source.names()) {
            if (!used.contains(name) && (ignorable == null || !ignorable.matcher(name).matches())) {
                unexpected.add(name);
            }
        }
        if (!unexpected.isEmpty()) {
            String first = unexpected.iterator().next();
            throw new ModelFormatException(fileOf(first) + ": unexpected tensor \"" + first + "\""
                    + (unexpected.size() > 1 ? " (and " + (unexpected.size() - 1) + " more)" : "")
                    + " is not part of the " + family + " layout; is config.json's model_type right?");
        }
    }

    public long parameterCount() {
        return parameterCount;
    }

    /** The dtype most of the parameter bytes are stored in (F32, F16, BF16). */
    public String storageDtype() {
        return bytesByType.entrySet().stream().max(Map.Entry.comparingByValue())
                .map(e -> e.getKey().safetensorsName()).orElse("F32");
    }

    public long storageBytes() {
        return bytesByType.values().stream().mapToLong(Long::longValue).sum();
    }

    private String fileOf(String tensor) {
        if (tensor != null && source.contains(tensor)) {
            return source.info(tensor).file().toString();
        }
        String any = source.names().stream().findFirst().orElse(null);
        return any == null ? "checkpoint" : source.info(any).file().toString();
    }

    private static String sample(Set<String> names) {
        List<String> first = names.stream().sorted().limit(5).toList();
        return first.isEmpty() ? "none" : String.join(", ", first) + (names.size() > 5 ? ", ..." : "");
    }
}
