package dev.loupe.engine.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One tensor held in memory, ready for {@link SafetensorsWriter}: its dtype, shape and raw little-endian bytes.
 *
 * <p>This is for the small checkpoints that trainers, fixtures and tests produce; large tensors are read through a
 * {@link TensorSource}, never copied into one of these. The constructor refuses a byte count that does not match
 * the shape, so a writer can never produce a file whose offsets lie.
 *
 * @param dtype element type
 * @param shape dimensions, each at least 0 (an empty shape is a scalar)
 * @param data the bytes from the buffer's position to its limit; kept as a read-only little-endian view
 */
public record TensorData(TensorDType dtype, long[] shape, ByteBuffer data) {

    public TensorData {
        if (dtype == null) {
            throw new IllegalArgumentException("dtype is null");
        }
        if (shape == null) {
            throw new IllegalArgumentException("shape is null");
        }
        if (data == null) {
            throw new IllegalArgumentException("data is null");
        }
        shape = shape.clone();
        long expectedBytes = Math.multiplyExact(elementCount(shape), dtype.bytes());
        if (data.remaining() != expectedBytes) {
            throw new IllegalArgumentException("tensor data has " + data.remaining() + " bytes but " + dtype
                    + " with shape " + Arrays.toString(shape) + " needs " + expectedBytes);
        }
        // slice() and asReadOnlyBuffer() both reset the byte order to big-endian, so the order is set last.
        data = data.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The shape, copied so callers cannot change this tensor through it. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The bytes as a fresh read-only view positioned at 0, so concurrent readers do not move each other's cursor. */
    @Override
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public long elementCount() {
        return elementCount(shape);
    }

    public long byteLength() {
        return data.remaining();
    }

    // ---- factories ----

    public static TensorData ofFloats(long[] shape, float[] values) {
        checkValueCount(shape, values.length);
        ByteBuffer b = littleEndian(values.length * 4L);
        b.asFloatBuffer().put(values);
        return new TensorData(TensorDType.F32, shape, b);
    }

    public static TensorData ofDoubles(long[] shape, double[] values) {
        checkValueCount(shape, values.length);
        ByteBuffer b = littleEndian(values.length * 8L);
        b.asDoubleBuffer().put(values);
        return new TensorData(TensorDType.F64, shape, b);
    }

    public static TensorData ofLongs(long[] shape, long[] values) {
        checkValueCount(shape, values.length);
        ByteBuffer b = littleEndian(values.length * 8L);
        b.asLongBuffer().put(values);
        return new TensorData(TensorDType.I64, shape, b);
    }

    public static TensorData ofInts(long[] shape, int[] values) {
        checkValueCount(shape, values.length);
        ByteBuffer b = littleEndian(values.length * 4L);
        b.asIntBuffer().put(values);
        return new TensorData(TensorDType.I32, shape, b);
    }

    /** Wraps raw little-endian bytes of any dtype (copied, so later changes to the array do not leak in). */
    public static TensorData ofBytes(TensorDType dtype, long[] shape, byte[] littleEndianBytes) {
        return new TensorData(dtype, shape, ByteBuffer.wrap(littleEndianBytes.clone()));
    }

    // ---- conversion between floating-point dtypes ----

    /**
     * The same values in another floating-point dtype, rounding to nearest-even when narrowing, as PyTorch's
     * {@code tensor.to(torch.float16)} does; this lets tests build F16 and BF16 checkpoints whose bytes match
     * what Python would write.
     *
     * @throws IllegalArgumentException if either dtype is not floating point
     */
    public TensorData convert(TensorDType target) {
        if (target == dtype) {
            return this;
        }
        if (!dtype.isFloatingPoint() || !target.isFloatingPoint()) {
            throw new IllegalArgumentException("can only convert between floating-point dtypes, not " + dtype
                    + " to " + target);
        }
        int n = Math.toIntExact(elementCount());
        ByteBuffer src = data();
        ByteBuffer out = littleEndian((long) n * target.bytes());
        for (int i = 0; i < n; i++) {
            // F64 -> F16 goes through float and so rounds twice; harmless for the F32 values tests start from.
            double value = readAsDouble(src);
            switch (target) {
                case F64 -> out.putDouble(value);
                case F32 -> out.putFloat((float) value);
                case F16 -> out.putShort(toF16((float) value));
                case BF16 -> out.putShort(toBF16((float) value));
                default -> throw new AssertionError(target);
            }
        }
        out.flip();
        return new TensorData(target, shape, out);
    }

    /** The values of a floating-point tensor widened to float (F64 values are rounded). */
    public float[] toFloatArray() {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("toFloatArray needs a floating-point tensor, this one is " + dtype);
        }
        float[] values = new float[Math.toIntExact(elementCount())];
        ByteBuffer src = data();
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) readAsDouble(src);
        }
        return values;
    }

    private double readAsDouble(ByteBuffer src) {
        return switch (dtype) {
            case F64 -> src.getDouble();
            case F32 -> src.getFloat();
            case F16 -> f16ToFloat(src.getShort());
            case BF16 -> bf16ToFloat(src.getShort());
            default -> throw new AssertionError(dtype);
        };
    }

    /**
     * IEEE 754 binary16 bits of {@code value}, rounded to nearest-even. Java 17 has no
     * {@code Float.floatToFloat16} (it arrived in Java 20), hence this by hand.
     */
    public static short toF16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xFF;
        int mantissa = bits & 0x7F_FFFF;

        if (exponent == 0xFF) {
            // Infinity stays infinity; NaN keeps its top payload bits and is forced quiet so it stays a NaN.
            return (short) (sign | 0x7C00 | (mantissa == 0 ? 0 : 0x200 | (mantissa >>> 13)));
        }
        int halfExponent = exponent - 127 + 15;
        if (halfExponent >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (halfExponent <= 0) {
            // Result is a half subnormal (or zero): value = m * 2^-24, so shift the full significand down.
            if (exponent == 0) {
                return (short) sign; // float subnormals are far below the smallest half subnormal
            }
            int significand = mantissa | 0x80_0000;
            int shift = 14 - halfExponent;
            if (shift > 24) {
                return (short) sign; // below half the smallest subnormal: rounds to zero
            }
            return (short) (sign | roundShiftRightEven(significand, shift));
        }
        // A carry out of the mantissa bumps the exponent, which is exactly the right result (up to infinity).
        return (short) (sign | ((halfExponent << 10) + roundShiftRightEven(mantissa, 13)));
    }

    /** bfloat16 bits of {@code value}: the top half of the float bits, rounded to nearest-even. */
    public static short toBF16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40); // a plain truncation could clear every payload bit
        }
        int lsbOfResult = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsbOfResult) >>> 16);
    }

    public static float f16ToFloat(short halfBits) {
        int h = halfBits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f; // exact: subnormal halves are small integers times 2^-24
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    public static float bf16ToFloat(short bf16Bits) {
        return Float.intBitsToFloat((bf16Bits & 0xFFFF) << 16);
    }

    // ---- helpers ----

    private static int roundShiftRightEven(int value, int shift) {
        int kept = value >>> shift;
        int dropped = value & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (dropped > halfway || (dropped == halfway && (kept & 1) == 1)) {
            kept++;
        }
        return kept;
    }

    static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static void checkValueCount(long[] shape, int valueCount) {
        long expected = elementCount(shape);
        if (expected != valueCount) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + expected
                    + " elements but " + valueCount + " values were given");
        }
    }

    private static ByteBuffer littleEndian(long byteCount) {
        return ByteBuffer.allocate(Math.toIntExact(byteCount)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorData t && dtype == t.dtype && Arrays.equals(shape, t.shape) && data.equals(t.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + data.hashCode();
    }

    @Override
    public String toString() {
        return "TensorData[" + dtype + " " + Arrays.toString(shape) + ", " + data.remaining() + " bytes]";
    }
}
