package dev.loupe.viewers.heatmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The heatmap's zoom and scroll maths, without JavaFX. */
class HeatmapViewportTest {

    private static HeatmapViewport laidOut(int rows, int cols) {
        HeatmapViewport vp = new HeatmapViewport(rows, cols, false);
        vp.setPlot(10, 20, 100, 50);
        return vp;
    }

    @Test
    void zoomOneFitsTheMatrixAndZoomingKeepsThePointUnderTheMouse() {
        HeatmapViewport vp = laidOut(5, 10);
        assertEquals(10, vp.cellW(), 1e-9);
        assertEquals(10, vp.cellH(), 1e-9);
        assertArrayEquals(new int[] {0, 5, 0, 10}, vp.visible());
        double x = 10 + 73;
        double y = 20 + 31;
        int[] before = vp.cellAt(x, y);
        vp.zoomAt(2, x, y);
        assertEquals(2, vp.zoom(), 1e-9);
        assertArrayEquals(before, vp.cellAt(x, y), "the cell under the mouse stays there");
        assertEquals(20, vp.cellW(), 1e-9);
    }

    @Test
    void zoomAndScrollAreClampedToTheMatrix() {
        HeatmapViewport vp = laidOut(5, 10);
        vp.zoomTo(0.1);
        assertEquals(1, vp.zoom(), 1e-9, "zooming out stops at the whole matrix");
        vp.zoomTo(1e9);
        assertEquals(HeatmapView.MAX_CELL_PX, vp.cellW(), 1e-6, "zooming in stops at the largest cell");
        vp.set(2, 100, -5);
        assertEquals(2.5, vp.originRow(), 1e-9, "half the rows are visible at zoom 2");
        assertEquals(0, vp.originCol(), 1e-9);
        assertNull(vp.cellAt(9, 21), "left of the plot");
        assertEquals(-1, vp.rowAt(19));
    }

    @Test
    void cellTextStretchesZoomOneAndSelectionScrollsIntoView() {
        HeatmapViewport text = new HeatmapViewport(10, 20, true);
        text.setPlot(0, 0, 200, 100);
        assertEquals(HeatmapView.TEXT_CELL_W, text.cellW(), 1e-9, "zoom 1 makes text cells readable");
        assertEquals(HeatmapView.TEXT_CELL_H, text.cellH(), 1e-9);
        text.ensureRowVisible(9);
        assertEquals(9, text.rowAt(99.5));
    }

    @Test
    void beforeLayoutNothingIsClampedOrMoved() {
        HeatmapViewport vp = new HeatmapViewport(5, 10, false);
        vp.set(3, 4, 7);
        assertEquals(3, vp.zoom(), 1e-9);
        assertEquals(4, vp.originRow(), 1e-9);
        assertEquals(false, vp.zoomAt(2, 0, 0));
    }

    @Test
    void aFifteenTokenLensFitsTheDefaultTabWithEveryColumnVisible() {
        // The app's default window (1360 x 860) leaves a heatmap plot of about 800 x 460 pixels.
        HeatmapViewport vp = new HeatmapViewport(5, 15, true);
        vp.setPlot(70, 8, 800, 460);
        assertArrayEquals(new int[] {0, 5, 0, 15}, vp.visible(), "every layer and position at zoom 1");
        assertEquals(70 + 800, vp.x(15), 1e-9, "the last column ends at the plot's right edge");
        assertEquals(false, vp.scrollsX());
        assertEquals(false, vp.scrollsY());
    }

    @Test
    void onlyCellsBelowTheReadableMinimumScroll() {
        HeatmapViewport vp = new HeatmapViewport(12, 200, true);
        vp.setPlot(0, 0, 800, 460);
        assertEquals(HeatmapView.TEXT_CELL_W, vp.cellW(), 1e-9);
        assertEquals(true, vp.scrollsX(), "200 positions do not fit 800 pixels");
        assertEquals(800 / HeatmapView.TEXT_CELL_W, vp.visibleCols(), 1e-9);
        assertEquals(false, vp.scrollsY());
        vp.zoomTo(1e-6);
        assertEquals(false, vp.scrollsX(), "zoomed out all of it is shown");
    }
}
