package dev.loupe.viewers.heatmap;

/**
 * The heatmap's viewport maths, without JavaFX: where the plot sits on the canvas, the zoom and the (fractional) cell
 * at the plot's top-left corner, and from those every cell's size and place. Zoom 1 is "fit": the whole matrix in
 * the plot, except that cells of a matrix with cell text shrink no further than {@link HeatmapView#TEXT_CELL_W} x
 * {@link HeatmapView#TEXT_CELL_H} (beyond that the axis scrolls, and zooming out from there fits it).
 * {@link #scrollsX()} and {@link #scrollsY()} say when part of an axis is out of view, so the view shows scroll bars.
 * Before the first layout the plot size is unknown; zoom and scroll are then kept as given and clamped at layout.
 */
final class HeatmapViewport {
    /** Zoom in and out steps (keys, buttons, one wheel notch). */
    static final double ZOOM_STEP = 1.25;

    private final int rows;
    private final int cols;
    private final boolean cellText;
    private double zoom = 1;
    private double originRow;
    private double originCol;
    private double plotX;
    private double plotY;
    private double plotW;
    private double plotH;

    HeatmapViewport(int rows, int cols, boolean cellText) {
        this.rows = rows;
        this.cols = cols;
        this.cellText = cellText;
    }

    /** Places the plot on the canvas (layout); zoom and scroll are clamped to the new size. */
    void setPlot(double x, double y, double w, double h) {
        plotX = x;
        plotY = y;
        plotW = w;
        plotH = h;
        zoom = clampZoom(zoom);
        clampOrigin();
    }

    double plotX() {
        return plotX;
    }

    double plotY() {
        return plotY;
    }

    double plotW() {
        return plotW;
    }

    double plotH() {
        return plotH;
    }

    double zoom() {
        return zoom;
    }

    double originRow() {
        return originRow;
    }

    double originCol() {
        return originCol;
    }

    boolean laidOut() {
        return plotW > 0 && plotH > 0;
    }

    /** Sets zoom and scroll at once (a restored state, a comparison's other panel), clamped. */
    void set(double newZoom, double row, double col) {
        zoom = clampZoom(newZoom);
        originRow = row;
        originCol = col;
        clampOrigin();
    }

    void reset() {
        zoom = 1;
        originRow = 0;
        originCol = 0;
    }

    /** Zooms by {@code factor} keeping the canvas point (x, y) over the same cell; false when nothing changed. */
    boolean zoomAt(double factor, double x, double y) {
        if (!(factor > 0) || plotW <= 0 || plotH <= 0) {
            return false;
        }
        double col = originCol + (x - plotX) / cellW();
        double row = originRow + (y - plotY) / cellH();
        zoom = clampZoom(zoom * factor);
        originCol = col - (x - plotX) / cellW();
        originRow = row - (y - plotY) / cellH();
        clampOrigin();
        return true;
    }

    /** Zooms about the plot's centre. */
    void zoomTo(double z) {
        zoomAt(z / zoom, plotX + plotW / 2, plotY + plotH / 2);
    }

    void scrollTo(double row, double col) {
        originRow = row;
        originCol = col;
        clampOrigin();
    }

    /** Pans by a distance in pixels (positive moves the view right and down over the matrix). */
    boolean panBy(double dx, double dy) {
        if (plotW <= 0) {
            return false;
        }
        originCol += dx / cellW();
        originRow += dy / cellH();
        clampOrigin();
        return true;
    }

    /** Scrolls as little as needed for row {@code r} to be wholly visible. */
    void ensureRowVisible(int r) {
        double visible = rows / zoomY();
        if (r < originRow) {
            scrollTo(r, originCol);
        } else if (r + 1 > originRow + visible) {
            scrollTo(r + 1 - visible, originCol);
        }
    }

    /** How many columns (fractional) the plot shows at once. */
    double visibleCols() {
        return cols / zoomX();
    }

    double visibleRows() {
        return rows / zoomY();
    }

    /** Whether some columns are out of view (then the view shows a horizontal scroll bar). */
    boolean scrollsX() {
        return laidOut() && visibleCols() < cols - 1e-9;
    }

    boolean scrollsY() {
        return laidOut() && visibleRows() < rows - 1e-9;
    }

    /** The cell width at zoom 1 (fit), whatever the zoom now. */
    double fittedCellW() {
        return plotW / cols * stretchX();
    }

    double cellW() {
        return plotW / cols * zoomX();
    }

    double cellH() {
        return plotH / rows * zoomY();
    }

    /** Canvas x of the left edge of column {@code col} (fractional columns are fine). */
    double x(double col) {
        return plotX + (col - originCol) * cellW();
    }

    /** Canvas y of the top edge of row {@code row}. */
    double y(double row) {
        return plotY + (row - originRow) * cellH();
    }

    /** The visible cells, [firstRow, lastRow) x [firstCol, lastCol). */
    int[] visible() {
        double cw = cellW();
        double ch = cellH();
        return new int[] {Math.max(0, (int) Math.floor(originRow)),
                Math.min(rows, (int) Math.ceil(originRow + plotH / ch - 1e-9)),
                Math.max(0, (int) Math.floor(originCol)),
                Math.min(cols, (int) Math.ceil(originCol + plotW / cw - 1e-9))};
    }

    /** The cell {row, col} at a canvas point, or null outside the plot. */
    int[] cellAt(double x, double y) {
        if (x < plotX || y < plotY || x >= plotX + plotW || y >= plotY + plotH) {
            return null;
        }
        int c = (int) Math.floor(originCol + (x - plotX) / cellW());
        int r = (int) Math.floor(originRow + (y - plotY) / cellH());
        return r >= 0 && r < rows && c >= 0 && c < cols ? new int[] {r, c} : null;
    }

    /** The row at a canvas height, or -1 above or below the plot. */
    int rowAt(double y) {
        if (y < plotY || y >= plotY + plotH) {
            return -1;
        }
        int r = (int) Math.floor(originRow + (y - plotY) / cellH());
        return r >= 0 && r < rows ? r : -1;
    }

    // How much zoom 1 enlarges each axis beyond fitting the plot: 1, except for cell text that would not fit.
    private double stretchX() {
        return cellText && laidOut() ? Math.max(1, HeatmapView.TEXT_CELL_W * cols / plotW) : 1;
    }

    private double stretchY() {
        return cellText && laidOut() ? Math.max(1, HeatmapView.TEXT_CELL_H * rows / plotH) : 1;
    }

    // Per-axis magnification over "fit the plot"; never below 1, so zooming out stops at the whole matrix.
    private double zoomX() {
        return Math.max(1, zoom * stretchX());
    }

    private double zoomY() {
        return Math.max(1, zoom * stretchY());
    }

    private double minZoom() {
        return laidOut() ? 1 / Math.max(stretchX(), stretchY()) : 1e-6;
    }

    private double maxZoom() {
        if (!laidOut()) {
            return 1e6;
        }
        double base = Math.min(plotW / cols * stretchX(), plotH / rows * stretchY());
        return Math.max(1, HeatmapView.MAX_CELL_PX / base);
    }

    double clampZoom(double z) {
        return Math.max(minZoom(), Math.min(maxZoom(), z));
    }

    // The visible fraction of each axis is 1/zoomX (1/zoomY); before layout that is unknown, and layout clamps.
    private void clampOrigin() {
        if (!laidOut()) {
            return;
        }
        originCol = Math.max(0, Math.min(cols - cols / zoomX(), originCol));
        originRow = Math.max(0, Math.min(rows - rows / zoomY(), originRow));
    }
}
