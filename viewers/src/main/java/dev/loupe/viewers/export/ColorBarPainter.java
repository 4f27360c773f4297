package dev.loupe.viewers.export;

import dev.loupe.viewers.color.ColorScale;
import java.awt.Color;
import java.awt.LinearGradientPaint;
import java.awt.geom.Line2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.awt.Graphics2D;

/** A colour bar with round-number ticks, drawn with Java2D (a vector gradient in SVG). */
final class ColorBarPainter {
    private ColorBarPainter() {
    }

    static final double BAR = 14;
    private static final double TICK = 4;
    private static final double GAP = 3;
    private static final int STOPS = 65;

    private static int maxTicks(double length) {
        return (int) Math.max(2, Math.min(8, length / 36));
    }

    static double[] ticks(ColorScale s, double length) {
        return s.ticks(maxTicks(length));
    }

    private static String[] tickLabels(ColorScale s, double length) {
        return s.tickLabels(maxTicks(length));
    }

    /** Width of a vertical bar with its ticks, tick labels and (rotated) label, for a bar {@code height} tall. */
    static double verticalWidth(ColorScale s, double height, String label) {
        double w = 0;
        for (String t : tickLabels(s, height)) {
            w = Math.max(w, Draw.width(Draw.LABEL, t));
        }
        return BAR + TICK + GAP + w + (label == null || label.isBlank() ? 0 : 8 + Draw.lineHeight(Draw.AXIS_TITLE));
    }

    static void paintVertical(Graphics2D g, ColorScale s, double x, double y, double h, String label) {
        g.setPaint(gradient(s, new Point2D.Double(x, y + h), new Point2D.Double(x, y)));
        Rectangle2D bar = new Rectangle2D.Double(x, y, BAR, h);
        g.fill(bar);
        g.setColor(Draw.FRAME);
        g.setStroke(Draw.HAIRLINE);
        g.draw(bar);
        double[] ticks = ticks(s, h);
        String[] labels = tickLabels(s, h);
        double labelRight = x + BAR;
        for (int i = 0; i < ticks.length; i++) {
            double ty = y + h - s.fraction(ticks[i]) * h;
            g.draw(new Line2D.Double(x + BAR, ty, x + BAR + TICK, ty));
            g.setColor(Draw.TEXT);
            Draw.text(g, Draw.LABEL, labels[i], x + BAR + TICK + GAP, ty, 0, Draw.V.MIDDLE);
            labelRight = Math.max(labelRight, x + BAR + TICK + GAP + Draw.width(Draw.LABEL, labels[i]));
            g.setColor(Draw.FRAME);
        }
        if (label != null && !label.isBlank()) {
            g.setColor(Draw.TEXT);
            Draw.textUp(g, Draw.AXIS_TITLE, Labels.display(label, 40), labelRight + 8, y + h / 2, 0.5, Draw.V.TOP);
        }
    }

    /** Height of a horizontal bar with ticks and its label underneath. */
    static double horizontalHeight(String label) {
        return BAR + TICK + GAP + Draw.lineHeight(Draw.LABEL)
                + (label == null || label.isBlank() ? 0 : 4 + Draw.lineHeight(Draw.AXIS_TITLE));
    }

    static void paintHorizontal(Graphics2D g, ColorScale s, double x, double y, double w, String label) {
        g.setPaint(gradient(s, new Point2D.Double(x, y), new Point2D.Double(x + w, y)));
        Rectangle2D bar = new Rectangle2D.Double(x, y, w, BAR);
        g.fill(bar);
        g.setColor(Draw.FRAME);
        g.setStroke(Draw.HAIRLINE);
        g.draw(bar);
        double[] ticks = ticks(s, w * 0.6);
        String[] labels = tickLabels(s, w * 0.6);
        for (int i = 0; i < ticks.length; i++) {
            double tx = x + s.fraction(ticks[i]) * w;
            g.setColor(Draw.FRAME);
            g.draw(new Line2D.Double(tx, y + BAR, tx, y + BAR + TICK));
            g.setColor(Draw.TEXT);
            Draw.text(g, Draw.LABEL, labels[i], tx, y + BAR + TICK + GAP, 0.5, Draw.V.TOP);
        }
        if (label != null && !label.isBlank()) {
            g.setColor(Draw.TEXT);
            Draw.text(g, Draw.AXIS_TITLE, Labels.display(label, 40), x + w / 2,
                    y + BAR + TICK + GAP + Draw.lineHeight(Draw.LABEL) + 4, 0.5, Draw.V.TOP);
        }
    }

    private static LinearGradientPaint gradient(ColorScale s, Point2D from, Point2D to) {
        float[] fractions = new float[STOPS];
        Color[] colors = new Color[STOPS];
        for (int i = 0; i < STOPS; i++) {
            double f = i / (double) (STOPS - 1);
            fractions[i] = (float) f;
            colors[i] = new Color(s.argb(s.min() + f * (s.max() - s.min())));
        }
        return new LinearGradientPaint(from, to, fractions, colors);
    }
}
