package dev.loupe.viewers.export;

import dev.loupe.viewers.color.NiceTicks;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.ValueAxisPlot;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.Range;

/**
 * Value axes for the series charts with a calm number of round ticks (about {@link #MIN_TICKS} to
 * {@link #MAX_TICKS}, fewer where the axis is too short for them) from {@link NiceTicks}, whatever the range or
 * zoom: JFreeChart's own choice packs in as many labels as fit, 16 on a probability axis. The same axes draw the
 * view and the exported figure.
 */
public final class ChartAxes {
    private ChartAxes() {
    }

    public static final int MIN_TICKS = 4;
    public static final int MAX_TICKS = 8;
    // Space per label: vertical axes leave 2.5 label heights a tick, horizontal ones the widest label and a gap.
    private static final double VERTICAL_PITCH = 2.5;
    private static final double HORIZONTAL_GAP = 18;

    /** A linear axis with round ticks; {@code integers} keeps steps whole (an index axis). */
    public static NumberAxis linear(String label, boolean integers) {
        return new Linear(label, integers);
    }

    /** A rank axis (1 = best): log scale, rank 1 at the top, and always in range. */
    public static LogAxis rank(String label) {
        return new Rank(label);
    }

    /** How many ticks fit on an axis this long, at most {@link #MAX_TICKS}, given the widest label. */
    static int fitting(Graphics2D g, ValueAxis axis, Rectangle2D dataArea, RectangleEdge edge, List<String> labels) {
        FontMetrics fm = g.getFontMetrics(axis.getTickLabelFont());
        if (RectangleEdge.isLeftOrRight(edge)) {
            return (int) Math.max(2, Math.min(MAX_TICKS, dataArea.getHeight() / (fm.getHeight() * VERTICAL_PITCH)));
        }
        double widest = 0;
        for (String s : labels) {
            widest = Math.max(widest, fm.stringWidth(s));
        }
        return (int) Math.max(2, Math.min(MAX_TICKS, dataArea.getWidth() / (widest + HORIZONTAL_GAP)));
    }

    private static List<NumberTick> ticks(double[] values, List<String> labels, RectangleEdge edge) {
        TextAnchor anchor = edge == RectangleEdge.LEFT ? TextAnchor.CENTER_RIGHT
                : edge == RectangleEdge.RIGHT ? TextAnchor.CENTER_LEFT
                : edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER : TextAnchor.TOP_CENTER;
        List<NumberTick> out = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            out.add(new NumberTick(values[i], labels.get(i), anchor, anchor, 0));
        }
        return out;
    }

    private static final class Linear extends NumberAxis {
        private final boolean integers;

        Linear(String label, boolean integers) {
            super(label);
            this.integers = integers;
        }

        private double step(int maxTicks) {
            double step = NiceTicks.axisStep(getLowerBound(), getUpperBound(), Math.min(MIN_TICKS, maxTicks), maxTicks);
            // Whole steps on an index axis: 2.5 would put ticks between points.
            return integers && step < 1 ? 1 : integers && step == 2.5 ? 5 : step;
        }

        private List<String> labels(double[] values, double step) {
            List<String> out = new ArrayList<>(values.length);
            for (double v : values) {
                out.add(integers ? String.format(Locale.ROOT, "%,d", Math.round(v)) : NiceTicks.label(v, step));
            }
            return out;
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public List refreshTicks(Graphics2D g, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
            // Fewer ticks until their labels fit (only horizontal axes need the labels to know).
            for (int max = MAX_TICKS; ; max--) {
                double step = step(max);
                double[] values = NiceTicks.onGrid(getLowerBound(), getUpperBound(), step);
                List<String> labels = labels(values, step);
                if (max <= 2 || values.length <= fitting(g, this, dataArea, edge, labels)) {
                    return ticks(values, labels, edge);
                }
            }
        }
    }

    private static final class Rank extends LogAxis {
        /** Room beyond the data on a log axis (a factor): rank 1 sits a little below the top, not on the frame. */
        private static final double MARGIN = 1.25;

        Rank(String label) {
            super(label);
            setInverted(true);
            setSmallestValue(1 / MARGIN);
            setAutoRange(true);
        }

        @Override
        protected void autoAdjustRange() {
            if (!(getPlot() instanceof ValueAxisPlot plot)) {
                return;
            }
            Range data = plot.getDataRange(this);
            // At least up to 10, so that a target ranked first everywhere still shows the axis' direction.
            double worst = data == null ? 10 : Math.max(10, data.getUpperBound());
            setRange(new Range(1 / MARGIN, worst * MARGIN), false, false);
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public List refreshTicks(Graphics2D g, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
            for (int max = MAX_TICKS; ; max--) {
                List<Double> kept = new ArrayList<>();
                // From rank 1: the margin above it (0.8) would otherwise count towards the ticks that fit.
                for (double v : NiceTicks.logTicks(Math.max(getLowerBound(), 1), getUpperBound(), max)) {
                    // Ranks are whole numbers from 1: no tick at 0.8 or 2.5.
                    if (v >= 1 && v == Math.rint(v)) {
                        kept.add(v);
                    }
                }
                double[] values = kept.stream().mapToDouble(Double::doubleValue).toArray();
                List<String> labels = new ArrayList<>();
                for (double v : values) {
                    labels.add(String.format(Locale.ROOT, "%,d", Math.round(v)));
                }
                if (max <= 2 || values.length <= fitting(g, this, dataArea, edge, labels)) {
                    return ticks(values, labels, edge);
                }
            }
        }
    }
}
