package dev.loupe.viewers.color;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ColorMapTest {

    private static String hex(int argb) {
        return String.format("#%08x", argb);
    }

    @Test
    void viridisEndpointsAndMiddleAreMatplotlibs() {
        assertEquals("#ff440154", hex(ColorMap.VIRIDIS.argb(0)));
        assertEquals("#fffde725", hex(ColorMap.VIRIDIS.argb(1)));
        assertEquals("#ff21918c", hex(ColorMap.VIRIDIS.argb(128 / 255.0)));
        // Clamped outside [0, 1].
        assertEquals(ColorMap.VIRIDIS.argb(0), ColorMap.VIRIDIS.argb(-3));
        assertEquals(ColorMap.VIRIDIS.argb(1), ColorMap.VIRIDIS.argb(7));
    }

    @Test
    void viridisGetsLighterMonotonically() {
        // The property that makes it readable in greyscale: luminance rises with the value.
        double previous = -1;
        for (int i = 0; i <= 100; i++) {
            int c = ColorMap.VIRIDIS.argb(i / 100.0);
            double y = 0.2126 * (c >> 16 & 255) + 0.7152 * (c >> 8 & 255) + 0.0722 * (c & 255);
            assertTrue(y > previous, "luminance falls at " + i / 100.0);
            previous = y;
        }
    }

    @Test
    void blueWhiteRedEndpointsAndWhiteCentre() {
        assertEquals("#ff053061", hex(ColorMap.BLUE_WHITE_RED.argb(0)));
        assertEquals("#ffffffff", hex(ColorMap.BLUE_WHITE_RED.argb(0.5)));
        assertEquals("#ff67001f", hex(ColorMap.BLUE_WHITE_RED.argb(1)));
        int below = ColorMap.BLUE_WHITE_RED.argb(0.3);
        int above = ColorMap.BLUE_WHITE_RED.argb(0.7);
        assertTrue((below & 255) > (below >> 16 & 255), "below the centre is blue: " + hex(below));
        assertTrue((above >> 16 & 255) > (above & 255), "above the centre is red: " + hex(above));
    }

    @Test
    void nanIsGrey() {
        assertEquals(ColorMap.NAN_ARGB, ColorMap.VIRIDIS.argb(Double.NaN));
        assertEquals(ColorMap.NAN_ARGB, ColorScale.forValues(new float[] {0, 1}, false).argb(Double.NaN));
    }

    @Test
    void divergingScaleIsSymmetricAboutZero() {
        ColorScale s = ColorScale.forValues(new float[] {-1, 0.5f, 3, Float.NaN}, true);
        assertEquals(-3, s.min());
        assertEquals(3, s.max());
        assertEquals("#ffffffff", hex(s.argb(0)));
        assertEquals(ColorMap.BLUE_WHITE_RED.argb(0), s.argb(-3));
        assertEquals(ColorMap.BLUE_WHITE_RED.argb(1), s.argb(3));
        assertEquals(ColorMap.BLUE_WHITE_RED.argb(1), s.argb(100), "beyond the limits stays at the end colour");
    }

    @Test
    void sequentialScaleSpansTheFiniteValues() {
        ColorScale s = ColorScale.forValues(new float[] {2, 5, Float.POSITIVE_INFINITY, Float.NaN, 3}, false);
        assertEquals(2, s.min());
        assertEquals(5, s.max());
        assertEquals(ColorMap.VIRIDIS.argb(0), s.argb(2));
        assertEquals(ColorMap.VIRIDIS.argb(1), s.argb(5));
        // A constant matrix still gets a range that includes zero.
        ColorScale c = ColorScale.forValues(new float[] {0.7f, 0.7f}, false);
        assertEquals(0, c.min(), 1e-9);
        assertEquals(0.7, c.max(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> new ColorScale(ColorMap.VIRIDIS, 1, 1));
    }

    @Test
    void niceTicksAreRoundNumbersInsideTheLimits() {
        assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1.0}, NiceTicks.between(0, 1, 6), 1e-12);
        assertArrayEquals(new double[] {-1, 0, 1}, NiceTicks.between(-1.8, 1.8, 5), 1e-12);
        assertEquals("0.0", NiceTicks.label(0, 0.2));
        assertEquals("0.25", NiceTicks.label(0.25, 0.25));
        assertEquals("\u22121", NiceTicks.label(-1, 1));
        assertEquals("0.1235", NiceTicks.value(0.123456));
        assertEquals("42", NiceTicks.value(42));
    }

    @Test
    void rasterBlocksKeepTheirPeak() {
        // A single hot cell in a 4x4 block survives downsampling (a mean would dilute it to 1/16).
        float[] v = new float[16];
        v[5] = 1;
        ColorScale s = ColorScale.forValues(v, false);
        ColorRaster r = ColorRaster.of(v, 4, 4, s, 4, 4);
        assertEquals(1, r.width());
        assertEquals(1, r.height());
        assertEquals(s.argb(1), r.argb()[0]);
        // Signed data keeps the value of largest magnitude, with its sign.
        float[] d = {0.2f, -0.9f, 0.5f, 0.1f};
        ColorScale ds = ColorScale.forValues(d, true);
        assertEquals(ds.argb(-0.9), ColorRaster.of(d, 2, 2, ds, 2, 2).argb()[0]);
        // Ragged edges: 5 columns in blocks of 2 make 3 texels.
        assertEquals(3, ColorRaster.of(new float[10], 2, 5, s, 2, 1).width());
    }
}
