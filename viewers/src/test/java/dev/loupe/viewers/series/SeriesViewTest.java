package dev.loupe.viewers.series;

import static dev.loupe.viewers.FxTestSupport.fx;
import static dev.loupe.viewers.FxTestSupport.fxRun;
import static dev.loupe.viewers.FxTestSupport.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.SeriesResult;
import dev.loupe.viewers.export.SeriesCharts;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import javafx.scene.Scene;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.ui.RectangleEdge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class SeriesViewTest {
    private StackPane root;

    @Start
    void start(Stage stage) {
        root = new StackPane();
        stage.setScene(new Scene(root, 700, 450));
        stage.show();
    }

    private static final SeriesResult PROB = new SeriesResult("Probability across layers", "layer", "p",
            SeriesResult.Kind.LINE, List.of(
                    new SeriesResult.Series("target", List.of("L0", "L1", "L2", "L3"), new double[] {0.01, 0.1, 0.6, 0.9}),
                    new SeriesResult.Series("rival", List.of("L0", "L1", "L2", "L3"), new double[] {0.2, 0.3, 0.1, 0.05})));

    private static int count(WritableImage img, Color c) {
        PixelReader px = img.getPixelReader();
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = px.getArgb(x, y);
                if (Math.abs((p >> 16 & 255) - c.getRed()) < 12 && Math.abs((p >> 8 & 255) - c.getGreen()) < 12
                        && Math.abs((p & 255) - c.getBlue()) < 12) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void lineChartRendersBothSeries() {
        SeriesView view = fx(() -> new SeriesView(PROB));
        fxRun(() -> root.getChildren().setAll(view));
        CategoryPlot plot = view.chart().getCategoryPlot();
        assertEquals(2, plot.getDataset().getRowCount());
        assertEquals(4, plot.getDataset().getColumnCount());
        WritableImage img = snapshot(view.viewer());
        assertTrue(img.getWidth() > 600, "the viewer fills the stage");
        assertTrue(count(img, SeriesCharts.PALETTE[0]) > 200, "first series drawn");
        assertTrue(count(img, SeriesCharts.PALETTE[1]) > 200, "second series drawn");
    }

    @Test
    void barChartRenders() {
        SeriesResult bars = new SeriesResult("DLA", "component", "logit diff", SeriesResult.Kind.BAR,
                List.of(new SeriesResult.Series("d", List.of("embed", "L0 attn", "L0 mlp", "L1 attn"),
                        new double[] {0.3, -1.2, 2.0, 0.8})));
        SeriesView view = fx(() -> new SeriesView(bars));
        fxRun(() -> root.getChildren().setAll(view));
        assertTrue(count(snapshot(view.viewer()), SeriesCharts.PALETTE[0]) > 3000, "bars are filled");
    }

    /** The ticks the view's y axis drew in its last paint, read back from the chart's rendering info. */
    @SuppressWarnings("unchecked")
    private static List<NumberTick> drawnYTicks(SeriesView view) {
        return fx(() -> {
            Rectangle2D area = view.viewer().getRenderingInfo().getPlotInfo().getDataArea();
            ValueAxis y = view.chart().getCategoryPlot().getRangeAxis();
            BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = scratch.createGraphics();
            try {
                return (List<NumberTick>) y.refreshTicks(g, new AxisState(), area, RectangleEdge.LEFT);
            } finally {
                g.dispose();
            }
        });
    }

    @Test
    void onScreenTheProbabilityAxisHasFourToEightRoundTicks() {
        SeriesView view = fx(() -> new SeriesView(PROB));
        fxRun(() -> root.getChildren().setAll(view));
        snapshot(view.viewer());
        List<NumberTick> ticks = drawnYTicks(view);
        assertTrue(ticks.size() >= 4 && ticks.size() <= 8, "ticks " + ticks);
        double step = ticks.get(1).getValue() - ticks.get(0).getValue();
        assertTrue(List.of(0.1, 0.2, 0.25).stream().anyMatch(r -> Math.abs(step - r) < 1e-9), "round step " + step);
    }

    @Test
    void onScreenRanksReadOneAtTheTopOfALogAxis() {
        SeriesResult rank = new SeriesResult("rank of ' Paris'", "layer", "rank (1 = top)", SeriesResult.Kind.RANK,
                List.of(new SeriesResult.Series("rank", List.of("embed", "L1 pre", "L2 pre", "final"),
                        new double[] {4211, 57, 3, 1})));
        SeriesView view = fx(() -> new SeriesView(rank));
        fxRun(() -> root.getChildren().setAll(view));
        snapshot(view.viewer());
        ValueAxis y = view.chart().getCategoryPlot().getRangeAxis();
        assertInstanceOf(LogAxis.class, y);
        List<NumberTick> ticks = drawnYTicks(view);
        assertTrue(ticks.size() >= 4 && ticks.size() <= 8, "ticks " + ticks);
        assertEquals(1, ticks.get(0).getValue(), "rank 1 is a tick: " + ticks);
        assertEquals("1", ticks.get(0).getText());
        Rectangle2D area = fx(() -> view.viewer().getRenderingInfo().getPlotInfo().getDataArea());
        double top = y.valueToJava2D(1, area, RectangleEdge.LEFT);
        double worst = y.valueToJava2D(4211, area, RectangleEdge.LEFT);
        assertTrue(top < worst, "rank 1 above rank 4211");
        assertTrue(top - area.getMinY() < area.getHeight() * 0.1, "rank 1 near the top: " + top + " in " + area);
        // The final layer's point (rank 1) is drawn there, in the series colour.
        WritableImage img = snapshot(view.viewer());
        double x = view.chart().getCategoryPlot().getDomainAxis().getCategoryMiddle(3, 4, area, RectangleEdge.BOTTOM);
        int px = img.getPixelReader().getArgb((int) x, (int) top);
        Color c = SeriesCharts.PALETTE[0];
        assertTrue(Math.abs((px >> 16 & 255) - c.getRed()) < 24 && Math.abs((px & 255) - c.getBlue()) < 24,
                "the rank-1 point at (" + x + ", " + top + "): " + Integer.toHexString(px));
    }

    @Test
    void zoomedRangeIsKeptInTheViewState() {
        SeriesView view = fx(() -> new SeriesView(PROB));
        fxRun(() -> root.getChildren().setAll(view));
        assertFalse(fx(view::viewState).has("rangeLower"), "nothing to keep before zooming");
        fxRun(() -> view.chart().getCategoryPlot().getRangeAxis().setRange(0.2, 0.7));
        JsonObject state = fx(view::viewState);
        SeriesView other = fx(() -> new SeriesView(PROB));
        fxRun(() -> other.restoreViewState(state));
        assertEquals(0.2, other.chart().getCategoryPlot().getRangeAxis().getLowerBound(), 1e-9);
        assertEquals(0.7, other.chart().getCategoryPlot().getRangeAxis().getUpperBound(), 1e-9);
    }
}
