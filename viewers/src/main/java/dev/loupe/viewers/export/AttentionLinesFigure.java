package dev.loupe.viewers.export;

import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.attention.LineWeights;
import dev.loupe.viewers.color.NiceTicks;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.Dimension;
import java.util.List;
import java.util.Locale;
import org.jfree.svg.SVGHints;

/**
 * An attention pattern as the lines view shows it (bertviz's head view): query tokens in a column on the left, key
 * tokens on the right, one line per query-key pair with the weight as its opacity, and a legend saying what the
 * opacity means and which lines were left out. The lines are those {@link LineWeights} picks for the view: weights
 * of at least {@link LineWeights#MIN_WEIGHT}, the strongest {@link LineWeights#LINE_BUDGET} of them. A selected
 * query is drawn as the view draws it: its lines thick in the accent colour, its keys shaded by weight, every other
 * line dimmed.
 *
 * <p>In SVG every line is a {@code <line>} element, in the groups {@code lines} (unfocused) and
 * {@code focus-lines} (the selected query's); token labels are text in {@code query-labels} and
 * {@code key-labels}, and the legend is the group {@code legend}.
 */
public final class AttentionLinesFigure implements Figure {

    /** Row pitch while the tokens fit; longer inputs share {@link #MAX_COLUMN_H} and label every n-th token. */
    static final double ROW = 16;
    private static final double MAX_COLUMN_H = 1200;
    private static final double GAP = 240;
    private static final double LABEL_GAP = 6;
    private static final double LABEL_CAP = 150;
    private static final double SAMPLE_W = 26;
    private static final double LEGEND_GAP = 14;
    private static final Font LABEL_BOLD = Draw.LABEL.deriveFont(Font.BOLD);
    // The app's accent (Fx.ACCENT), which marks the selected query on screen.
    private static final Color ACCENT = new Color(0xFF6A00);

    private final MatrixResult m;
    private final LineWeights weights;
    private final int selected;
    private final List<String> queryText;
    private final List<String> keyText;
    private final double queryLabelW;
    private final double keyLabelW;
    private final double pitch;
    private final int thresholdStep;
    private final long unfocusedLines;

    /** @param selectedQuery the query row picked in the view, or -1 (out-of-range rows count as none) */
    public AttentionLinesFigure(MatrixResult m, int selectedQuery) {
        this.m = m;
        this.weights = new LineWeights(m);
        this.selected = selectedQuery >= 0 && selectedQuery < m.rows() ? selectedQuery : -1;
        queryText = m.rowLabels().stream().map(s -> Labels.display(s, 20)).toList();
        keyText = m.colLabels().stream().map(s -> Labels.display(s, 20)).toList();
        queryLabelW = Draw.maxWidth(LABEL_BOLD, queryText, LABEL_CAP);
        keyLabelW = Draw.maxWidth(LABEL_BOLD, keyText, LABEL_CAP);
        pitch = Math.min(ROW, MAX_COLUMN_H / Math.max(1, tokens()));
        long[] perStep = new long[LineWeights.STEPS + 1];
        forEachUnfocused((q, k, w) -> perStep[LineWeights.step(w)]++);
        thresholdStep = LineWeights.thresholdStep(perStep, LineWeights.LINE_BUDGET);
        long[] n = {0};
        forEachUnfocused((q, k, w) -> n[0] += drawn(w) ? 1 : 0);
        unfocusedLines = n[0];
    }

    public int selectedQuery() {
        return selected;
    }

    /** The weight below which lines of unqueried tokens are left out (at least {@link LineWeights#MIN_WEIGHT}). */
    public double threshold() {
        return LineWeights.thresholdWeight(thresholdStep);
    }

    /** How many lines the figure draws: unfocused ones above the threshold, and the selected query's. */
    public long lineCount() {
        long focus = 0;
        if (selected >= 0) {
            for (int k = 0; k < m.cols(); k++) {
                focus += weights.opacity(selected, k) >= LineWeights.MIN_WEIGHT ? 1 : 0;
            }
        }
        return unfocusedLines + focus;
    }

    private int tokens() {
        return Math.max(m.rows(), m.cols());
    }

    private interface LineVisitor {
        void visit(int q, int k, double opacity);
    }

    /** Every line of a query other than the selected one that reaches the minimum weight. */
    private void forEachUnfocused(LineVisitor v) {
        for (int q = 0; q < m.rows(); q++) {
            if (q == selected) {
                continue;
            }
            for (int k = 0; k < m.cols(); k++) {
                double w = weights.opacity(q, k);
                if (w >= LineWeights.MIN_WEIGHT) {
                    v.visit(q, k, w);
                }
            }
        }
    }

    private boolean drawn(double opacity) {
        return LineWeights.step(opacity) >= thresholdStep;
    }

    // ---------------------------------------------------------------- layout

    private double titleH() {
        double t = 0;
        if (!m.title().isBlank()) {
            t += Draw.lineHeight(Draw.TITLE) + 4;
        }
        if (selected >= 0) {
            t += Draw.lineHeight(Draw.SMALL) + 4;
        }
        return t;
    }

    private double columnsTop() {
        return Draw.MARGIN + titleH() + Draw.lineHeight(Draw.AXIS_TITLE) + 10;
    }

    private double columnsH() {
        return tokens() * pitch;
    }


    private double compositionW() {
        return queryLabelW + LABEL_GAP + GAP + LABEL_GAP + keyLabelW;
    }

    @Override
    public Dimension preferredSize() {
        double w = Math.max(compositionW(), legendW()) + 2 * Draw.MARGIN;
        w = Math.max(w, Draw.width(Draw.TITLE, m.title()) + 2 * Draw.MARGIN);
        double h = columnsTop() + columnsH() + legendH() + Draw.MARGIN;
        return new Dimension((int) Math.ceil(w), (int) Math.ceil(h));
    }

    /** The x of the query column's line ends in a figure this wide (the composition is centred). */
    public double queryLineX(double width) {
        double left = Math.max(Draw.MARGIN, (width - compositionW()) / 2);
        return left + queryLabelW + LABEL_GAP;
    }

    public double keyLineX(double width) {
        return queryLineX(width) + GAP;
    }

    /** The y of token row {@code i}'s centre. */
    public double rowY(int i) {
        return columnsTop() + (i + 0.5) * pitch;
    }

    // ---------------------------------------------------------------- painting

    @Override
    public void paint(Graphics2D g, double width, double height) {
        Draw.setup(g);
        Draw.background(g, width, height);
        double qx = queryLineX(width);
        double kx = keyLineX(width);
        g.setColor(Draw.TEXT);
        double y = Draw.MARGIN;
        if (!m.title().isBlank()) {
            Draw.text(g, Draw.TITLE, m.title(), width / 2, y, 0.5, Draw.V.TOP);
            y += Draw.lineHeight(Draw.TITLE) + 4;
        }
        if (selected >= 0) {
            g.setColor(Draw.SUBTLE);
            Draw.text(g, Draw.SMALL, "selected query: " + quoted(queryText.get(selected)) + " (position " + selected + ")",
                    width / 2, y, 0.5, Draw.V.TOP);
            g.setColor(Draw.TEXT);
        }
        double header = columnsTop() - 6;
        Draw.text(g, Draw.AXIS_TITLE, axisName(m.rowAxis(), "query"), qx - LABEL_GAP, header, 1, Draw.V.BOTTOM);
        Draw.text(g, Draw.AXIS_TITLE, axisName(m.colAxis(), "key"), kx + LABEL_GAP, header, 0, Draw.V.BOTTOM);

        g.setRenderingHint(SVGHints.KEY_BEGIN_GROUP, "lines");
        g.setStroke(new BasicStroke((float) LineWeights.LINE_WIDTH, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
        double dim = selected >= 0 ? LineWeights.DIM : 1;
        forEachUnfocused((q, k, w) -> {
            if (drawn(w)) {
                g.setColor(lineColor(q, k, w * dim, false));
                g.draw(new Line2D.Double(qx, rowY(q), kx, rowY(k)));
            }
        });
        g.setRenderingHint(SVGHints.KEY_END_GROUP, "true");
        if (selected >= 0) {
            g.setRenderingHint(SVGHints.KEY_BEGIN_GROUP, "focus-lines");
            g.setStroke(new BasicStroke((float) LineWeights.FOCUS_LINE_WIDTH, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            for (int k = 0; k < m.cols(); k++) {
                double w = weights.opacity(selected, k);
                if (w >= LineWeights.MIN_WEIGHT) {
                    g.setColor(lineColor(selected, k, w, true));
                    g.draw(new Line2D.Double(qx, rowY(selected), kx, rowY(k)));
                }
            }
            g.setRenderingHint(SVGHints.KEY_END_GROUP, "true");
        }
        paintLabels(g, qx, kx);
        paintLegend(g, width, columnsTop() + columnsH());
    }

    private void paintLabels(Graphics2D g, double qx, double kx) {
        int step = (int) Math.max(1, Math.ceil(Draw.lineHeight(Draw.LABEL) * 1.05 / pitch));
        double boxH = Math.min(pitch, Draw.lineHeight(Draw.LABEL) + 2);
        g.setRenderingHint(SVGHints.KEY_BEGIN_GROUP, "query-labels");
        for (int q = 0; q < m.rows(); q++) {
            if (q == selected) {
                g.setColor(withAlpha(ACCENT, 0.3));
                g.fill(new Rectangle2D.Double(qx - LABEL_GAP - queryLabelW - 2, rowY(q) - boxH / 2, queryLabelW + 4, boxH));
                g.setColor(Draw.TEXT);
                Draw.text(g, LABEL_BOLD, queryText.get(q), qx - LABEL_GAP, rowY(q), 1, Draw.V.MIDDLE);
            } else if (q % step == 0 && (selected < 0 || Math.abs(q - selected) >= step)) {
                g.setColor(Draw.TEXT);
                Draw.text(g, Draw.LABEL, queryText.get(q), qx - LABEL_GAP, rowY(q), 1, Draw.V.MIDDLE);
            }
        }
        g.setRenderingHint(SVGHints.KEY_END_GROUP, "true");
        g.setRenderingHint(SVGHints.KEY_BEGIN_GROUP, "key-labels");
        for (int k = 0; k < m.cols(); k++) {
            double w = selected >= 0 ? weights.opacity(selected, k) : Double.NaN;
            boolean shaded = w >= LineWeights.MIN_WEIGHT;
            if (shaded) {
                // The selected query's weight on each key, as bertviz shades the key boxes.
                Color fill = lineColor(selected, k, w, true);
                g.setColor(fill);
                g.fill(new Rectangle2D.Double(kx + LABEL_GAP - 2, rowY(k) - boxH / 2, keyLabelW + 4, boxH));
            }
            if (shaded || k % step == 0) {
                g.setColor(shaded ? Draw.textOn(onWhite(lineColor(selected, k, w, true))) : Draw.TEXT);
                Draw.text(g, Draw.LABEL, keyText.get(k), kx + LABEL_GAP, rowY(k), 0, Draw.V.MIDDLE);
            }
        }
        g.setRenderingHint(SVGHints.KEY_END_GROUP, "true");
    }

    // ---------------------------------------------------------------- legend

    /** Sample opacities the legend shows, as fractions of the value drawn fully opaque. */
    private static final double[] SAMPLES = {0.1, 0.25, 0.5, 1};

    private String legendTitle() {
        String what = m.valueLabel() == null || m.valueLabel().isBlank() ? "value" : m.valueLabel();
        if (m.diverging()) {
            return "line opacity = |" + what + "| / " + NiceTicks.value(weights.norm()) + " (red > 0, blue < 0)";
        }
        return weights.norm() == 1 ? "line opacity = " + what
                : "line opacity = " + what + " / " + NiceTicks.value(weights.norm());
    }

    private String sampleLabel(double fraction, boolean negative) {
        double v = fraction * weights.norm();
        // Two significant digits: a key, not a read-out (0.074 rather than 0.07441).
        String digits = weights.norm() == 1 ? NiceTicks.value(v) : NiceTicks.value(Double.parseDouble(
                String.format(Locale.ROOT, "%.2g", v)));
        return (negative ? "\u2212" : m.diverging() ? "+" : "") + digits;
    }

    private String omittedNote() {
        String min = String.format(Locale.ROOT, "%.2f", LineWeights.MIN_WEIGHT);
        if (thresholdStep <= Math.round(LineWeights.MIN_WEIGHT * LineWeights.STEPS)) {
            return "lines of opacity below " + min + " are not drawn";
        }
        return "only the strongest " + String.format(Locale.ROOT, "%,d", unfocusedLines) + " lines are drawn (opacity \u2265 "
                + String.format(Locale.ROOT, "%.3f", threshold()) + ")";
    }

    private static String focusNote() {
        return "thick orange lines: the selected query's; other lines dimmed to "
                + Math.round(LineWeights.DIM * 100) + "%";
    }

    private double sampleRowW(boolean negative) {
        double w = 0;
        for (double f : SAMPLES) {
            w += SAMPLE_W + 4 + Draw.width(Draw.LABEL, sampleLabel(f, negative)) + 14;
        }
        return w - 14;
    }

    private double legendW() {
        double w = Math.max(Draw.width(Draw.LABEL, legendTitle()), sampleRowW(true));
        w = Math.max(w, Draw.width(Draw.SMALL, omittedNote()));
        return selected >= 0 ? Math.max(w, Draw.width(Draw.SMALL, focusNote())) : w;
    }

    private double legendH() {
        double lh = Draw.lineHeight(Draw.LABEL);
        double sh = Draw.lineHeight(Draw.SMALL);
        return LEGEND_GAP + lh + 6 + lh + (m.diverging() ? lh + 4 : 0) + 6 + sh + (selected >= 0 ? sh + 2 : 0);
    }

    private void paintLegend(Graphics2D g, double width, double top) {
        g.setRenderingHint(SVGHints.KEY_BEGIN_GROUP, "legend");
        double left = Math.max(Draw.MARGIN, (width - legendW()) / 2);
        double lh = Draw.lineHeight(Draw.LABEL);
        double y = top + LEGEND_GAP;
        g.setColor(Draw.TEXT);
        Draw.text(g, Draw.LABEL, legendTitle(), left, y, 0, Draw.V.TOP);
        y += lh + 6 + lh / 2;
        paintSamples(g, left, y, false);
        if (m.diverging()) {
            y += lh + 4;
            paintSamples(g, left, y, true);
        }
        y += lh / 2 + 6;
        g.setColor(Draw.SUBTLE);
        Draw.text(g, Draw.SMALL, omittedNote(), left, y, 0, Draw.V.TOP);
        if (selected >= 0) {
            y += Draw.lineHeight(Draw.SMALL) + 2;
            Draw.text(g, Draw.SMALL, focusNote(), left, y, 0, Draw.V.TOP);
        }
        g.setRenderingHint(SVGHints.KEY_END_GROUP, "true");
    }

    private void paintSamples(Graphics2D g, double x, double y, boolean negative) {
        g.setStroke(new BasicStroke((float) LineWeights.LINE_WIDTH, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
        int base = m.diverging() ? (negative ? LineWeights.NEGATIVE_ARGB : LineWeights.POSITIVE_ARGB) : LineWeights.LINE_ARGB;
        for (double f : SAMPLES) {
            g.setColor(withAlpha(new Color(base), f));
            g.draw(new Line2D.Double(x, y, x + SAMPLE_W, y));
            x += SAMPLE_W + 4;
            g.setColor(Draw.TEXT);
            String label = sampleLabel(f, negative);
            Draw.text(g, Draw.LABEL, label, x, y, 0, Draw.V.MIDDLE);
            x += Draw.width(Draw.LABEL, label) + 14;
        }
    }

    // ---------------------------------------------------------------- colours

    private Color lineColor(int q, int k, double opacity, boolean focused) {
        // Differences keep their sign's colour when focused, as on screen: the width shows the focus.
        Color base = m.diverging() ? new Color(weights.positive(q, k) ? LineWeights.POSITIVE_ARGB : LineWeights.NEGATIVE_ARGB)
                : focused ? ACCENT : new Color(LineWeights.LINE_ARGB);
        return withAlpha(base, opacity);
    }

    private static Color withAlpha(Color c, double opacity) {
        int a = (int) Math.round(Math.max(0, Math.min(1, opacity)) * 255);
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), a);
    }

    /** A translucent colour as it shows on white paper. */
    private static int onWhite(Color c) {
        double a = c.getAlpha() / 255.0;
        int r = (int) Math.round(c.getRed() * a + 255 * (1 - a));
        int gr = (int) Math.round(c.getGreen() * a + 255 * (1 - a));
        int b = (int) Math.round(c.getBlue() * a + 255 * (1 - a));
        return 0xFF000000 | r << 16 | gr << 8 | b;
    }

    private static String quoted(String token) {
        return "\u2018" + token + "\u2019";
    }

    private static String axisName(String s, String fallback) {
        return s == null || s.isBlank() ? fallback : s;
    }
}
