package dev.loupe.viewers.export;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.font.LineMetrics;
import java.awt.geom.AffineTransform;

/** Fonts, colours and text placement shared by the figures, so that every export has one look. */
final class Draw {
    private Draw() {
    }

    static final String FAMILY = Font.SANS_SERIF;
    static final Font TITLE = new Font(FAMILY, Font.BOLD, 15);
    static final Font AXIS_TITLE = new Font(FAMILY, Font.PLAIN, 13);
    static final Font LABEL = new Font(FAMILY, Font.PLAIN, 11);
    static final Font SMALL = new Font(FAMILY, Font.PLAIN, 10);
    static final Color TEXT = new Color(0x222222);
    static final Color SUBTLE = new Color(0x666666);
    static final Color FRAME = new Color(0x333333);
    static final BasicStroke HAIRLINE = new BasicStroke(0.75f);
    static final double MARGIN = 14;

    /** Layout is measured with one fractional-metrics context, so PNG and SVG place text identically. */
    static final FontRenderContext FRC = new FontRenderContext(null, true, true);

    enum V { TOP, MIDDLE, BASELINE, BOTTOM }

    static void setup(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    }

    static void background(Graphics2D g, double w, double h) {
        g.setColor(Color.WHITE);
        g.fill(new java.awt.geom.Rectangle2D.Double(0, 0, w, h));
    }

    static double width(Font f, String s) {
        return s.isEmpty() ? 0 : f.getStringBounds(s, FRC).getWidth();
    }

    static double lineHeight(Font f) {
        LineMetrics m = f.getLineMetrics("Mg", FRC);
        return m.getAscent() + m.getDescent();
    }

    static double maxWidth(Font f, Iterable<String> labels, double cap) {
        double w = 0;
        for (String s : labels) {
            w = Math.max(w, width(f, s));
            if (w >= cap) {
                return cap;
            }
        }
        return w;
    }

    /** Draws {@code s} anchored at (x, y): {@code h} 0 = left edge, 0.5 = centre, 1 = right edge. */
    static void text(Graphics2D g, Font f, String s, double x, double y, double h, V v) {
        if (s.isEmpty()) {
            return;
        }
        LineMetrics m = f.getLineMetrics(s, FRC);
        double baseline = switch (v) {
            case TOP -> y + m.getAscent();
            case MIDDLE -> y + (m.getAscent() - m.getDescent()) / 2;
            case BASELINE -> y;
            case BOTTOM -> y - m.getDescent();
        };
        g.setFont(f);
        g.drawString(s, (float) (x - h * width(f, s)), (float) baseline);
    }

    /** Like {@link #text} but reading bottom-to-top (rotated 90 degrees anticlockwise about the anchor). */
    static void textUp(Graphics2D g, Font f, String s, double x, double y, double h, V v) {
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2, x, y);
        text(g, f, s, x, y, h, v);
        g.setTransform(saved);
    }

    /** Black or white, whichever reads better on {@code argb}. */
    static Color textOn(int argb) {
        double r = (argb >> 16 & 255) / 255.0;
        double gr = (argb >> 8 & 255) / 255.0;
        double b = (argb & 255) / 255.0;
        return 0.299 * r + 0.587 * gr + 0.114 * b > 0.55 ? Color.BLACK : Color.WHITE;
    }
}
