package dev.loupe.viewers.heatmap;

import static dev.loupe.viewers.FxTestSupport.distance;
import static dev.loupe.viewers.FxTestSupport.fx;
import static dev.loupe.viewers.FxTestSupport.fxRun;
import static dev.loupe.viewers.FxTestSupport.hex;
import static dev.loupe.viewers.FxTestSupport.pixel;
import static dev.loupe.viewers.FxTestSupport.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.Samples;
import dev.loupe.viewers.color.ColorMap;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.geometry.VerticalDirection;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

@ExtendWith(ApplicationExtension.class)
class HeatmapViewTest {

    private StackPane root;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        root = new StackPane();
        stage.setScene(new Scene(root, 800, 640));
        stage.show();
    }

    private HeatmapView show(MatrixResult m) {
        HeatmapView view = fx(() -> new HeatmapView(m));
        fxRun(() -> root.getChildren().setAll(view));
        return view;
    }

    private static Point2D centre(Bounds b) {
        return new Point2D(b.getCenterX(), b.getCenterY());
    }

    private static void assertCellColour(HeatmapView view, WritableImage img, int r, int c) {
        Point2D p = centre(view.cellBounds(r, c));
        int expected = view.colorScale().argb(view.matrix().get(r, c));
        int actual = pixel(img, p.getX(), p.getY());
        assertTrue(distance(expected, actual) <= 2,
                "cell (" + r + "," + c + ") expected " + hex(expected) + " but the canvas shows " + hex(actual));
    }

    @Test
    void cellColourMatchesTheColourMapForItsValue() {
        HeatmapView view = show(Samples.ramp(6, 8));
        WritableImage img = snapshot(view.canvas());
        assertEquals(HeatmapView.DrawMode.CELLS, view.renderStats().mode());
        assertCellColour(view, img, 0, 0);
        assertCellColour(view, img, 2, 5);
        assertCellColour(view, img, 5, 7);
        // The ramp runs the full scale: the first and last cells are viridis' end colours.
        Point2D first = centre(view.cellBounds(0, 0));
        Point2D last = centre(view.cellBounds(5, 7));
        assertEquals(hex(ColorMap.VIRIDIS.argb(0)), hex(pixel(img, first.getX(), first.getY())));
        assertEquals(hex(ColorMap.VIRIDIS.argb(1)), hex(pixel(img, last.getX(), last.getY())));
    }

    /** A "massive activation": one column a thousand times the rest, which a full colour range would flatten. */
    @Test
    void aFewHugeValuesCanBeClippedOutOfTheColourRangeAndTheFigureFollows(FxRobot robot) throws Exception {
        // 20 tokens x 256 dimensions, one dimension 1,000 times the rest (0.4% of the values), as in GPT-2.
        MatrixResult massive = Samples.matrix("acts", 20, 256, false, (r, c) -> c == 3 ? 1000f : (r * 256 + c) / 5120f);
        HeatmapView view = show(massive);
        javafx.scene.control.ToggleButton clip = (javafx.scene.control.ToggleButton) view.lookup("#heatmap-clip-outliers");
        assertTrue(clip != null, "offered when a few values dwarf the rest");
        double flat = distance(pixelOf(view, 1, 1), pixelOf(view, 18, 250));
        assertTrue(flat < 8, "full range: the bulk is all but one colour (" + flat + ")");

        robot.interact(() -> clip.setSelected(true));
        assertTrue(view.colorScale().isClipped());
        double spread = distance(pixelOf(view, 1, 1), pixelOf(view, 18, 250));
        assertTrue(spread > 100, "clipped: the bulk spreads over the map (" + spread + ")");
        JsonObject state = fx(view::viewState);
        assertTrue(state.get(dev.loupe.viewers.export.FigureExporter.CLIP_OUTLIERS).getAsBoolean());
        var figure = assertInstanceOf(dev.loupe.viewers.export.HeatmapFigure.class,
                dev.loupe.viewers.export.FigureExporter.figure(massive, state));
        assertTrue(figure.scale().isClipped(), "the exported figure is coloured as the view is");

        HeatmapView again = show(massive);
        fxRun(() -> again.restoreViewState(state));
        assertTrue(fx(again::isClipOutliers), "the session brings the choice back");

        assertEquals(null, show(Samples.ramp(6, 8)).lookup("#heatmap-clip-outliers"), "not offered without outliers");
    }

    private int pixelOf(HeatmapView view, int r, int c) {
        WritableImage img = snapshot(view.canvas());
        Point2D p = centre(view.cellBounds(r, c));
        return pixel(img, p.getX(), p.getY());
    }

    @Test
    void thePluginsSummaryFiguresAreShownUnderThePlotAndOnlyWhenThereAreSome() {
        MatrixResult plain = Samples.ramp(3, 3);
        MatrixResult withStats = new MatrixResult("lens", 3, 3, plain.values(), plain.rowLabels(), plain.colLabels(),
                "layer", "position", "probability", false, java.util.Map.of("KL after training (nats)", 0.4125,
                "KL before training (nats)", 2.5));
        HeatmapView view = show(withStats);
        javafx.scene.control.Label stats = (javafx.scene.control.Label) view.lookup("#heatmap-stats");
        assertEquals("KL after training (nats) 0.4125   ·   KL before training (nats) 2.5", fx(stats::getText));
        MatrixResult none = new MatrixResult("plain", 3, 3, plain.values(), plain.rowLabels(), plain.colLabels(),
                "layer", "position", "probability", false, java.util.Map.of());
        assertEquals(null, show(none).lookup("#heatmap-stats"));
    }

    @Test
    void divergingMatrixIsWhiteAtZeroAndBlueBelow() {
        MatrixResult m = Samples.matrix("diff", 3, 3, true, (r, c) -> (r - 1) * 2f + (c - 1) * 0f);
        HeatmapView view = show(m);
        WritableImage img = snapshot(view.canvas());
        Point2D zero = centre(view.cellBounds(1, 1));
        Point2D neg = centre(view.cellBounds(0, 1));
        assertEquals("#ffffff", hex(pixel(img, zero.getX(), zero.getY())));
        assertEquals(hex(ColorMap.BLUE_WHITE_RED.argb(0)), hex(pixel(img, neg.getX(), neg.getY())));
    }

    @Test
    void hoverShowsRowLabelColumnLabelAndValue(FxRobot robot) {
        MatrixResult m = Samples.matrix("attn", 4, 5, false, (r, c) -> r * 0.1f + c * 0.01f);
        HeatmapView view = show(m);
        Point2D local = centre(view.cellBounds(2, 3));
        robot.moveTo(fx(() -> view.canvas().localToScreen(local)));
        String text = view.hoverTextProperty().get();
        assertTrue(text.contains("query: q2"), text);
        assertTrue(text.contains("key: k3"), text);
        assertTrue(text.contains("attention: 0.23"), text);
        assertTrue(fx(() -> view.hoverTooltip().isShowing()), "tooltip should be showing");
        assertEquals(text, fx(() -> view.hoverTooltip().getText()));

        robot.moveTo(fx(() -> view.canvas().localToScreen(centre(view.cellBounds(0, 0)))));
        assertTrue(view.hoverTextProperty().get().contains("query: q0"), view.hoverTextProperty().get());
    }

    @Test
    void keyboardZoomShrinksTheVisibleRange(FxRobot robot) {
        HeatmapView view = show(Samples.ramp(40, 40));
        HeatmapView.RenderStats before = view.renderStats();
        assertEquals(40, before.lastRow() - before.firstRow());
        assertEquals(40, before.lastCol() - before.firstCol());
        fxRun(view::requestFocus);
        robot.type(KeyCode.EQUALS).type(KeyCode.EQUALS).type(KeyCode.EQUALS);
        HeatmapView.RenderStats after = view.renderStats();
        assertTrue(view.getZoom() > 1.9, "zoom " + view.getZoom());
        int rows = after.lastRow() - after.firstRow();
        int cols = after.lastCol() - after.firstCol();
        assertTrue(rows < 25 && cols < 25, "visible " + rows + " x " + cols + " after zooming in");
        assertTrue(after.cellsTouched() <= (long) rows * cols, "drew only visible cells");

        robot.type(KeyCode.DIGIT0);
        assertEquals(1, view.getZoom(), 1e-9);
        assertEquals(40, view.renderStats().lastRow() - view.renderStats().firstRow());
    }

    @Test
    void ctrlScrollZoomsAboutThePointer(FxRobot robot) {
        HeatmapView view = show(Samples.ramp(30, 30));
        fxRun(() -> view.setZoom(5)); // from here neither direction reaches a limit that would clamp the scroll
        Point2D local = centre(view.cellBounds(16, 14));
        robot.moveTo(fx(() -> view.canvas().localToScreen(local)));
        // Which way a wheel notch zooms depends on the platform's sign convention; that it zooms does not.
        robot.press(KeyCode.CONTROL).scroll(3, VerticalDirection.UP).release(KeyCode.CONTROL);
        assertNotEquals(5, view.getZoom(), 0.05);
        // The cell that was under the pointer is still under it.
        assertTrue(view.cellBounds(16, 14).contains(local), "cell (16,14) moved away from the pointer");
        HeatmapView.RenderStats s = view.renderStats();
        assertEquals(Math.min(30, Math.ceil(30 / view.getZoom() + 1)), s.lastRow() - s.firstRow(), 1.0);
    }

    @Test
    void dragPansTheView(FxRobot robot) {
        HeatmapView view = show(Samples.ramp(50, 50));
        fxRun(() -> view.setZoom(5));
        double row = view.getOriginRow();
        double col = view.getOriginCol();
        Point2D from = fx(() -> view.canvas().localToScreen(centre(view.plotBounds())));
        robot.drag(from).moveBy(-120, -80).release(javafx.scene.input.MouseButton.PRIMARY);
        assertTrue(view.getOriginCol() > col + 1, "dragging left moves the view right: " + col + " -> " + view.getOriginCol());
        assertTrue(view.getOriginRow() > row + 1, "dragging up moves the view down: " + row + " -> " + view.getOriginRow());
        assertEquals(-1, view.getSelectedRow(), "a drag is not a click");
    }

    @Test
    void thousandByThousandDrawsFromARasterAndZoomedOnlyTheVisibleCells() {
        int n = 1000;
        MatrixResult m = Samples.matrix("big", n, n, false, (r, c) -> ((r * 31 + c * 17) % 101) / 100f);
        HeatmapView view = show(m);
        HeatmapView.RenderStats fit = view.renderStats();
        assertEquals(HeatmapView.DrawMode.IMAGE, fit.mode());
        assertTrue(fit.downsampleX() >= 2 && fit.downsampleY() >= 2, "cells are below a pixel: " + fit);
        assertTrue(fit.cellsTouched() < (long) n * n / 3, "a downsampled blit, not a million cells: " + fit);

        double base = view.plotBounds().getWidth() / n;
        fxRun(() -> {
            view.setZoom(20 / base);
            view.scrollTo(500, 600);
        });
        HeatmapView.RenderStats zoomed = view.renderStats();
        assertEquals(HeatmapView.DrawMode.CELLS, zoomed.mode());
        assertEquals(500, zoomed.firstRow());
        assertEquals(600, zoomed.firstCol());
        long visible = (long) (zoomed.lastRow() - zoomed.firstRow()) * (zoomed.lastCol() - zoomed.firstCol());
        assertEquals(visible, zoomed.cellsTouched());
        Bounds cell = view.cellBounds(0, 0);
        long bound = (long) (Math.ceil(view.plotBounds().getWidth() / cell.getWidth()) + 1)
                * (long) (Math.ceil(view.plotBounds().getHeight() / cell.getHeight()) + 1);
        assertTrue(visible <= bound, visible + " cells drawn, at most " + bound + " fit");

        WritableImage img = snapshot(view.canvas());
        assertCellColour(view, img, 505, 607);
        assertCellColour(view, img, 510, 612);
    }

    @Test
    void intermediateZoomDrawsTheFullResolutionRaster() {
        int n = 1000;
        MatrixResult m = Samples.matrix("big", n, n, false, (r, c) -> ((r * 7 + c * 3) % 50) / 49f);
        HeatmapView view = show(m);
        double base = Math.min(view.plotBounds().getWidth(), view.plotBounds().getHeight()) / n;
        fxRun(() -> {
            view.setZoom(3 / base); // 3-pixel cells: below the per-cell threshold, above a pixel
            view.scrollTo(100, 100);
        });
        HeatmapView.RenderStats s = view.renderStats();
        assertEquals(HeatmapView.DrawMode.IMAGE, s.mode());
        assertEquals(1, s.downsampleX());
        WritableImage img = snapshot(view.canvas());
        // Sampled at the cell's centre: nearest-neighbour scaling may place a cell edge up to a pixel off.
        Bounds b = view.cellBounds(150, 160);
        int expected = view.colorScale().argb(m.get(150, 160));
        int actual = pixel(img, b.getMinX() + b.getWidth() * 0.5, b.getMinY() + b.getHeight() * 0.5);
        assertTrue(distance(expected, actual) <= 2, hex(expected) + " vs " + hex(actual));
    }

    @Test
    void clickingACellOrARowLabelSelectsAndHighlightsTheRow(FxRobot robot) {
        HeatmapView view = show(Samples.ramp(6, 6));
        robot.clickOn(fx(() -> view.canvas().localToScreen(centre(view.cellBounds(3, 2)))));
        assertEquals(3, view.getSelectedRow());
        WritableImage img = snapshot(view.canvas());
        Bounds row = view.cellBounds(3, 0);
        // The highlight outline runs along the row's top edge, in the accent colour or its white halo.
        int edge = pixel(img, view.plotBounds().getMinX() + 20, row.getMinY());
        assertNotEquals(hex(view.colorScale().argb(view.matrix().get(3, 0))), hex(edge));

        Bounds plot = view.plotBounds();
        Point2D label = new Point2D(plot.getMinX() - 12, centre(view.cellBounds(1, 0)).getY());
        robot.clickOn(fx(() -> view.canvas().localToScreen(label)));
        assertEquals(1, view.getSelectedRow());
        robot.type(KeyCode.DOWN);
        assertEquals(2, view.getSelectedRow());
        robot.type(KeyCode.ESCAPE);
        assertEquals(-1, view.getSelectedRow());
    }

    @Test
    void viewStateRoundTrips() {
        HeatmapView view = show(Samples.ramp(100, 100));
        fxRun(() -> {
            view.setZoom(4);
            view.scrollTo(30, 40);
            view.setSelectedRow(35);
        });
        JsonObject state = fx(view::viewState);
        HeatmapView other = show(Samples.ramp(100, 100));
        fxRun(() -> other.restoreViewState(state));
        assertEquals(4, other.getZoom(), 1e-9);
        assertEquals(30, other.getOriginRow(), 1e-9);
        assertEquals(40, other.getOriginCol(), 1e-9);
        assertEquals(35, other.getSelectedRow());
        assertEquals(30, other.renderStats().firstRow());

        JsonObject junk = new JsonObject();
        junk.addProperty("zoom", "big");
        junk.addProperty("selectedRow", 10_000);
        fxRun(() -> other.restoreViewState(junk));
        assertEquals(1, other.getZoom(), 1e-9);
        assertEquals(-1, other.getSelectedRow());
    }

    @Test
    void colourBarShowsTheScaleBesideThePlot() {
        HeatmapView view = show(Samples.ramp(5, 5));
        WritableImage bar = snapshot(view.colorBar());
        double top = fx(() -> view.colorBar().yOf(view.colorScale().max()));
        double bottom = fx(() -> view.colorBar().yOf(view.colorScale().min()));
        assertEquals(view.plotBounds().getMinY(), top, 1.0, "bar starts level with the plot");
        int hi = pixel(bar, 15, top + 3);
        int lo = pixel(bar, 15, bottom - 3);
        assertTrue(distance(ColorMap.VIRIDIS.argb(1), hi) <= 12, hex(hi));
        assertTrue(distance(ColorMap.VIRIDIS.argb(0), lo) <= 12, hex(lo));
    }

    /** A 15-token lens as the app's default tab shows it: about 950 x 600 for the whole view. */
    private HeatmapView showFifteenTokens() {
        fxRun(() -> stage.setWidth(950));
        fxRun(() -> stage.setHeight(600));
        return show(Samples.textMatrix(5, 15, (r, c) -> (r * 15 + c) / 75f));
    }

    @Test
    void fifteenPositionsFitBesideTheColourBarWithoutScrollBars() {
        HeatmapView view = showFifteenTokens();
        Bounds last = view.cellBounds(4, 14);
        Bounds plot = view.plotBounds();
        assertTrue(last.getMaxX() <= plot.getMaxX() + 0.5, "last column inside the plot: " + last + " " + plot);
        assertTrue(plot.getMaxX() <= fx(() -> view.canvas().getWidth()), "the plot lies on the canvas");
        double lastRight = fx(() -> view.canvas().localToScene(last).getMaxX());
        double barLeft = fx(() -> view.colorBar().localToScene(view.colorBar().getLayoutBounds()).getMinX());
        assertTrue(lastRight <= barLeft, "the last column is left of the colour bar: " + lastRight + " " + barLeft);
        assertEquals(15, view.renderStats().lastCol() - view.renderStats().firstCol(), "" + view.renderStats());
        assertEquals(15 * 5, view.renderStats().textsDrawn(), "text in every cell");
        assertTrue(!fx(() -> view.horizontalScrollBar().isVisible()), "nothing to scroll to");
        // Its pixels agree: the last cell has its own colour, not the bar's or the background.
        WritableImage img = snapshot(view.canvas());
        Bounds corner = new javafx.geometry.BoundingBox(last.getMinX(), last.getMinY(), 4, 4);
        assertCellColour(view, img, corner);
    }

    private static void assertCellColour(HeatmapView view, WritableImage img, Bounds at) {
        int expected = view.colorScale().argb(view.matrix().get(4, 14));
        int actual = pixel(img, at.getCenterX() + 1, at.getCenterY() + 1);
        assertTrue(distance(expected, actual) <= 2, hex(expected) + " vs " + hex(actual));
    }

    @Test
    void zoomedInTheScrollBarShowsAndScrollsAndFitReturns(FxRobot robot) {
        HeatmapView view = showFifteenTokens();
        fxRun(() -> view.setZoom(2));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(fx(() -> view.horizontalScrollBar().isVisible()), "cells beyond the pane: a visible bar");
        assertTrue(fx(() -> view.verticalScrollBar().isVisible()));
        Bounds bar = fx(() -> view.horizontalScrollBar().localToScene(view.horizontalScrollBar().getLayoutBounds()));
        assertTrue(bar.getMinY() >= fx(() -> view.canvas().localToScene(view.plotBounds()).getMaxY()),
                "the bar is under the cells, not over them");
        fxRun(() -> view.horizontalScrollBar().setValue(view.horizontalScrollBar().getMax()));
        assertEquals(2, view.getZoom(), 1e-9);
        assertEquals(15 - 15 / 2.0, view.getOriginCol(), 1e-6, "the bar scrolls the view to the end");
        assertEquals(15, view.renderStats().lastCol());

        // The read-out names the cell now under the mouse, in the scrolled content.
        Bounds cell = view.cellBounds(view.renderStats().firstRow() + 1, 14);
        robot.moveTo(fx(() -> view.canvas().localToScreen(centre(cell))));
        assertTrue(view.hoverTextProperty().get().contains("[14]"), view.hoverTextProperty().get());

        fxRun(view::requestFocus);
        robot.type(KeyCode.F);
        assertEquals(1, view.getZoom(), 1e-9, "F fits again");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(!fx(() -> view.horizontalScrollBar().isVisible()), "and the bar goes");
        fxRun(() -> view.setZoom(1.5));
        robot.clickOn("#heatmap-fit");
        assertEquals(1, view.getZoom(), 1e-9, "so does the Fit button");
    }
}
