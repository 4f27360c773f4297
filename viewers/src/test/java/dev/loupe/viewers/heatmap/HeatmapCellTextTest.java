package dev.loupe.viewers.heatmap;

import static dev.loupe.viewers.FxTestSupport.fx;
import static dev.loupe.viewers.FxTestSupport.fxRun;
import static dev.loupe.viewers.FxTestSupport.hex;
import static dev.loupe.viewers.FxTestSupport.pixel;
import static dev.loupe.viewers.FxTestSupport.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.Samples;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The logit lens's look: per-cell text, readable default cell sizes, details on hover. */
@ExtendWith(ApplicationExtension.class)
class HeatmapCellTextTest {

    private StackPane root;

    @Start
    void start(Stage stage) {
        root = new StackPane();
        stage.setScene(new Scene(root, 800, 640));
        stage.show();
    }

    private HeatmapView show(MatrixResult m) {
        HeatmapView view = fx(() -> new HeatmapView(m));
        fxRun(() -> root.getChildren().setAll(view));
        return view;
    }

    private static double luminance(int argb) {
        return 0.299 * (argb >> 16 & 255) + 0.587 * (argb >> 8 & 255) + 0.114 * (argb & 255);
    }

    /** Pixels inside the cell (1 px in from its edges) darker than {@code below} or lighter than {@code above}. */
    private static int count(WritableImage img, Bounds cell, double below, double above) {
        int n = 0;
        for (int y = (int) Math.ceil(cell.getMinY()) + 1; y < (int) Math.floor(cell.getMaxY()) - 1; y++) {
            for (int x = (int) Math.ceil(cell.getMinX()) + 1; x < (int) Math.floor(cell.getMaxX()) - 1; x++) {
                double l = luminance(pixel(img, x, y));
                if (l < below || l > above) {
                    n++;
                }
            }
        }
        return n;
    }

    /** 2 x 2 cells: light (1.0, viridis yellow) on the diagonal, dark (0, viridis purple) off it. */
    private static MatrixResult checker(List<String> text) {
        return new MatrixResult("lens", 2, 2, new float[] {1, 0, 0, 1}, List.of("L0", "L1"), List.of("a", "b"),
                "layer", "position", "probability", false, Map.of(), text, null);
    }

    @Test
    void cellTextIsDarkOnLightCellsAndLightOnDarkOnes() {
        HeatmapView view = show(checker(List.of("MWMW", "MWMW", "MWMW", "MWMW")));
        WritableImage img = snapshot(view.canvas());
        assertEquals(4, view.renderStats().textsDrawn());
        Bounds light = view.cellBounds(0, 0);
        Bounds dark = view.cellBounds(0, 1);
        assertTrue(luminance(pixel(img, light.getMinX() + 3, light.getMinY() + 3)) > 180, "the cell is light");
        assertTrue(luminance(pixel(img, dark.getMinX() + 3, dark.getMinY() + 3)) < 80, "the cell is dark");
        int darkInLight = count(img, light, 60, 256);
        int lightInDark = count(img, dark, -1, 200);
        assertTrue(darkInLight > 20, "dark text pixels in the light cell: " + darkInLight);
        assertTrue(lightInDark > 20, "light text pixels in the dark cell: " + lightInDark);
        // The text sits at the cell's centre: its middle third holds them, its top-left corner none.
        Bounds middle = new javafx.geometry.BoundingBox(light.getMinX() + light.getWidth() / 3, light.getMinY(),
                light.getWidth() / 3, light.getHeight());
        assertTrue(count(img, middle, 60, 256) > 5, "text at the centre");
        Bounds corner = new javafx.geometry.BoundingBox(light.getMinX(), light.getMinY(), light.getWidth() / 4,
                light.getHeight() / 4);
        assertEquals(0, count(img, corner, 60, 256), "nothing in the corner");

        // The same matrix without text: no such pixels, so it is the text that made them.
        MatrixResult plain = new MatrixResult("lens", 2, 2, new float[] {1, 0, 0, 1}, List.of("L0", "L1"),
                List.of("a", "b"), "layer", "position", "probability", false, Map.of());
        HeatmapView bare = show(plain);
        WritableImage bareImg = snapshot(bare.canvas());
        assertEquals(0, count(bareImg, bare.cellBounds(0, 0), 60, 256));
        assertEquals(0, bare.renderStats().textsDrawn());
    }

    @Test
    void longTextIsCutToItsCell() {
        List<String> text = new ArrayList<>(List.of("", "", "", ""));
        text.set(0, "a very long token that would never fit in one cell".repeat(2));
        // All four cells light, so any text spilling from cell (0,0) into (0,1) would show as dark pixels there.
        MatrixResult m = new MatrixResult("lens", 2, 2, new float[] {1, 1, 1, 1}, List.of("L0", "L1"),
                List.of("a", "b"), "layer", "position", "probability", false, Map.of(), text, null);
        HeatmapView view = show(m);
        fxRun(() -> view.setZoom(0.01)); // a 2 x 2 text matrix at minimum zoom: still the whole plot, big cells
        WritableImage img = snapshot(view.canvas());
        assertTrue(count(img, view.cellBounds(0, 0), 60, 256) > 20, "the cut text is drawn");
        assertEquals(0, count(img, view.cellBounds(0, 1), 60, 256), "nothing spills into the next cell");
        assertEquals(1, view.renderStats().textsDrawn(), "empty text draws nothing");
    }

    @Test
    void defaultCellsAreWideEnoughToReadAndZoomingOutHidesTheText() {
        MatrixResult m = Samples.textMatrix(12, 200, (r, c) -> (r + c) % 2);
        HeatmapView view = show(m);
        Bounds cell = view.cellBounds(0, 0);
        assertTrue(cell.getWidth() >= HeatmapView.TEXT_CELL_W - 0.5, "readable width by default: " + cell);
        assertTrue(cell.getHeight() >= HeatmapView.TEXT_CELL_H - 0.5, "readable height by default: " + cell);
        HeatmapView.RenderStats s = view.renderStats();
        assertTrue(s.lastCol() < 200, "positions scroll instead of squeezing: " + s);
        assertEquals((long) (s.lastRow() - s.firstRow()) * (s.lastCol() - s.firstCol()), s.textsDrawn(),
                "text in every visible cell, and only those");

        // Cells between the per-cell drawing threshold and the text threshold: coloured cells, no text.
        double zoomFor20px = 20 / cell.getWidth();
        fxRun(() -> view.setZoom(zoomFor20px));
        Bounds small = view.cellBounds(0, 0);
        assertTrue(small.getWidth() < HeatmapView.TEXT_MIN_W && small.getWidth() >= HeatmapView.CELL_MODE_MIN_PX, "" + small);
        assertEquals(HeatmapView.DrawMode.CELLS, view.renderStats().mode());
        assertEquals(0, view.renderStats().textsDrawn());
        WritableImage img = snapshot(view.canvas());
        Bounds inner = view.cellBounds(1, 1);
        int expected = view.colorScale().argb(m.get(1, 1));
        for (int y = (int) inner.getMinY() + 2; y < inner.getMaxY() - 2; y++) {
            for (int x = (int) inner.getMinX() + 2; x < inner.getMaxX() - 2; x++) {
                assertEquals(hex(expected), hex(pixel(img, x, y)), "plain cell at " + x + "," + y);
            }
        }

        // Zoomed all the way out the whole matrix fits, as a plain heatmap does.
        fxRun(() -> view.setZoom(1e-6));
        assertEquals(200, view.renderStats().lastCol() - view.renderStats().firstCol());
        assertEquals(12, view.renderStats().lastRow() - view.renderStats().firstRow());
        // Reset returns to the readable size.
        fxRun(view::resetZoom);
        assertEquals(cell.getWidth(), view.cellBounds(0, 0).getWidth(), 1e-6);
    }

    @Test
    void withoutTextTheWholeMatrixFitsAtZoomOne() {
        HeatmapView view = show(Samples.matrix("plain", 12, 200, false, (r, c) -> (r + c) % 2));
        assertEquals(200, view.renderStats().lastCol() - view.renderStats().firstCol());
    }

    @Test
    void hoverShowsTheCellDetailsAfterTheValue(FxRobot robot) {
        MatrixResult m = Samples.lens();
        HeatmapView view = show(m);
        Bounds b = view.cellBounds(5, 7);
        robot.moveTo(fx(() -> view.canvas().localToScreen(new Point2D(b.getCenterX(), b.getCenterY()))));
        String text = view.hoverTextProperty().get();
        String[] lines = text.split("\n");
        assertTrue(lines[0].startsWith("layer: final"), text);
        assertTrue(lines[1].startsWith("position:  Paris"), text);
        assertTrue(lines[2].startsWith("probability: "), text);
        assertEquals("','  " + m.get(5, 7), lines[3], text);
        assertEquals("' the'  0.05", lines[4]);
        assertTrue(lines[lines.length - 1].startsWith("entropy "), text);
        assertEquals(text, fx(() -> view.hoverTooltip().getText()));
    }
}
