package dev.loupe.viewers.color;

/**
 * A colour map bound to value limits: what every view, thumbnail, colour bar and exported figure uses to turn a
 * value into a colour, so that they all agree. Diverging scales are centred on zero with symmetric limits, so equal
 * magnitudes of opposite sign get equally strong colours.
 */
public final class ColorScale {

    // Odd size so that the midpoint of a diverging scale (zero) has its own exact entry.
    private static final int LUT_SIZE = 4097;

    private final ColorMap map;
    private final double min;
    private final double max;
    private final int[] lut;

    public ColorScale(ColorMap map, double min, double max) {
        if (!(max > min) || Double.isInfinite(min) || Double.isInfinite(max)) {
            throw new IllegalArgumentException("need finite limits with min < max, got " + min + ", " + max);
        }
        this.map = map;
        this.min = min;
        this.max = max;
        this.lut = map.table(LUT_SIZE);
    }

    /**
     * Limits from the finite values: [min, max] with viridis, or [-m, m] (m the largest magnitude) with
     * blue-white-red when {@code diverging}. A constant input still gets a usable range that includes zero.
     */
    public static ColorScale forValues(float[] values, boolean diverging) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (float v : values) {
            if (Float.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (lo > hi) {
            lo = 0;
            hi = 0;
        }
        if (diverging) {
            double m = Math.max(Math.abs(lo), Math.abs(hi));
            return m > 0 ? new ColorScale(ColorMap.BLUE_WHITE_RED, -m, m) : new ColorScale(ColorMap.BLUE_WHITE_RED, -1, 1);
        }
        if (hi == lo) {
            lo = Math.min(0, lo);
            hi = Math.max(0, hi);
            if (hi == lo) {
                hi = 1;
            }
        }
        return new ColorScale(ColorMap.VIRIDIS, lo, hi);
    }

    public static ColorScale forValues(Iterable<float[]> arrays, boolean diverging) {
        int n = 0;
        for (float[] a : arrays) {
            n += a.length;
        }
        float[] all = new float[n];
        int i = 0;
        for (float[] a : arrays) {
            System.arraycopy(a, 0, all, i, a.length);
            i += a.length;
        }
        return forValues(all, diverging);
    }

    public ColorMap map() {
        return map;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    /** Where {@code value} falls between the limits, clamped to [0, 1]; NaN stays NaN. */
    public double fraction(double value) {
        if (Double.isNaN(value)) {
            return Double.NaN;
        }
        return Math.max(0, Math.min(1, (value - min) / (max - min)));
    }

    /** The opaque ARGB colour of {@code value}; values beyond the limits get the end colours, NaN is grey. */
    public int argb(double value) {
        double f = fraction(value);
        return Double.isNaN(f) ? ColorMap.NAN_ARGB : lut[(int) Math.round(f * (LUT_SIZE - 1))];
    }

    /** Tick values for a colour bar: round numbers within the limits, at most about {@code maxTicks}. */
    public double[] ticks(int maxTicks) {
        return NiceTicks.between(min, max, maxTicks);
    }

    @Override
    public String toString() {
        return map + " [" + min + ", " + max + "]";
    }
}
