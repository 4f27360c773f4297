package dev.loupe.viewers.export;

import dev.loupe.plugin.result.ComparisonResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.color.ColorScale;
import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGHints;

/**
 * A {@link ComparisonResult} as one paper figure: the title, then each panel's {@link HeatmapFigure} side by side on
 * the same axes. Panels that {@link ComparisonResult#sharesScale() share a scale} are coloured from one scale over
 * all their values and only the last one draws the colour bar, so equal values look equal across panels. In SVG each
 * panel is a group {@code panel-<i>} whose cells are the group {@code panel-<i>-cells} (cell text
 * {@code panel-<i>-cell-text}), all vector as in a single heatmap figure.
 */
public final class ComparisonFigure implements Figure {
    private static final double GAP = 8;

    private final ComparisonResult comparison;
    private final List<HeatmapFigure> panels = new ArrayList<>();
    private final List<ColorScale> scales = new ArrayList<>();

    public ComparisonFigure(ComparisonResult comparison) {
        this.comparison = comparison;
        ColorScale shared = comparison.sharesScale() ? scaleOf(comparison) : null;
        int last = comparison.panels().size() - 1;
        for (int i = 0; i <= last; i++) {
            MatrixResult m = comparison.panels().get(i);
            ColorScale scale = shared != null ? shared : ColorScale.forValues(m.values(), m.diverging());
            scales.add(scale);
            panels.add(new HeatmapFigure(m, scale, "panel-" + i + "-", shared == null || i == last));
        }
    }

    /** One scale over every panel's values (what the panels use when they share one). */
    public static ColorScale scaleOf(ComparisonResult comparison) {
        return ColorScale.forValues(comparison.panels().stream().map(MatrixResult::values).toList(),
                comparison.panels().get(0).diverging());
    }

    /** The colour scale of panel {@code i}. */
    public ColorScale scale(int i) {
        return scales.get(i);
    }

    @Override
    public Dimension preferredSize() {
        double w = GAP * (panels.size() - 1);
        double h = 0;
        for (HeatmapFigure p : panels) {
            Dimension d = p.preferredSize();
            w += d.width;
            h = Math.max(h, d.height);
        }
        w = Math.max(w, Draw.width(Draw.TITLE, title()) + 2 * Draw.MARGIN);
        return new Dimension((int) Math.ceil(w), (int) Math.ceil(top() + h));
    }

    private String title() {
        return comparison.title() == null ? "" : comparison.title();
    }

    private double top() {
        return title().isBlank() ? 0 : Draw.MARGIN + Draw.lineHeight(Draw.TITLE) + 4;
    }

    /**
     * Where panel {@code i} goes in a figure of this size. Width beyond (or short of) the preferred size is shared
     * equally, so panels over the same axes keep plots of the same width.
     */
    public Rectangle2D panelBounds(int i, double width, double height) {
        int n = panels.size();
        double preferred = GAP * (n - 1);
        for (HeatmapFigure p : panels) {
            preferred += p.preferredSize().width;
        }
        double extra = (width - preferred) / n;
        double x = 0;
        for (int k = 0; k < i; k++) {
            x += Math.max(10, panels.get(k).preferredSize().width + extra) + GAP;
        }
        double w = Math.max(10, panels.get(i).preferredSize().width + extra);
        double top = top();
        return new Rectangle2D.Double(x, top, w, Math.max(10, height - top));
    }

    /** Where panel {@code i}'s cells go in a figure of this size (figure units). */
    public Rectangle2D plotBounds(int i, double width, double height) {
        Rectangle2D panel = panelBounds(i, width, height);
        Rectangle2D plot = panels.get(i).plotBounds(panel.getWidth(), panel.getHeight());
        return new Rectangle2D.Double(panel.getX() + plot.getX(), panel.getY() + plot.getY(), plot.getWidth(),
                plot.getHeight());
    }

    @Override
    public void paint(Graphics2D g, double width, double height) {
        Draw.setup(g);
        Draw.background(g, width, height);
        if (!title().isBlank()) {
            g.setColor(Draw.TEXT);
            Draw.text(g, Draw.TITLE, title(), width / 2, Draw.MARGIN, 0.5, Draw.V.TOP);
        }
        boolean svg = g instanceof SVGGraphics2D;
        for (int i = 0; i < panels.size(); i++) {
            Rectangle2D b = panelBounds(i, width, height);
            AffineTransform saved = g.getTransform();
            if (svg) {
                g.setRenderingHint(SVGHints.KEY_BEGIN_GROUP, "panel-" + i);
            }
            g.translate(b.getX(), b.getY());
            panels.get(i).paint(g, b.getWidth(), b.getHeight());
            g.setTransform(saved);
            if (svg) {
                g.setRenderingHint(SVGHints.KEY_END_GROUP, "true");
            }
        }
    }
}
