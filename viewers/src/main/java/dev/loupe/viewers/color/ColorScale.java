package dev.loupe.viewers.color;

import java.util.Arrays;

/**
 * A colour map bound to value limits: what every view, thumbnail, colour bar and exported figure uses to turn a
 * value into a colour, so that they all agree. Diverging scales are centred on zero with symmetric limits, so equal
 * magnitudes of opposite sign get equally strong colours.
 */
public final class ColorScale {

    // Odd size so that the midpoint of a diverging scale (zero) has its own exact entry.
    private static final int LUT_SIZE = 4097;

    /**
     * How much of each tail {@link #clipped} leaves out: colours then span the 2nd to 98th percentiles, as seaborn's
     * {@code heatmap(robust=True)} does. Wide enough for a model of width 128 with one massive dimension (0.8% of
     * its activations).
     */
    public static final double CLIP_TAIL = 0.02;
    /** Data whose full range is this many times its clipped range has outliers worth clipping. */
    private static final double OUTLIER_RATIO = 4;

    private final ColorMap map;
    private final double min;
    private final double max;
    private final int[] lut;
    private final boolean clipped;

    public ColorScale(ColorMap map, double min, double max) {
        this(map, min, max, false);
    }

    private ColorScale(ColorMap map, double min, double max, boolean clipped) {
        if (!(max > min) || Double.isInfinite(min) || Double.isInfinite(max)) {
            throw new IllegalArgumentException("need finite limits with min < max, got " + min + ", " + max);
        }
        this.map = map;
        this.min = min;
        this.max = max;
        this.lut = map.table(LUT_SIZE);
        this.clipped = clipped;
    }

    /**
     * Limits that leave out the extreme {@link #CLIP_TAIL} of the values at each end (for a diverging scale, of their
     * magnitudes), so that a few huge values (the "massive activations" of some dimensions) do not flatten the rest
     * into one colour. Values beyond the limits get the end colours. Falls back to {@link #forValues} when the
     * clipped range would be empty.
     */
    public static ColorScale clipped(float[] values, boolean diverging) {
        float[] finite = finiteSorted(values, diverging);
        if (finite.length == 0) {
            return forValues(values, diverging);
        }
        if (diverging) {
            double m = quantile(finite, 1 - CLIP_TAIL);
            return m > 0 ? new ColorScale(ColorMap.BLUE_WHITE_RED, -m, m, true) : forValues(values, true);
        }
        double lo = quantile(finite, CLIP_TAIL);
        double hi = quantile(finite, 1 - CLIP_TAIL);
        return hi > lo ? new ColorScale(ColorMap.VIRIDIS, lo, hi, true) : forValues(values, false);
    }

    /** Whether a few values stretch the full range far beyond where almost all of them lie (see {@link #clipped}). */
    public static boolean hasOutliers(float[] values, boolean diverging) {
        return clipped(values, diverging).leavesOutliersOf(forValues(values, diverging));
    }

    /** Whether these clipped limits span a small part of {@code full}'s: the values left out are outliers. */
    public boolean leavesOutliersOf(ColorScale full) {
        return clipped && (full.max - full.min) > OUTLIER_RATIO * (max - min);
    }

    /** A colour bar's label for these limits: the value's name, marked when the extremes are left out. */
    public String barLabel(String valueLabel) {
        String base = valueLabel == null ? "" : valueLabel;
        return clipped ? (base.isBlank() ? "clipped" : base + " (clipped)") : base;
    }

    /** The bar label, saying that blank cells are masked when {@code values} holds any (infinite scores). */
    public String barLabel(String valueLabel, float[] values) {
        String label = barLabel(valueLabel);
        for (float v : values) {
            if (Float.isInfinite(v)) {
                return label + (label.isBlank() ? "" : "; ") + "blank: masked";
            }
        }
        return label;
    }

    /** Whether these limits leave out the extreme values (see {@link #clipped}). */
    public boolean isClipped() {
        return clipped;
    }

    private static float[] finiteSorted(float[] values, boolean magnitudes) {
        float[] out = new float[values.length];
        int n = 0;
        for (float v : values) {
            if (Float.isFinite(v)) {
                out[n++] = magnitudes ? Math.abs(v) : v;
            }
        }
        out = Arrays.copyOf(out, n);
        Arrays.sort(out);
        return out;
    }

    /** Linear interpolation between the two nearest ranks. */
    private static double quantile(float[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(sorted.length - 1, i + 1);
        return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
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

    /**
     * The opaque ARGB colour of {@code value}; values beyond the limits get the end colours, NaN is grey, and an
     * infinite value (a masked attention score) is blank ({@link ColorMap#MASKED_ARGB}).
     */
    public int argb(double value) {
        double f = fraction(value);
        if (Double.isInfinite(value)) {
            return ColorMap.MASKED_ARGB; // a masked attention score (-inf) is no value at all, not the smallest one
        }
        return Double.isNaN(f) ? ColorMap.NAN_ARGB : lut[(int) Math.round(f * (LUT_SIZE - 1))];
    }

    /** Tick values for a colour bar: both limits and round numbers between them, about {@code maxTicks} in all. */
    public double[] ticks(int maxTicks) {
        return NiceTicks.withEnds(min, max, maxTicks);
    }

    /** Labels for {@link #ticks}{@code (maxTicks)}, in the same order. */
    public String[] tickLabels(int maxTicks) {
        return NiceTicks.labels(ticks(maxTicks), min, max, maxTicks);
    }

    @Override
    public String toString() {
        return map + " [" + min + ", " + max + "]";
    }
}
