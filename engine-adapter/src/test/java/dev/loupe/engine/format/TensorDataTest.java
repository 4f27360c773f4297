package dev.loupe.engine.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class TensorDataTest {

    @Test
    void constructorRefusesByteCountThatDoesNotMatchShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TensorData(TensorDType.F32, new long[] {2, 3}, ByteBuffer.allocate(20)));
        assertTrue(e.getMessage().contains("20 bytes") && e.getMessage().contains("24"), e.getMessage());
    }

    @Test
    void constructorRefusesNegativeDimension() {
        assertThrows(IllegalArgumentException.class,
                () -> new TensorData(TensorDType.U8, new long[] {-1}, ByteBuffer.allocate(0)));
    }

    @Test
    void factoryRefusesValueCountThatDoesNotMatchShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TensorData.ofFloats(new long[] {2, 3}, new float[5]));
        assertTrue(e.getMessage().contains("6 elements") && e.getMessage().contains("5 values"), e.getMessage());
    }

    @Test
    void factoriesWriteLittleEndianBytes() {
        TensorData longs = TensorData.ofLongs(new long[] {1}, new long[] {0x0102030405060708L});
        assertArrayEquals(new byte[] {8, 7, 6, 5, 4, 3, 2, 1}, RawSafetensors.bytesOf(longs.data()));
        assertEquals(TensorDType.I64, longs.dtype());

        TensorData ints = TensorData.ofInts(new long[] {1}, new int[] {0x01020304});
        assertArrayEquals(new byte[] {4, 3, 2, 1}, RawSafetensors.bytesOf(ints.data()));
        assertEquals(TensorDType.I32, ints.dtype());

        TensorData floats = TensorData.ofFloats(new long[] {1}, new float[] {1.0f}); // 0x3F800000
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3F}, RawSafetensors.bytesOf(floats.data()));
    }

    @Test
    void isImmutableThroughItsAccessors() {
        long[] shape = {2};
        float[] values = {1f, 2f};
        TensorData t = TensorData.ofFloats(shape, values);
        shape[0] = 99;
        t.shape()[0] = 99;
        assertArrayEquals(new long[] {2}, t.shape());
        assertTrue(t.data().isReadOnly());
        ByteBuffer first = t.data();
        first.getFloat(); // moving one view's cursor must not move the next one's
        assertEquals(1f, t.data().getFloat());
    }

    @Test
    void f16KnownValues() {
        assertEquals((short) 0x3C00, TensorData.toF16(1.0f));
        assertEquals((short) 0xC000, TensorData.toF16(-2.0f));
        assertEquals((short) 0x7BFF, TensorData.toF16(65504f)); // largest finite half
        assertEquals((short) 0x7C00, TensorData.toF16(65520f)); // halfway to the next power: rounds up to infinity
        assertEquals((short) 0x7BFF, TensorData.toF16(65519f));
        assertEquals((short) 0x0001, TensorData.toF16(0x1p-24f)); // smallest subnormal
        assertEquals((short) 0x0000, TensorData.toF16(0x1p-25f)); // exactly half of it: ties to even (0)
        assertEquals((short) 0x0001, TensorData.toF16(0x1.8p-25f)); // above half: rounds up
        assertEquals((short) 0x8000, TensorData.toF16(-0.0f));
        assertEquals((short) 0x3555, TensorData.toF16(1f / 3f));
        assertEquals((short) 0x6800, TensorData.toF16(2049f)); // tie between 2048 and 2050: even mantissa, 2048
        assertEquals((short) 0x6802, TensorData.toF16(2051f)); // tie between 2050 and 2052: 2052
        assertTrue(Float.isNaN(TensorData.f16ToFloat(TensorData.toF16(Float.NaN))));
    }

    /** Every half value survives half -> float -> half, and every midpoint between neighbours rounds to even. */
    @Test
    void f16RoundTripsAndTiesToEvenExhaustively() {
        for (int h = 0; h < 0x7C00; h++) { // all non-negative finite halves
            float f = TensorData.f16ToFloat((short) h);
            assertEquals(h, TensorData.toF16(f) & 0xFFFF, "half 0x" + Integer.toHexString(h));
            assertEquals(h | 0x8000, TensorData.toF16(-f) & 0xFFFF, "half -0x" + Integer.toHexString(h));
            if (h + 1 < 0x7C00) { // the last gap, up to infinity, is covered by f16KnownValues
                float next = TensorData.f16ToFloat((short) (h + 1));
                float midpoint = (f + next) / 2; // exact: a float has 13 spare mantissa bits
                int even = (h & 1) == 0 ? h : h + 1;
                assertEquals(even, TensorData.toF16(midpoint) & 0xFFFF, "midpoint after 0x" + Integer.toHexString(h));
                assertEquals(h + 1, TensorData.toF16(Math.nextUp(midpoint)) & 0xFFFF);
                assertEquals(h, TensorData.toF16(Math.nextDown(midpoint)) & 0xFFFF);
            }
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertEquals((short) 0x3F80, TensorData.toBF16(1.0f));
        assertEquals((short) 0x3F80, TensorData.toBF16(Float.intBitsToFloat(0x3F808000))); // tie, even stays
        assertEquals((short) 0x3F82, TensorData.toBF16(Float.intBitsToFloat(0x3F818000))); // tie, odd rounds up
        assertEquals((short) 0x3F81, TensorData.toBF16(Float.intBitsToFloat(0x3F808001))); // above the tie
        assertEquals((short) 0x7F80, TensorData.toBF16(Float.MAX_VALUE)); // rounds up to infinity
        assertTrue(Float.isNaN(TensorData.bf16ToFloat(TensorData.toBF16(Float.intBitsToFloat(0x7F800001)))));
        assertEquals(1.0f, TensorData.bf16ToFloat((short) 0x3F80));
    }

    @Test
    void convertProducesHalfPrecisionBytesAndBack() {
        TensorData f32 = TensorData.ofFloats(new long[] {2, 2}, new float[] {1f, -2f, 0.5f, 65504f});
        TensorData f16 = f32.convert(TensorDType.F16);
        assertEquals(TensorDType.F16, f16.dtype());
        assertArrayEquals(new long[] {2, 2}, f16.shape());
        ByteBuffer expected = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x3800).putShort((short) 0x7BFF);
        assertArrayEquals(expected.array(), RawSafetensors.bytesOf(f16.data()));
        assertArrayEquals(new float[] {1f, -2f, 0.5f, 65504f}, f16.toFloatArray());

        TensorData bf16 = f32.convert(TensorDType.BF16);
        assertEquals(8, bf16.byteLength());
        assertArrayEquals(new float[] {1f, -2f, 0.5f, 65536f}, bf16.toFloatArray()); // 65504 is not a bf16
    }

    @Test
    void convertRefusesIntegerDTypes() {
        TensorData ints = TensorData.ofInts(new long[] {1}, new int[] {1});
        assertThrows(IllegalArgumentException.class, () -> ints.convert(TensorDType.F16));
    }
}
