package dev.loupe.viewers.export;

import dev.loupe.plugin.result.SeriesResult;
import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import org.jfree.chart.JFreeChart;

/** A {@link SeriesResult} as the JFreeChart from {@link SeriesCharts}, which draws onto any Graphics2D. */
public final class SeriesFigure implements Figure {
    private final JFreeChart chart;

    public SeriesFigure(SeriesResult r) {
        chart = SeriesCharts.create(r);
    }

    public JFreeChart chart() {
        return chart;
    }

    @Override
    public Dimension preferredSize() {
        return new Dimension(640, 400);
    }

    @Override
    public void paint(Graphics2D g, double width, double height) {
        Draw.setup(g);
        Draw.background(g, width, height);
        chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
    }
}
