package dev.loupe.viewers.color;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Clipped colour limits: a few massive values must not flatten the rest of a heatmap into one colour. */
class ColorScaleClippingTest {

    /** 10,000 values uniform in [0, 1), plus 20 "massive activations" of 3,000. */
    private static float[] withMassiveValues() {
        Random random = new Random(3);
        float[] v = new float[10_020];
        for (int i = 0; i < 10_000; i++) {
            v[i] = random.nextFloat();
        }
        for (int i = 10_000; i < v.length; i++) {
            v[i] = 3000f;
        }
        return v;
    }

    @Test
    void clippedLimitsAreThePercentilesOfTheBulk() {
        float[] v = withMassiveValues();
        ColorScale full = ColorScale.forValues(v, false);
        ColorScale clipped = ColorScale.clipped(v, false);
        assertEquals(3000, full.max());
        assertTrue(clipped.isClipped() && !full.isClipped());
        // The massive values are 0.2% of the data, under the 2% tail: both limits fall inside the uniform bulk.
        assertEquals(0.02, clipped.min(), 0.005);
        assertEquals(0.98, clipped.max(), 0.005);
        assertTrue(ColorScale.hasOutliers(v, false));
        // Under the full range the bulk is one colour; clipped, 0.25 and 0.75 are far apart on the map.
        assertEquals(full.argb(0.25), full.argb(0.75));
        assertFalse(clipped.argb(0.25) == clipped.argb(0.75));
        assertEquals(clipped.argb(clipped.max()), clipped.argb(3000), "beyond the limits: the end colour");
        assertEquals("activation (clipped)", clipped.barLabel("activation"));
        assertEquals("activation", full.barLabel("activation"));
    }

    @Test
    void divergingLimitsClipMagnitudesSymmetrically() {
        float[] v = withMassiveValues();
        for (int i = 0; i < v.length; i += 2) {
            v[i] = -v[i];
        }
        ColorScale clipped = ColorScale.clipped(v, true);
        assertEquals(-clipped.max(), clipped.min());
        assertTrue(clipped.max() < 1.01, "the bulk's magnitude, not 3000: " + clipped);
    }

    /** A residual stream of width 128 where one dimension carries 60 at every token: 0.8% of the values. */
    @Test
    void oneMassiveDimensionOfANarrowModelIsAnOutlier() {
        Random random = new Random(5);
        float[] v = new float[15 * 128];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 128 == 3 ? 60f : (float) random.nextGaussian();
        }
        assertTrue(ColorScale.hasOutliers(v, true));
        assertTrue(ColorScale.clipped(v, true).max() < 4, ColorScale.clipped(v, true).toString());
    }

    @Test
    void evenlySpreadDataHasNoOutliersAndConstantDataStillGetsAScale() {
        float[] ramp = new float[1000];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i;
        }
        assertFalse(ColorScale.hasOutliers(ramp, false));
        float[] constant = {2f, 2f, 2f};
        ColorScale c = ColorScale.clipped(constant, false);
        assertTrue(c.max() > c.min(), c.toString());
        assertFalse(ColorScale.hasOutliers(constant, false));
    }
}
