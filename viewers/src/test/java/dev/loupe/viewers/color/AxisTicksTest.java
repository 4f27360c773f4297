package dev.loupe.viewers.color;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Issue 11: chart axes get 4 to 8 round ticks; log (rank) axes decades or 1-2-5 steps, 1 included. */
class AxisTicksTest {

    private static boolean round(double step) {
        double mantissa = step / Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
        for (double m : new double[] {1, 2, 2.5, 5}) {
            if (Math.abs(mantissa - m) < 1e-9) {
                return true;
            }
        }
        return false;
    }

    @Test
    void axisStepsGiveFourToEightRoundTicksWhateverTheRange() {
        double[][] ranges = {{0, 0.78}, {0, 1}, {0.0001, 0.0035}, {-3.2, 7.9}, {0, 9.7}, {12, 13}, {0, 16}, {0, 4300},
                {-0.05, 0.05}, {1e-7, 3e-6}, {0.2, 0.7}, {0, 1.05}};
        for (double[] r : ranges) {
            double step = NiceTicks.axisStep(r[0], r[1], 4, 8);
            double[] t = NiceTicks.onGrid(r[0], r[1], step);
            String where = Arrays.toString(r) + " -> " + Arrays.toString(t);
            assertTrue(t.length >= 4 && t.length <= 8, where);
            assertTrue(round(step), "round step " + step + " for " + where);
            for (double v : t) {
                assertTrue(v >= r[0] - 1e-12 && v <= r[1] + 1e-12, where);
            }
        }
        assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6}, NiceTicks.onGrid(0, 0.78, NiceTicks.axisStep(0, 0.78, 4, 8)), 1e-12);
    }

    @Test
    void logTicksAreTheDensestRoundSetThatFits() {
        assertArrayEquals(new double[] {1, 10, 100, 1000, 10000}, NiceTicks.logTicks(1, 60000, 8));
        assertArrayEquals(new double[] {1, 3, 10, 30, 100, 300, 1000, 3000}, NiceTicks.logTicks(1, 5300, 8));
        assertArrayEquals(new double[] {1, 2, 5, 10, 20, 50}, NiceTicks.logTicks(1, 60, 8));
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, NiceTicks.logTicks(1, 6.2, 8));
        // Many decades: every n-th, counted from 10^0 so that 1 stays a tick.
        assertArrayEquals(new double[] {1, 100, 10000, 1e6, 1e8}, NiceTicks.logTicks(1, 2e8, 5));
        // Below 1 too, on the same round values (0.3, not 0.30000000000000004).
        assertArrayEquals(new double[] {0.8, 0.9, 1, 2, 3, 4, 5, 6}, NiceTicks.logTicks(0.8, 6.2, 8));
        assertArrayEquals(new double[] {0.005, 0.01, 0.02, 0.05, 0.1, 0.2}, NiceTicks.logTicks(0.003, 0.2, 8));
        // Inside one decade a log axis falls back to round linear steps.
        double[] zoomed = NiceTicks.logTicks(2.2, 2.9, 6);
        assertTrue(zoomed.length >= 2, Arrays.toString(zoomed));
    }
}
