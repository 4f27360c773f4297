package dev.loupe.viewers.color;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Round tick values (steps of 1, 2 or 5 times a power of ten) and their labels. */
public final class NiceTicks {
    private NiceTicks() {
    }

    /** Ticks inside [lo, hi], at most {@code maxTicks} (at least 2). */
    public static double[] between(double lo, double hi, int maxTicks) {
        return onGrid(lo, hi, step(lo, hi, maxTicks));
    }

    /** The multiples of {@code step} inside [lo, hi]. */
    public static double[] onGrid(double lo, double hi, double step) {
        List<Double> out = new ArrayList<>();
        double first = Math.ceil(lo / step - 1e-9) * step;
        for (double v = first; v <= hi + step * 1e-9; v += step) {
            // Snap to the step grid so that 0.30000000000000004 does not show up as a label.
            double snapped = Math.round(v / step) * step;
            out.add(Math.abs(snapped) < step * 1e-9 ? 0.0 : snapped);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Ticks for a colour bar: both ends of the range, and the round values of {@link #between} inside it (those
     * closer than 40% of a step to an end are left out, so labels do not collide). A reader sees where the data
     * starts and stops, not only the round numbers near them.
     */
    public static double[] withEnds(double lo, double hi, int maxTicks) {
        if (!(hi > lo)) {
            return new double[] {lo};
        }
        double step = step(lo, hi, maxTicks);
        List<Double> out = new ArrayList<>();
        out.add(lo);
        for (double v : between(lo, hi, maxTicks)) {
            if (v - lo > 0.4 * step && hi - v > 0.4 * step) {
                out.add(v);
            }
        }
        out.add(hi);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Labels for {@link #withEnds}'s ticks: round values with the decimals their step needs; the ends, which are
     * rarely round, with two decimals more when they are not on the step's grid (0.014 beside 0.2, 0.4, ...).
     */
    public static String[] labels(double[] ticks, double lo, double hi, int maxTicks) {
        double step = step(lo, hi, maxTicks);
        String[] out = new String[ticks.length];
        for (int i = 0; i < ticks.length; i++) {
            double v = ticks[i];
            boolean onGrid = Math.abs(v / step - Math.rint(v / step)) < 1e-6;
            out[i] = label(v, onGrid ? step : step / 100);
        }
        return out;
    }

    /** Mantissas of a power of ten that make round steps. */
    private static final double[] MANTISSAS = {1, 2, 2.5, 5};

    /**
     * The step for a chart axis over [lo, hi]: a round step (1, 2, 2.5 or 5 times a power of ten) giving between
     * {@code minTicks} and {@code maxTicks} ticks, as many as fit in between, around the middle of that band; the
     * closest count when none does.
     */
    public static double axisStep(double lo, double hi, int minTicks, int maxTicks) {
        double span = hi - lo;
        if (!(span > 0) || !Double.isFinite(span)) {
            return 1;
        }
        double target = (minTicks + maxTicks) / 2.0;
        double best = span;
        double bestScore = Double.MAX_VALUE;
        int top = (int) Math.floor(Math.log10(span));
        for (int e = top - 2; e <= top + 1; e++) {
            for (double m : MANTISSAS) {
                double step = m * Math.pow(10, e);
                int n = count(lo, hi, step);
                // Outside the band costs far more than any distance inside it; ties go to fewer, calmer ticks.
                double outside = n < minTicks ? minTicks - n : n > maxTicks ? n - maxTicks : 0;
                double score = outside * 100 + Math.abs(n - target) + (n > target ? 0.01 : 0);
                if (score < bestScore) {
                    bestScore = score;
                    best = step;
                }
            }
        }
        return best;
    }

    private static int count(double lo, double hi, double step) {
        return (int) (Math.floor(hi / step + 1e-9) - Math.ceil(lo / step - 1e-9)) + 1;
    }

    /** Tick sets of a log axis from dense to sparse: mantissas within each decade. */
    private static final double[][] LOG_SETS = {{1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 5}, {1, 3}, {1}};

    /**
     * Ticks for a log axis over [lo, hi] (lo > 0), at most {@code maxTicks}: the densest of 1..9, 1-2-5, 1-3 per
     * decade, every decade, or every n-th decade (counted from 10^0, so 1 is a tick whenever it is in range). Fewer
     * than two ticks (a range inside one decade) come back as round linear steps instead.
     */
    public static double[] logTicks(double lo, double hi, int maxTicks) {
        if (!(lo > 0) || !(hi > lo) || !Double.isFinite(hi)) {
            return new double[0];
        }
        int first = (int) Math.floor(Math.log10(lo));
        int last = (int) Math.ceil(Math.log10(hi));
        for (double[] set : LOG_SETS) {
            double[] t = logTicks(lo, hi, first, last, set, 1);
            if (t.length <= maxTicks) {
                return t.length >= 2 ? t : onGrid(lo, hi, axisStep(lo, hi, 2, Math.max(2, maxTicks)));
            }
        }
        for (int every = 2; ; every++) {
            double[] t = logTicks(lo, hi, first, last, new double[] {1}, every);
            if (t.length <= maxTicks) {
                return t;
            }
        }
    }

    private static double[] logTicks(double lo, double hi, int first, int last, double[] mantissas, int everyDecade) {
        List<Double> out = new ArrayList<>();
        for (int e = first; e <= last; e++) {
            if (Math.floorMod(e, everyDecade) != 0) {
                continue;
            }
            for (double m : mantissas) {
                // Parsed from text, so 3 * 10^-1 is exactly the double 0.3, as a label would write it.
                double v = Double.parseDouble(((long) m) + "e" + e);
                if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) {
                    out.add(v);
                }
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The spacing {@link #between} uses. */
    public static double step(double lo, double hi, int maxTicks) {
        double span = hi - lo;
        if (!(span > 0)) {
            return 1;
        }
        double raw = span / Math.max(1, maxTicks - 1);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * mag >= raw) {
                return m * mag;
            }
        }
        return 10 * mag;
    }

    /** A label for a tick at spacing {@code step}: as many decimals as the step needs, scientific when tiny or huge. */
    public static String label(double v, double step) {
        // A true minus sign, as typeset figures use; a hyphen looks short next to the digits.
        return plainLabel(v, step).replace('-', '\u2212').replace("e\u2212", "e-");
    }

    private static String plainLabel(double v, double step) {
        double a = Math.abs(v);
        if (a >= 1e5 || (a < 1e-3 && a > 0)) {
            return String.format(Locale.ROOT, "%.2g", v).replace("e-0", "e-").replace("e+0", "e").replace("e+", "e");
        }
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        double scaled = step * Math.pow(10, decimals);
        if (Math.abs(scaled - Math.rint(scaled)) > 1e-6) {
            decimals++; // steps of 2.5
        }
        return String.format(Locale.ROOT, "%." + Math.min(decimals, 6) + "f", v == 0 ? 0.0 : v); // no "-0.0"
    }

    /** A compact label for a single value (hover read-outs, table cells): four significant digits. */
    public static String value(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e7) {
            return Long.toString((long) v);
        }
        double a = Math.abs(v);
        if (a >= 1e5 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.3e", v);
        }
        String s = String.format(Locale.ROOT, "%.4g", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
