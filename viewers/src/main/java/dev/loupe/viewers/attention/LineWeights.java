package dev.loupe.viewers.attention;

import dev.loupe.plugin.result.MatrixResult;

/**
 * Which token-to-token lines of an attention pattern are drawn, and how opaque: shared by the
 * {@link AttentionLinesView} and its exported figure so that both draw the same lines. No JavaFX here: the CLI
 * exports figures where JavaFX is absent.
 *
 * <p>A line's opacity is its weight: probabilities as they are (0.3 is 30% opaque in every head), other values
 * divided by their largest magnitude (a difference map's largest |value| is fully opaque). Lines below
 * {@link #MIN_WEIGHT} are not drawn; of the rest, when more than a budget qualify, only the strongest, by raising
 * the threshold in steps of 1 / {@link #STEPS}.
 */
public final class LineWeights {

    public static final double MIN_WEIGHT = 0.01;
    /** Resolution of the threshold that keeps lines within a budget. */
    public static final int STEPS = 1000;
    /** Most unfocused lines drawn at once: beyond this a picture is a smear, and redraws get slow. */
    public static final int LINE_BUDGET = 2000;
    /** How strongly the lines of other queries show while one query is focused. */
    public static final double DIM = 0.15;
    /** Line widths (pixels on screen, units in a figure): every line, and the focused query's. */
    public static final double LINE_WIDTH = 1.5;
    public static final double FOCUS_LINE_WIDTH = 2.5;
    /** Line colours (opaque ARGB): plain lines, and a difference map's positive and negative values. */
    public static final int LINE_ARGB = 0xFF2F6DB5;
    public static final int POSITIVE_ARGB = 0xFFC0392B;
    public static final int NEGATIVE_ARGB = 0xFF2F6DB5;

    private final MatrixResult m;
    private final double norm;

    public LineWeights(MatrixResult m) {
        this.m = m;
        double max = 0;
        for (float v : m.values()) {
            if (Float.isFinite(v)) {
                max = Math.max(max, Math.abs(v));
            }
        }
        norm = max == 0 ? 1 : m.diverging() ? max : Math.max(1, max);
    }

    /** The value that is drawn fully opaque (1 for probabilities). */
    public double norm() {
        return norm;
    }

    /** The line from query q to key k as an opacity in [0, 1], NaN for a missing value. */
    public double opacity(int q, int k) {
        float v = m.get(q, k);
        return Float.isFinite(v) ? Math.min(1, Math.abs(v) / norm) : Double.NaN;
    }

    /** Whether the line is drawn in the positive colour of a difference map (also true for zero). */
    public boolean positive(int q, int k) {
        return m.get(q, k) >= 0;
    }

    /** The threshold step an opacity falls in: 0 .. {@link #STEPS}. */
    public static int step(double opacity) {
        return Math.min(STEPS, (int) (opacity * STEPS));
    }

    /**
     * The lowest step whose lines are drawn when at most {@code budget} may be: {@code perStep[s]} counts the
     * candidate lines of step s (those at least {@link #MIN_WEIGHT}). The strongest steps are kept whole.
     */
    public static int thresholdStep(long[] perStep, long budget) {
        int minStep = STEPS;
        long kept = 0;
        while (minStep >= 1 && kept + perStep[minStep] <= budget) {
            kept += perStep[minStep--];
        }
        return minStep + 1;
    }

    /** A threshold step as the weight it stands for, never below {@link #MIN_WEIGHT}. */
    public static double thresholdWeight(int step) {
        return Math.max(MIN_WEIGHT, step / (double) STEPS);
    }
}
