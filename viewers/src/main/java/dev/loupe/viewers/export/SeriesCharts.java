package dev.loupe.viewers.export;

import dev.loupe.plugin.result.SeriesResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.title.LegendTitle;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Builds the JFreeChart for a {@link SeriesResult}, styled for print. The view shows it in a ChartViewer and the
 * exporter draws the same chart onto a BufferedImage or an SVGGraphics2D. AWT only, no JavaFX.
 */
public final class SeriesCharts {
    private SeriesCharts() {
    }

    /** Okabe-Ito: distinguishable for the common colour-vision deficiencies and in print. */
    public static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0xF0E442)};

    static {
        // JFreeChart's default draws rotated text (the y axis title) as a TextLayout, which JFreeSVG can only write
        // as glyph outlines; drawString keeps it a <text> element that can be edited and searched.
        TextUtils.setUseDrawRotatedStringWorkaround(false);
    }

    /** Beyond this many x labels a line chart uses a numeric axis: category labels would overlap. */
    static final int MAX_CATEGORY_LABELS = 60;

    /** An x position: the label and which occurrence of it this is, so repeated tokens stay separate points. */
    record XKey(String label, int occurrence) implements Comparable<XKey> {
        @Override
        public int compareTo(XKey o) {
            int c = label.compareTo(o.label);
            return c != 0 ? c : Integer.compare(occurrence, o.occurrence);
        }

        @Override
        public String toString() {
            return Labels.display(label, 16);
        }
    }

    public static JFreeChart create(SeriesResult r) {
        List<XKey> xs = unionOfX(r);
        boolean numeric = xs.stream().allMatch(k -> parse(k.label) != null);
        boolean line = r.kind() != SeriesResult.Kind.BAR;
        JFreeChart chart = line && (numeric || xs.size() > MAX_CATEGORY_LABELS)
                ? xyChart(r, numeric)
                : categoryChart(r);
        style(chart, r.series().size() > 1);
        return chart;
    }

    private static JFreeChart categoryChart(SeriesResult r) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (SeriesResult.Series s : r.series()) {
            List<XKey> keys = keysOf(s.xLabels());
            for (int i = 0; i < keys.size(); i++) {
                data.addValue(finite(s.y()[i]), s.name(), keys.get(i));
            }
        }
        boolean bar = r.kind() == SeriesResult.Kind.BAR;
        JFreeChart chart = bar
                ? ChartFactory.createBarChart(r.title(), r.xLabel(), r.yLabel(), data, PlotOrientation.VERTICAL, true, true, false)
                : ChartFactory.createLineChart(r.title(), r.xLabel(), r.yLabel(), data, PlotOrientation.VERTICAL, true, true, false);
        CategoryPlot plot = chart.getCategoryPlot();
        CategoryAxis x = plot.getDomainAxis();
        if (data.getColumnCount() > 12) {
            x.setCategoryLabelPositions(CategoryLabelPositions.UP_90);
        }
        x.setCategoryMargin(bar ? 0.15 : 0);
        x.setLowerMargin(0.02);
        x.setUpperMargin(0.02);
        plot.setRangeAxis(rangeAxis(r, bar));
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlineStroke(new BasicStroke(0.75f));
        if (bar) {
            BarRenderer renderer = (BarRenderer) plot.getRenderer();
            renderer.setBarPainter(new StandardBarPainter());
            renderer.setShadowVisible(false);
            renderer.setDrawBarOutline(false);
            renderer.setItemMargin(0.05);
            for (int i = 0; i < r.series().size(); i++) {
                renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            }
        } else {
            LineAndShapeRenderer renderer = (LineAndShapeRenderer) plot.getRenderer();
            renderer.setDefaultShapesVisible(data.getColumnCount() <= 40);
            for (int i = 0; i < r.series().size(); i++) {
                renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
                renderer.setSeriesStroke(i, new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                renderer.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6));
            }
        }
        return chart;
    }

    private static JFreeChart xyChart(SeriesResult r, boolean numeric) {
        Map<XKey, Integer> index = new HashMap<>();
        for (XKey k : unionOfX(r)) {
            index.put(k, index.size());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        for (SeriesResult.Series s : r.series()) {
            XYSeries xy = new XYSeries(s.name(), false, true);
            List<XKey> keys = keysOf(s.xLabels());
            for (int i = 0; i < keys.size(); i++) {
                double x = numeric ? parse(keys.get(i).label) : index.get(keys.get(i));
                xy.add(x, finite(s.y()[i]));
            }
            data.addSeries(xy);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(r.title(), r.xLabel(), r.yLabel(), data,
                PlotOrientation.VERTICAL, true, true, false);
        XYPlot plot = chart.getXYPlot();
        // A line over many token labels is drawn against their index: whole-numbered ticks.
        NumberAxis x = ChartAxes.linear(r.xLabel(), !numeric);
        x.setAutoRangeIncludesZero(false);
        plot.setDomainAxis(x);
        plot.setRangeAxis(rangeAxis(r, false));
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setDomainGridlineStroke(new BasicStroke(0.75f));
        plot.setRangeGridlineStroke(new BasicStroke(0.75f));
        XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) plot.getRenderer();
        int points = r.series().stream().mapToInt(s -> s.y().length).max().orElse(0);
        renderer.setDefaultShapesVisible(points <= 40);
        for (int i = 0; i < r.series().size(); i++) {
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            renderer.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6));
        }
        return chart;
    }

    /** The y axis: ranks on an inverted log axis (1 at the top), other values linear, bars from zero. */
    private static ValueAxis rangeAxis(SeriesResult r, boolean fromZero) {
        if (r.kind() == SeriesResult.Kind.RANK) {
            return ChartAxes.rank(r.yLabel());
        }
        NumberAxis y = ChartAxes.linear(r.yLabel(), false);
        y.setAutoRangeIncludesZero(fromZero);
        return y;
    }

    private static void style(JFreeChart chart, boolean legend) {
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new org.jfree.chart.ui.RectangleInsets(Draw.MARGIN, Draw.MARGIN, Draw.MARGIN, Draw.MARGIN));
        if (chart.getTitle() != null) {
            chart.getTitle().setFont(Draw.TITLE);
            chart.getTitle().setPaint(Draw.TEXT);
        }
        LegendTitle lt = chart.getLegend();
        if (lt != null) {
            lt.setVisible(legend);
            lt.setItemFont(Draw.LABEL);
            lt.setFrame(BlockBorder.NONE);
            lt.setBackgroundPaint(Color.WHITE);
        }
        Plot plot = chart.getPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(Draw.FRAME);
        plot.setOutlineStroke(Draw.HAIRLINE);
        List<Axis> axes = new ArrayList<>();
        if (plot instanceof CategoryPlot cp) {
            axes.add(cp.getDomainAxis());
            axes.add(cp.getRangeAxis());
        } else if (plot instanceof XYPlot xp) {
            axes.add(xp.getDomainAxis());
            axes.add(xp.getRangeAxis());
        }
        for (Axis a : axes) {
            a.setLabelFont(Draw.AXIS_TITLE);
            a.setLabelPaint(Draw.TEXT);
            a.setTickLabelFont(Draw.LABEL);
            a.setTickLabelPaint(Draw.TEXT);
            a.setAxisLinePaint(Draw.FRAME);
            a.setTickMarkPaint(Draw.FRAME);
        }
    }

    private static List<XKey> keysOf(List<String> labels) {
        Map<String, Integer> seen = new HashMap<>();
        List<XKey> out = new ArrayList<>(labels.size());
        for (String l : labels) {
            int n = seen.merge(l, 1, Integer::sum) - 1;
            out.add(new XKey(l, n));
        }
        return out;
    }

    private static List<XKey> unionOfX(SeriesResult r) {
        Set<XKey> all = new LinkedHashSet<>();
        for (SeriesResult.Series s : r.series()) {
            all.addAll(keysOf(s.xLabels()));
        }
        return new ArrayList<>(all);
    }

    private static Double parse(String s) {
        try {
            double d = Double.parseDouble(s.strip());
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // JFreeChart draws a gap for null; NaN or infinity would corrupt the axis range.
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
