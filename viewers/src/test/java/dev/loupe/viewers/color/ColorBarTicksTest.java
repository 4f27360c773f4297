package dev.loupe.viewers.color;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Issue 11: colour bars name both ends of the data range; masked scores are blank, not the smallest colour. */
class ColorBarTicksTest {

    @Test
    void ticksIncludeBothEndsAndRoundStepsBetween() {
        double[] t = NiceTicks.withEnds(0.0137, 0.9736, 6);
        assertEquals(0.0137, t[0]);
        assertEquals(0.9736, t[t.length - 1]);
        for (int i = 1; i < t.length - 1; i++) {
            assertEquals(0, Math.abs(t[i] * 5 - Math.rint(t[i] * 5)), 1e-9, "round step at " + t[i]);
        }
        assertArrayEquals(new String[] {"0.014", "0.2", "0.4", "0.6", "0.8", "0.974"},
                NiceTicks.labels(t, 0.0137, 0.9736, 6));
    }

    @Test
    void roundEndsAreLabelledLikeTheSteps() {
        double[] t = NiceTicks.withEnds(0, 1, 6);
        assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1}, t, 1e-12);
        assertArrayEquals(new String[] {"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}, NiceTicks.labels(t, 0, 1, 6));
    }

    @Test
    void anInteriorTickTooCloseToAnEndIsLeftOut() {
        double[] t = NiceTicks.withEnds(-0.19, 1.01, 6);
        assertEquals(-0.19, t[0]);
        assertEquals(1.01, t[t.length - 1]);
        for (double v : t) {
            assertTrue(v != 1.0 && v != -0.2, "1.0 would sit on top of 1.01: " + java.util.Arrays.toString(t));
        }
    }

    @Test
    void maskedScoresAreBlankAndSaidInTheLegend() {
        float[] scores = {1f, Float.NEGATIVE_INFINITY, 2f, 3f};
        ColorScale s = ColorScale.forValues(scores, false);
        assertEquals(ColorMap.MASKED_ARGB, s.argb(Double.NEGATIVE_INFINITY));
        assertNotEquals(s.argb(1), s.argb(Double.NEGATIVE_INFINITY), "masked is not the minimum colour");
        assertEquals("score; blank: masked", s.barLabel("score", scores));
        assertEquals("score", s.barLabel("score", new float[] {1f, 2f}));
    }
}
