package dev.loupe.viewers.series;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.SeriesResult;
import dev.loupe.viewers.ResultPane;
import dev.loupe.viewers.ViewStates;
import dev.loupe.viewers.export.SeriesCharts;
import javafx.scene.Node;
import javafx.scene.layout.BorderPane;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;

/**
 * A {@link SeriesResult} as a line or bar chart in JFreeChart's ChartViewer (drag to zoom, tooltips), built by
 * {@link SeriesCharts} so that it is the same chart the figure export draws. The view state keeps a zoomed axis range.
 */
public final class SeriesView extends ResultPane<SeriesResult> {
    private final JFreeChart chart;
    private final ChartViewer viewer;

    public SeriesView(SeriesResult result) {
        super(result);
        this.chart = SeriesCharts.create(result);
        this.viewer = new ChartViewer(chart);
        viewer.setPrefSize(640, 400);
        getStyleClass().add("loupe-series");
        setCenter(viewer);
    }

    public JFreeChart chart() {
        return chart;
    }

    public ChartViewer viewer() {
        return viewer;
    }

    @Override
    public JsonObject viewState() {
        JsonObject o = new JsonObject();
        ValueAxis range = rangeAxis();
        if (!range.isAutoRange()) {
            o.addProperty("rangeLower", range.getLowerBound());
            o.addProperty("rangeUpper", range.getUpperBound());
        }
        ValueAxis domain = domainAxis();
        if (domain != null && !domain.isAutoRange()) {
            o.addProperty("domainLower", domain.getLowerBound());
            o.addProperty("domainUpper", domain.getUpperBound());
        }
        return o;
    }

    @Override
    public void restoreViewState(JsonObject state) {
        restore(rangeAxis(), state, "rangeLower", "rangeUpper");
        ValueAxis domain = domainAxis();
        if (domain != null) {
            restore(domain, state, "domainLower", "domainUpper");
        }
    }

    private static void restore(ValueAxis axis, JsonObject state, String lowerKey, String upperKey) {
        double lo = ViewStates.getDouble(state, lowerKey, Double.NaN);
        double hi = ViewStates.getDouble(state, upperKey, Double.NaN);
        if (lo < hi) {
            axis.setRange(lo, hi);
        } else {
            axis.setAutoRange(true);
        }
    }

    private ValueAxis rangeAxis() {
        return chart.getPlot() instanceof XYPlot xy ? xy.getRangeAxis() : ((CategoryPlot) chart.getPlot()).getRangeAxis();
    }

    /** Numeric x axis of a line chart over many points; category charts have none. */
    private ValueAxis domainAxis() {
        return chart.getPlot() instanceof XYPlot xy ? xy.getDomainAxis() : null;
    }
}
