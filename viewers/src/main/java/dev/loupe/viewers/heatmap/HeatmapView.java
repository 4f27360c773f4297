package dev.loupe.viewers.heatmap;

import com.google.gson.JsonObject;
import java.util.List;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.ResultPane;
import dev.loupe.viewers.ViewStates;
import dev.loupe.viewers.color.ColorBar;
import dev.loupe.viewers.color.ColorScale;
import dev.loupe.viewers.export.FigureExporter;
import dev.loupe.viewers.export.Labels;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.geometry.Pos;
import javafx.scene.canvas.Canvas;
import javafx.geometry.Orientation;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * An interactive heatmap of a {@link MatrixResult} on a Canvas: labelled axes (column labels rotated), a colour bar,
 * a hover read-out, zoom (ctrl+scroll, pinch, +/-; F, 0 or the Fit button to fit) and pan (drag, scroll, arrows,
 * the scroll bars shown while the matrix does not fit), and row selection
 * (click a cell or a row label; up/down move it; Escape or ctrl-click clears it).
 *
 * <p>Drawing is virtualised: a redraw touches only the visible cells. Cells of at least {@link #CELL_MODE_MIN_PX}
 * pixels are filled one by one; smaller ones are drawn from a colour raster of the matrix, block-downsampled by
 * powers of two per axis when cells are below a pixel, so a 1000 x 1000 pattern zooms and scrolls at the cost of
 * one image blit. {@link #renderStats()} reports what the last redraw did.
 *
 * <p>A matrix with {@link MatrixResult#cellText() cell text} (the logit lens) is drawn the way nostalgebraist's plots
 * are: each cell's text centred in it, black or white by the cell's brightness, whenever cells are at least
 * {@link #TEXT_MIN_W} x {@link #TEXT_MIN_H} pixels. Its zoom 1 fits the pane too, but with cells no smaller than
 * {@link #TEXT_CELL_W} x {@link #TEXT_CELL_H}; a longer prompt scrolls along the positions, zooming out fits it all.
 * The hover read-out adds the cell's {@link MatrixResult#cellDetails() details} (top-k tokens, entropy).
 *
 * <p>This class is the view's face (properties, the clip toggle, view state); the maths of zoom and scroll is
 * {@link HeatmapViewport}, drawing is {@link HeatmapPainter}, mouse, keys and the tooltip are {@link HeatmapInput}.
 */
public final class HeatmapView extends ResultPane<MatrixResult> {

    /** How the last redraw painted the cells. */
    public enum DrawMode { CELLS, IMAGE }

    /**
     * What the last redraw painted: the visible cell range [first, last) on each axis, how many cells (or raster
     * texels) it touched, and the raster's downsampling factor per axis (1 when drawing cells or full resolution).
     */
    public record RenderStats(DrawMode mode, int firstRow, int lastRow, int firstCol, int lastCol, long cellsTouched,
            int downsampleX, int downsampleY, long textsDrawn) {
    }

    /**
     * What part of the matrix is shown: the zoom and the (fractional) cell at the plot's top-left corner. Views over
     * the same axes (a comparison's panels) follow each other through it.
     */
    public record Viewport(double zoom, double originRow, double originCol) {
    }

    /** Below this cell size (pixels) individual fills cost more than they show, so the raster takes over. */
    public static final double CELL_MODE_MIN_PX = 5;
    /** Zooming stops when cells reach this size. */
    public static final double MAX_CELL_PX = 160;
    /** Cell text is hidden in smaller cells: a few clipped pixels of glyphs read as noise. */
    public static final double TEXT_MIN_W = 28;
    public static final double TEXT_MIN_H = 14;
    /**
     * At zoom 1 (fit) cells of a matrix with cell text shrink no further than this, so a short token still reads
     * (in the smaller cell font if need be); a matrix that would need smaller cells scrolls instead.
     */
    public static final double TEXT_CELL_W = 44;
    public static final double TEXT_CELL_H = 18;

    private final HeatmapViewport vp;
    private final HeatmapPainter painter;
    private final HeatmapInput input;
    private final Canvas canvas = new Canvas();
    // Shown only while part of an axis is out of view, beside the canvas, so they never cover cells.
    private final ScrollBar hBar = new ScrollBar();
    private final ScrollBar vBar = new ScrollBar();
    private final Pane plot;
    private final Button fitButton;
    private boolean syncingBars;
    private ColorBar colorBar;
    private final IntegerProperty selectedRow = new SimpleIntegerProperty(this, "selectedRow", -1);
    private final ReadOnlyObjectWrapper<Viewport> viewport = new ReadOnlyObjectWrapper<>(this, "viewport",
            new Viewport(1, 0, 0));
    private long redraws;
    // The view's own scale can switch to clipped limits (see setClipOutliers); a scale given by a container that
    // lines several views up (a comparison's shared scale) stays as given. Offered only when a few values dwarf the
    // rest; both scales are computed once, when the view is made.
    private ToggleButton clipToggle;
    private ColorScale fullScale;
    private ColorScale clippedScale;

    public HeatmapView(MatrixResult m) {
        this(m, ColorScale.forValues(m.values(), m.diverging()), true);
    }

    public HeatmapView(MatrixResult m, ColorScale scale) {
        this(m, scale, false);
    }

    private HeatmapView(MatrixResult m, ColorScale scale, boolean ownScale) {
        super(m);
        vp = new HeatmapViewport(m.rows(), m.cols(), m.hasCellText());
        painter = new HeatmapPainter(m, scale);
        getStyleClass().add("loupe-heatmap");
        Label title = new Label(m.title());
        title.getStyleClass().add("loupe-view-title");
        title.setStyle("-fx-font-weight: bold; -fx-padding: 4 8 2 8;");
        ColorScale clipped = ownScale ? ColorScale.clipped(m.values(), m.diverging()) : null;
        if (clipped != null && clipped.leavesOutliersOf(scale)) {
            fullScale = scale;
            clippedScale = clipped;
            // A few huge values (massive activations) would leave everything else one colour: offer to clip them.
            clipToggle = new ToggleButton("Clip outliers");
            clipToggle.setId("heatmap-clip-outliers");
            clipToggle.setFocusTraversable(false);
            clipToggle.setTooltip(new Tooltip(String.format(java.util.Locale.ROOT, "Colour from the %.0fnd to the "
                    + "%.0fth percentile, leaving out the few extreme values; values beyond get the end colours "
                    + "(exported figures follow)", 100 * ColorScale.CLIP_TAIL, 100 * (1 - ColorScale.CLIP_TAIL))));
            clipToggle.selectedProperty().addListener((obs, was, now) -> applyScale(now));
            Region spacer = new Region();
            HBox.setHgrow(spacer, Priority.ALWAYS);
            HBox top = new HBox(4, title, spacer, clipToggle);
            top.setAlignment(Pos.CENTER_LEFT);
            top.setStyle("-fx-padding: 0 8 0 0;");
            setTop(top);
        } else if (!m.title().isBlank()) {
            setTop(title);
        }
        hBar.setId("heatmap-hscroll");
        vBar.setId("heatmap-vscroll");
        vBar.setOrientation(Orientation.VERTICAL);
        for (ScrollBar bar : List.of(hBar, vBar)) {
            bar.setFocusTraversable(false);
            bar.setVisible(false);
            bar.valueProperty().addListener((obs, was, now) -> {
                if (!syncingBars) {
                    scrollTo(bar == vBar ? now.doubleValue() : vp.originRow(),
                            bar == hBar ? now.doubleValue() : vp.originCol());
                }
            });
        }
        Button fit = new Button("Fit");
        fit.setId("heatmap-fit");
        fit.setFocusTraversable(false);
        fit.setStyle("-fx-font-size: 10px; -fx-padding: 1 5 1 5;");
        fit.setTooltip(new Tooltip("Fit the whole matrix in the pane (keys F or 0)"));
        fit.setOnAction(e -> resetZoom());
        fitButton = fit;
        plot = new Pane(canvas, hBar, vBar, fit) {
            @Override
            protected void layoutChildren() {
                layoutPlot(getWidth(), getHeight());
            }
        };
        setCenter(plot);
        colorBar = new ColorBar(scale, m.valueLabel());
        setRight(colorBar);
        if (!m.stats().isEmpty()) {
            reserveStatsLine();
        }

        setFocusTraversable(true);
        selectedRow.addListener((obs, was, now) -> {
            int r = now.intValue();
            if (r < -1 || r >= m.rows()) {
                selectedRow.set(-1);
                return;
            }
            redraw();
        });
        input = new HeatmapInput(this, vp, canvas);
    }

    // ---------------------------------------------------------------- public API

    public MatrixResult matrix() {
        return result;
    }

    public ColorScale colorScale() {
        return painter.scale();
    }

    /** The selected row (query token), or -1. */
    public IntegerProperty selectedRowProperty() {
        return selectedRow;
    }

    public int getSelectedRow() {
        return selectedRow.get();
    }

    public void setSelectedRow(int row) {
        selectedRow.set(row);
    }

    /**
     * What the hover tooltip says: row label, column label and value of the cell under the mouse, then its cell
     * details if the matrix has them; empty otherwise.
     */
    public ReadOnlyStringProperty hoverTextProperty() {
        return input.hoverTextProperty();
    }

    public Tooltip hoverTooltip() {
        return input.tooltip();
    }

    /**
     * 1 shows the whole matrix (a matrix with cell text: readable cells, see the class comment); 2 shows half as
     * much on each axis, and so on.
     */
    public double getZoom() {
        return vp.zoom();
    }

    public void setZoom(double z) {
        vp.zoomTo(z);
        redraw();
    }

    public void zoomIn() {
        setZoom(vp.zoom() * HeatmapViewport.ZOOM_STEP);
    }

    public void zoomOut() {
        setZoom(vp.zoom() / HeatmapViewport.ZOOM_STEP);
    }

    public void resetZoom() {
        vp.reset();
        redraw();
    }

    /** Zooms by {@code factor} keeping the point (x, y) of the canvas fixed, as ctrl+scroll does. */
    public void zoomAt(double factor, double x, double y) {
        if (vp.zoomAt(factor, x, y)) {
            redraw();
        }
    }

    /** Scrolls so that this (fractional) cell is at the plot's top-left corner. */
    public void scrollTo(double row, double col) {
        vp.scrollTo(row, col);
        redraw();
    }

    /** Pans by a distance in pixels (positive moves the view right and down over the matrix). */
    public void panBy(double dx, double dy) {
        if (vp.panBy(dx, dy)) {
            redraw();
        }
    }

    /**
     * Shows the plugin's summary figures (an activation's mean and norm, a tuned lens's KL before and after
     * training) under the plot, as the exported figure prints them; a blank line when there are none. One line, cut
     * with an ellipsis when narrow (the whole of it in the tooltip), so heatmaps shown side by side that all reserve
     * it keep plots of the same height whatever their figures.
     */
    public void reserveStatsLine() {
        if (getBottom() != null) {
            return;
        }
        Label stats = new Label(result.stats().isEmpty() ? " " : Labels.statsLine(result.stats(), "   ·   "));
        stats.setId("heatmap-stats");
        stats.setWrapText(false);
        if (!result.stats().isEmpty()) {
            stats.setTooltip(new Tooltip(stats.getText()));
        }
        stats.setStyle("-fx-padding: 2 8 4 8; -fx-font-size: 11px;");
        setBottom(stats);
    }

    /** The zoom and scroll position, updated whenever the view is drawn after either changed. */
    public ReadOnlyObjectProperty<Viewport> viewportProperty() {
        return viewport.getReadOnlyProperty();
    }

    /** Zooms and scrolls to {@code v} (clamped to this view's limits, as zoom and scroll are). */
    public void setViewport(Viewport v) {
        vp.set(v.zoom(), v.originRow(), v.originCol());
        redraw();
    }

    public double getOriginRow() {
        return vp.originRow();
    }

    public double getOriginCol() {
        return vp.originCol();
    }

    /** The canvas area the cells are drawn in. */
    public Bounds plotBounds() {
        return new BoundingBox(vp.plotX(), vp.plotY(), vp.plotW(), vp.plotH());
    }

    /** Where cell (row, col) is drawn now, in the canvas's coordinates (possibly outside the visible plot). */
    public Bounds cellBounds(int row, int col) {
        return new BoundingBox(vp.x(col), vp.y(row), vp.cellW(), vp.cellH());
    }

    /** The canvas the heatmap is drawn on (for tests and for overlays). */
    public Canvas canvas() {
        return canvas;
    }

    public ColorBar colorBar() {
        return colorBar;
    }

    public RenderStats renderStats() {
        return painter.stats();
    }

    /** How many times the view has been drawn. */
    public long redrawCount() {
        return redraws;
    }

    // ---------------------------------------------------------------- view state

    /** Whether colours leave out the extreme values (the view offers it when a few values dwarf the rest). */
    public boolean isClipOutliers() {
        return clipToggle != null && clipToggle.isSelected();
    }

    /** Clips the colour range to the bulk of the values, or shows the full range; ignored when not offered. */
    public void setClipOutliers(boolean clip) {
        if (clipToggle != null) {
            clipToggle.setSelected(clip);
        }
    }

    private void applyScale(boolean clip) {
        ColorScale scale = clip ? clippedScale : fullScale;
        painter.setScale(scale);
        colorBar = new ColorBar(scale, scale.barLabel(result.valueLabel()));
        setRight(colorBar);
        redraw();
    }

    @Override
    public JsonObject viewState() {
        JsonObject o = new JsonObject();
        o.addProperty("zoom", vp.zoom());
        o.addProperty("originRow", vp.originRow());
        o.addProperty("originCol", vp.originCol());
        o.addProperty("selectedRow", selectedRow.get());
        if (isClipOutliers()) {
            o.addProperty(FigureExporter.CLIP_OUTLIERS, true); // the exported figure reads it too
        }
        return o;
    }

    @Override
    public void restoreViewState(JsonObject state) {
        vp.set(ViewStates.getDouble(state, "zoom", 1), ViewStates.getDouble(state, "originRow", 0),
                ViewStates.getDouble(state, "originCol", 0));
        int row = ViewStates.getInt(state, "selectedRow", -1);
        selectedRow.set(row >= 0 && row < result.rows() ? row : -1);
        setClipOutliers(ViewStates.getBoolean(state, FigureExporter.CLIP_OUTLIERS, false));
        redraw();
    }

    /** Redraws the visible part now. */
    public void redraw() {
        redraws++;
        Viewport now = new Viewport(vp.zoom(), vp.originRow(), vp.originCol());
        if (!now.equals(viewport.get())) {
            viewport.set(now);
        }
        painter.paint(canvas.getGraphicsContext2D(), canvas.getWidth(), canvas.getHeight(), vp, selectedRow.get());
        syncScrollBars();
    }

    /** The horizontal scroll bar, visible while some columns are out of view. */
    public ScrollBar horizontalScrollBar() {
        return hBar;
    }

    public ScrollBar verticalScrollBar() {
        return vBar;
    }

    /**
     * Lays the canvas out in the plot pane: the whole pane, less a scroll bar's breadth for each axis that does not
     * fit (which can make the other axis not fit either, hence the second pass).
     */
    private void layoutPlot(double w, double h) {
        double barH = hBar.prefHeight(-1);
        double barW = vBar.prefWidth(-1);
        boolean scrollX = false;
        boolean scrollY = false;
        double zoom = vp.zoom();
        double row = vp.originRow();
        double col = vp.originCol();
        for (int pass = 0; pass < 3; pass++) {
            vp.set(zoom, row, col); // as it was, not as an earlier trial clamped it
            painter.layout(vp, Math.max(1, w - (scrollY ? barW : 0)), Math.max(1, h - (scrollX ? barH : 0)));
            if (vp.scrollsX() == scrollX && vp.scrollsY() == scrollY) {
                break;
            }
            scrollX = vp.scrollsX();
            scrollY = vp.scrollsY();
        }
        double cw = Math.max(1, w - (scrollY ? barW : 0));
        double ch = Math.max(1, h - (scrollX ? barH : 0));
        canvas.setWidth(cw);
        canvas.setHeight(ch);
        hBar.setVisible(scrollX);
        vBar.setVisible(scrollY);
        hBar.resizeRelocate(0, ch, cw, barH);
        vBar.resizeRelocate(cw, 0, barW, ch);
        // The Fit button sits in the corner under the row labels, left of the column labels: no cell is there.
        fitButton.autosize();
        fitButton.relocate(2, Math.max(0, ch - fitButton.getHeight() - 2));
        colorBar.setBarInsets(vp.plotY(), Math.max(0, h - vp.plotY() - vp.plotH()));
        redraw();
    }

    // The bars follow zoom and scroll; when an axis starts or stops fitting the pane is laid out again.
    private void syncScrollBars() {
        syncingBars = true;
        try {
            sync(hBar, result.cols(), vp.visibleCols(), vp.originCol());
            sync(vBar, result.rows(), vp.visibleRows(), vp.originRow());
        } finally {
            syncingBars = false;
        }
        if (vp.laidOut() && (hBar.isVisible() != vp.scrollsX() || vBar.isVisible() != vp.scrollsY())) {
            plot.requestLayout();
        }
    }

    private static void sync(ScrollBar bar, int cells, double visible, double origin) {
        double range = Math.max(0, cells - visible);
        bar.setMin(0);
        bar.setMax(range);
        bar.setVisibleAmount(range > 0 ? visible * range / cells : 0);
        bar.setUnitIncrement(1);
        bar.setBlockIncrement(Math.max(1, visible * 0.9));
        bar.setValue(Math.min(range, origin));
    }
}
