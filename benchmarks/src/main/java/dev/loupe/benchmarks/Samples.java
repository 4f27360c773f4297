package dev.loupe.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * Timings of one variant, one sample per round, in nanoseconds. Summaries are medians and quartiles rather than
 * means: on a shared machine a few rounds are always slowed by someone else's work, and the median ignores them.
 *
 * <p>Besides wall-clock time, the CPU time of the calling thread. Where all the work runs on that thread (either
 * runtime set to one thread), it is the same work without the time spent descheduled, so it stays steady on a busy
 * machine where wall-clock time does not.
 */
public final class Samples {
    private final String name;
    private final long[] nanos;
    private final long[] cpuNanos;

    public Samples(String name, long[] nanos) {
        this(name, nanos, null);
    }

    public Samples(String name, long[] nanos, long[] cpuNanos) {
        this.name = name;
        this.nanos = nanos.clone();
        this.cpuNanos = cpuNanos == null ? null : cpuNanos.clone();
    }

    /** The calling thread's CPU time as samples of their own (wall-clock summaries then apply to it). */
    public Samples cpu() {
        if (cpuNanos == null) {
            throw new IllegalStateException(name + " has no CPU times");
        }
        return new Samples(name + " (CPU)", cpuNanos);
    }

    /** Every sample divided by {@code n}: when one timed sample ran the work n times. */
    public Samples divide(int n) {
        long[] w = new long[nanos.length];
        long[] c = cpuNanos == null ? null : new long[cpuNanos.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = nanos[i] / n;
            if (c != null) {
                c[i] = cpuNanos[i] / n;
            }
        }
        return new Samples(name, w, c);
    }

    public String name() {
        return name;
    }

    public int count() {
        return nanos.length;
    }

    public long at(int round) {
        return nanos[round];
    }

    public double medianMs() {
        return quantile(toMs(nanos), 0.5);
    }

    public double p25Ms() {
        return quantile(toMs(nanos), 0.25);
    }

    public double p75Ms() {
        return quantile(toMs(nanos), 0.75);
    }

    public double minMs() {
        return Arrays.stream(nanos).min().orElse(0) / 1e6;
    }

    /** "12.3 ms (11.9–12.8)": median, then the quartiles as the spread. */
    public String describeMs() {
        return String.format(Locale.ROOT, "%s ms (%s–%s)", ms(medianMs()), ms(p25Ms()), ms(p75Ms()));
    }

    /**
     * This variant's time over {@code other}'s, taken round by round and then summarised: both ran in the same
     * round, back to back, so a slow patch on the machine inflates numerator and denominator together.
     */
    public Ratio over(Samples other) {
        if (other.count() != count()) {
            throw new IllegalArgumentException(name + " and " + other.name + " have different round counts");
        }
        double[] r = new double[count()];
        for (int i = 0; i < r.length; i++) {
            r[i] = (double) nanos[i] / other.nanos[i];
        }
        return new Ratio(quantile(r, 0.5), quantile(r, 0.25), quantile(r, 0.75), medianMs() / other.medianMs());
    }

    /** A paired ratio: median and quartiles of the per-round ratios, and the ratio of the two medians. */
    public record Ratio(double median, double p25, double p75, double ofMedians) {
        public String describe() {
            return String.format(Locale.ROOT, "%.2f× (%.2f–%.2f)", median, p25, p75);
        }
    }

    static double quantile(double[] values, double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        if (s.length == 0) {
            return Double.NaN;
        }
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, s.length - 1);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }

    private static double[] toMs(long[] ns) {
        double[] out = new double[ns.length];
        for (int i = 0; i < ns.length; i++) {
            out[i] = ns[i] / 1e6;
        }
        return out;
    }

    /** Three significant figures, enough for timings that drift by more than 1% anyway. */
    static String ms(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (v >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
