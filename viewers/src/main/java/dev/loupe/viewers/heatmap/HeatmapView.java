package dev.loupe.viewers.heatmap;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.Result;
import dev.loupe.viewers.ResultView;
import dev.loupe.viewers.ViewStates;
import dev.loupe.viewers.color.ColorBar;
import dev.loupe.viewers.color.ColorRaster;
import dev.loupe.viewers.color.ColorScale;
import dev.loupe.viewers.color.NiceTicks;
import dev.loupe.viewers.export.FigureExporter;
import dev.loupe.viewers.export.Labels;
import dev.loupe.viewers.fx.Fx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.geometry.Pos;
import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.input.ZoomEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;

/**
 * An interactive heatmap of a {@link MatrixResult} on a Canvas: labelled axes (column labels rotated), a colour bar,
 * a hover read-out, zoom (ctrl+scroll, pinch, +/-, 0 to reset) and pan (drag, scroll, arrows), and row selection
 * (click a cell or a row label; up/down move it; Escape or ctrl-click clears it).
 *
 * <p>Drawing is virtualised: a redraw touches only the visible cells. Cells of at least {@link #CELL_MODE_MIN_PX}
 * pixels are filled one by one; smaller ones are drawn from a colour raster of the matrix, block-downsampled by
 * powers of two per axis when cells are below a pixel, so a 1000 x 1000 pattern zooms and scrolls at the cost of
 * one image blit. {@link #renderStats()} reports what the last redraw did.
 *
 * <p>A matrix with {@link MatrixResult#cellText() cell text} (the logit lens) is drawn the way nostalgebraist's plots
 * are: each cell's text centred in it, black or white by the cell's brightness, whenever cells are at least
 * {@link #TEXT_MIN_W} x {@link #TEXT_MIN_H} pixels. Its zoom 1 is therefore not "fit the whole matrix" but "cells at
 * least {@link #TEXT_CELL_W} x {@link #TEXT_CELL_H}", scrolling along the positions; zooming out from there fits it.
 * The hover read-out adds the cell's {@link MatrixResult#cellDetails() details} (top-k tokens, entropy).
 */
public final class HeatmapView extends BorderPane implements ResultView {

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
    /** At zoom 1 a matrix with cell text has cells at least this large, so a typical token fits. */
    public static final double TEXT_CELL_W = 64;
    public static final double TEXT_CELL_H = 22;

    private static final Font LABEL_FONT = Font.font(11);
    private static final Font LABEL_FONT_BOLD = Font.font(null, FontWeight.BOLD, 11);
    private static final Font AXIS_FONT = Font.font(12);
    private static final Font CELL_FONT = Font.font(12);
    private static final double LABEL_CAP = 140;
    private static final double ZOOM_STEP = 1.25;

    private final MatrixResult m;
    // The view's own scale can switch to clipped limits (see setClipOutliers); a scale given by a container that
    // lines several views up (a comparison's shared scale) stays as given.
    private final boolean ownScale;
    private ColorScale scale;
    private final List<String> rowText;
    private final List<String> colText;
    private final Canvas canvas = new Canvas();
    private ColorBar colorBar;
    private final Tooltip tooltip = new Tooltip();
    private final ReadOnlyStringWrapper hoverText = new ReadOnlyStringWrapper(this, "hoverText", "");
    private final IntegerProperty selectedRow = new SimpleIntegerProperty(this, "selectedRow", -1);
    private final ReadOnlyObjectWrapper<Viewport> viewport = new ReadOnlyObjectWrapper<>(this, "viewport",
            new Viewport(1, 0, 0));
    private final Map<Long, WritableImage> rasters = new HashMap<>();
    private final Map<Integer, Color> colors = new HashMap<>();
    // Cell text cut to fit the current cell width; measuring text is the costly part of a redraw, so keep it.
    private final Map<Integer, String> fittedText = new HashMap<>();
    private final Text measure = new Text();
    private double fittedWidth = -1;
    private final double rowLabelWidth;
    private final double colLabelHeight;
    // Text cells are wide: short column labels then read side by side instead of rotated, as in the logit-lens plots.
    private final double flatColLabelWidth;

    private double zoom = 1;
    private double originRow;
    private double originCol;
    private double plotX;
    private double plotY;
    private double plotW;
    private double plotH;
    private RenderStats stats = new RenderStats(DrawMode.CELLS, 0, 0, 0, 0, 0, 1, 1, 0);
    private long redraws;

    private double pressX;
    private double pressY;
    private double pressOriginRow;
    private double pressOriginCol;
    private boolean dragging;
    // Offered only when a few values dwarf the rest; both scales are computed once, when the view is made.
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
        this.m = m;
        this.scale = scale;
        this.ownScale = ownScale;
        rowText = m.rowLabels().stream().map(s -> Labels.display(s, 20)).toList();
        colText = m.colLabels().stream().map(s -> Labels.display(s, 20)).toList();
        rowLabelWidth = Fx.maxTextWidth(rowText, LABEL_FONT_BOLD, LABEL_CAP);
        double widest = Fx.maxTextWidth(colText, LABEL_FONT, LABEL_CAP);
        flatColLabelWidth = m.hasCellText() && widest + 8 <= TEXT_CELL_W ? widest + 8 : 0;
        colLabelHeight = flatColLabelWidth > 0 ? Fx.lineHeight(LABEL_FONT) : widest;
        measure.setFont(CELL_FONT);
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
        Pane plot = new Pane(canvas) {
            @Override
            protected void layoutChildren() {
                canvas.setWidth(getWidth());
                canvas.setHeight(getHeight());
                layoutPlot();
                redraw();
            }
        };
        plot.setMinSize(80, 80);
        plot.setPrefSize(640, 520);
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
        canvas.addEventHandler(MouseEvent.MOUSE_MOVED, e -> hover(e.getX(), e.getY(), e.getScreenX(), e.getScreenY()));
        canvas.addEventHandler(MouseEvent.MOUSE_EXITED, e -> clearHover());
        canvas.addEventHandler(MouseEvent.MOUSE_PRESSED, this::pressed);
        canvas.addEventHandler(MouseEvent.MOUSE_DRAGGED, this::dragged);
        canvas.addEventHandler(MouseEvent.MOUSE_RELEASED, this::released);
        canvas.addEventHandler(ScrollEvent.SCROLL, this::scrolled);
        canvas.addEventHandler(ZoomEvent.ZOOM, e -> {
            zoomAt(e.getZoomFactor(), e.getX(), e.getY());
            e.consume();
        });
        addEventHandler(KeyEvent.KEY_PRESSED, this::keyPressed);
        // A tooltip is a window of its own: it must not outlive the view's place in a scene (closed tab).
        sceneProperty().addListener((obs, was, now) -> clearHover());
    }

    // ---------------------------------------------------------------- public API

    public MatrixResult matrix() {
        return m;
    }

    public ColorScale colorScale() {
        return scale;
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
        return hoverText.getReadOnlyProperty();
    }

    public Tooltip hoverTooltip() {
        return tooltip;
    }

    /**
     * 1 shows the whole matrix (a matrix with cell text: readable cells, see the class comment); 2 shows half as
     * much on each axis, and so on.
     */
    public double getZoom() {
        return zoom;
    }

    public void setZoom(double z) {
        zoomAt(z / zoom, plotX + plotW / 2, plotY + plotH / 2);
    }

    public void zoomIn() {
        setZoom(zoom * ZOOM_STEP);
    }

    public void zoomOut() {
        setZoom(zoom / ZOOM_STEP);
    }

    public void resetZoom() {
        zoom = 1;
        originRow = 0;
        originCol = 0;
        redraw();
    }

    /** Zooms by {@code factor} keeping the point (x, y) of the canvas fixed, as ctrl+scroll does. */
    public void zoomAt(double factor, double x, double y) {
        if (!(factor > 0) || plotW <= 0 || plotH <= 0) {
            return;
        }
        double col = originCol + (x - plotX) / cellW();
        double row = originRow + (y - plotY) / cellH();
        zoom = clampZoom(zoom * factor);
        originCol = col - (x - plotX) / cellW();
        originRow = row - (y - plotY) / cellH();
        clampOrigin();
        redraw();
    }

    /** Scrolls so that this (fractional) cell is at the plot's top-left corner. */
    public void scrollTo(double row, double col) {
        originRow = row;
        originCol = col;
        clampOrigin();
        redraw();
    }

    /** Pans by a distance in pixels (positive moves the view right and down over the matrix). */
    public void panBy(double dx, double dy) {
        if (plotW <= 0) {
            return;
        }
        originCol += dx / cellW();
        originRow += dy / cellH();
        clampOrigin();
        redraw();
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
        Label stats = new Label(m.stats().isEmpty() ? " " : Labels.statsLine(m.stats(), "   ·   "));
        stats.setId("heatmap-stats");
        stats.setWrapText(false);
        if (!m.stats().isEmpty()) {
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
        zoom = clampZoom(v.zoom());
        originRow = v.originRow();
        originCol = v.originCol();
        clampOrigin();
        redraw();
    }

    public double getOriginRow() {
        return originRow;
    }

    public double getOriginCol() {
        return originCol;
    }

    /** The canvas area the cells are drawn in. */
    public Bounds plotBounds() {
        return new BoundingBox(plotX, plotY, plotW, plotH);
    }

    /** Where cell (row, col) is drawn now, in the canvas's coordinates (possibly outside the visible plot). */
    public Bounds cellBounds(int row, int col) {
        return new BoundingBox(plotX + (col - originCol) * cellW(), plotY + (row - originRow) * cellH(), cellW(), cellH());
    }

    /** The canvas the heatmap is drawn on (for tests and for overlays). */
    public Canvas canvas() {
        return canvas;
    }

    public ColorBar colorBar() {
        return colorBar;
    }

    public RenderStats renderStats() {
        return stats;
    }

    /** How many times the view has been drawn. */
    public long redrawCount() {
        return redraws;
    }

    // ---------------------------------------------------------------- ResultView

    @Override
    public Node node() {
        return this;
    }

    @Override
    public Result result() {
        return m;
    }

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
        scale = clip ? clippedScale : fullScale;
        rasters.clear();
        colors.clear();
        colorBar = new ColorBar(scale, scale.barLabel(m.valueLabel()));
        setRight(colorBar);
        redraw();
    }

    @Override
    public JsonObject viewState() {
        JsonObject o = new JsonObject();
        o.addProperty("zoom", zoom);
        o.addProperty("originRow", originRow);
        o.addProperty("originCol", originCol);
        o.addProperty("selectedRow", selectedRow.get());
        if (isClipOutliers()) {
            o.addProperty(FigureExporter.CLIP_OUTLIERS, true); // the exported figure reads it too
        }
        return o;
    }

    @Override
    public void restoreViewState(JsonObject state) {
        zoom = clampZoom(ViewStates.getDouble(state, "zoom", 1));
        originRow = ViewStates.getDouble(state, "originRow", 0);
        originCol = ViewStates.getDouble(state, "originCol", 0);
        clampOrigin();
        int row = ViewStates.getInt(state, "selectedRow", -1);
        selectedRow.set(row >= 0 && row < m.rows() ? row : -1);
        setClipOutliers(ViewStates.getBoolean(state, FigureExporter.CLIP_OUTLIERS, false));
        redraw();
    }

    // ---------------------------------------------------------------- geometry

    private boolean laidOut() {
        return plotW > 0 && plotH > 0;
    }

    // How much zoom 1 enlarges each axis beyond fitting the plot: 1, except for cell text that would not fit.
    private double stretchX() {
        return m.hasCellText() && laidOut() ? Math.max(1, TEXT_CELL_W * m.cols() / plotW) : 1;
    }

    private double stretchY() {
        return m.hasCellText() && laidOut() ? Math.max(1, TEXT_CELL_H * m.rows() / plotH) : 1;
    }

    // Per-axis magnification over "fit the plot"; never below 1, so zooming out stops at the whole matrix.
    private double zoomX() {
        return Math.max(1, zoom * stretchX());
    }

    private double zoomY() {
        return Math.max(1, zoom * stretchY());
    }

    private double cellW() {
        return plotW / m.cols() * zoomX();
    }

    private double cellH() {
        return plotH / m.rows() * zoomY();
    }

    private double minZoom() {
        return laidOut() ? 1 / Math.max(stretchX(), stretchY()) : 1e-6;
    }

    private double maxZoom() {
        if (!laidOut()) {
            return 1e6;
        }
        double base = Math.min(plotW / m.cols() * stretchX(), plotH / m.rows() * stretchY());
        return Math.max(1, MAX_CELL_PX / base);
    }

    private double clampZoom(double z) {
        return Math.max(minZoom(), Math.min(maxZoom(), z));
    }

    // The visible fraction of each axis is 1/zoomX (1/zoomY); before layout that is unknown, and layout clamps.
    private void clampOrigin() {
        if (!laidOut()) {
            return;
        }
        originCol = Math.max(0, Math.min(m.cols() - m.cols() / zoomX(), originCol));
        originRow = Math.max(0, Math.min(m.rows() - m.rows() / zoomY(), originRow));
    }

    private void layoutPlot() {
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        double axis = Fx.lineHeight(AXIS_FONT) + 6;
        double left = 6 + (blank(m.rowAxis()) ? 0 : axis) + rowLabelWidth + 8;
        double bottom = 6 + (blank(m.colAxis()) ? 0 : axis) + colLabelHeight + 8;
        plotX = left;
        plotY = 8;
        plotW = Math.max(1, w - left - 8);
        plotH = Math.max(1, h - plotY - bottom);
        zoom = clampZoom(zoom);
        clampOrigin();
        colorBar.setBarInsets(plotY, Math.max(0, h - plotY - plotH));
    }

    /** The cell at a canvas point, or null outside the plot. */
    private int[] cellAt(double x, double y) {
        if (x < plotX || y < plotY || x >= plotX + plotW || y >= plotY + plotH) {
            return null;
        }
        int c = (int) Math.floor(originCol + (x - plotX) / cellW());
        int r = (int) Math.floor(originRow + (y - plotY) / cellH());
        return r >= 0 && r < m.rows() && c >= 0 && c < m.cols() ? new int[] {r, c} : null;
    }

    private int rowAt(double y) {
        if (y < plotY || y >= plotY + plotH) {
            return -1;
        }
        int r = (int) Math.floor(originRow + (y - plotY) / cellH());
        return r >= 0 && r < m.rows() ? r : -1;
    }

    // ---------------------------------------------------------------- drawing

    /** Redraws the visible part now. */
    public void redraw() {
        redraws++;
        Viewport now = new Viewport(zoom, originRow, originCol);
        if (!now.equals(viewport.get())) {
            viewport.set(now);
        }
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.clearRect(0, 0, w, h);
        if (w <= 0 || h <= 0 || plotW <= 1 || plotH <= 1 || m.rows() == 0 || m.cols() == 0) {
            return;
        }
        double cw = cellW();
        double ch = cellH();
        int r0 = Math.max(0, (int) Math.floor(originRow));
        int c0 = Math.max(0, (int) Math.floor(originCol));
        int r1 = Math.min(m.rows(), (int) Math.ceil(originRow + plotH / ch - 1e-9));
        int c1 = Math.min(m.cols(), (int) Math.ceil(originCol + plotW / cw - 1e-9));

        g.save();
        g.beginPath();
        g.rect(plotX, plotY, plotW, plotH);
        g.clip();
        if (Math.min(cw, ch) >= CELL_MODE_MIN_PX) {
            drawCells(g, r0, r1, c0, c1, cw, ch);
        } else {
            drawRaster(g, r0, r1, c0, c1, cw, ch);
        }
        int sel = selectedRow.get();
        if (sel >= r0 && sel < r1) {
            double y = plotY + (sel - originRow) * ch;
            g.setStroke(Color.WHITE);
            g.setLineWidth(3);
            g.strokeRect(plotX + 1.5, y - 0.5, plotW - 3, ch + 1);
            g.setStroke(Fx.ACCENT);
            g.setLineWidth(2);
            g.strokeRect(plotX + 1.5, y - 0.5, plotW - 3, ch + 1);
        }
        g.restore();

        g.setStroke(Fx.FRAME);
        g.setLineWidth(1);
        g.strokeRect(Math.floor(plotX) - 0.5, Math.floor(plotY) - 0.5, Math.ceil(plotW) + 1, Math.ceil(plotH) + 1);
        drawLabels(g, r0, r1, c0, c1, cw, ch);
    }

    private void drawCells(GraphicsContext g, int r0, int r1, int c0, int c1, double cw, double ch) {
        long touched = 0;
        for (int r = r0; r < r1; r++) {
            // Edges snapped to whole pixels: neighbouring cells share an edge, so no seams and no blending.
            double y0 = Math.round(plotY + (r - originRow) * ch);
            double y1 = Math.round(plotY + (r + 1 - originRow) * ch);
            int base = r * m.cols();
            for (int c = c0; c < c1; c++) {
                double x0 = Math.round(plotX + (c - originCol) * cw);
                double x1 = Math.round(plotX + (c + 1 - originCol) * cw);
                g.setFill(colors.computeIfAbsent(scale.argb(m.values()[base + c]), Fx::color));
                g.fillRect(x0, y0, x1 - x0, y1 - y0);
                touched++;
            }
        }
        long texts = m.hasCellText() && cw >= TEXT_MIN_W && ch >= TEXT_MIN_H ? drawCellText(g, r0, r1, c0, c1, cw, ch) : 0;
        stats = new RenderStats(DrawMode.CELLS, r0, r1, c0, c1, touched, 1, 1, texts);
    }

    private long drawCellText(GraphicsContext g, int r0, int r1, int c0, int c1, double cw, double ch) {
        double room = cw - 6;
        if (room != fittedWidth) {
            fittedText.clear();
            fittedWidth = room;
        }
        g.setFont(CELL_FONT);
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        long drawn = 0;
        for (int r = r0; r < r1; r++) {
            double y = plotY + (r + 0.5 - originRow) * ch;
            for (int c = c0; c < c1; c++) {
                int i = r * m.cols() + c;
                String text = fittedText.computeIfAbsent(i, k -> fit(m.cellText().get(k), room));
                if (text.isEmpty()) {
                    continue;
                }
                g.setFill(Fx.textOn(scale.argb(m.values()[i])));
                g.fillText(text, plotX + (c + 0.5 - originCol) * cw, y);
                drawn++;
            }
        }
        return drawn;
    }

    /** The text as shown (escapes for control characters), cut with an ellipsis to {@code room} pixels. */
    private String fit(String raw, double room) {
        String s = Labels.display(raw, 40);
        if (textWidth(s) <= room) {
            return s;
        }
        // Longest prefix (in code points) that fits with the ellipsis; a bare ellipsis if nothing does.
        int lo = 0;
        int hi = s.codePointCount(0, s.length());
        while (lo < hi) {
            int mid = (lo + hi + 1) / 2;
            if (textWidth(s.substring(0, s.offsetByCodePoints(0, mid)) + "\u2026") <= room) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        String cut = s.substring(0, s.offsetByCodePoints(0, lo)) + "\u2026";
        return lo == 0 && textWidth(cut) > room ? "" : cut;
    }

    private double textWidth(String s) {
        measure.setText(s);
        return measure.getLayoutBounds().getWidth();
    }

    private void drawRaster(GraphicsContext g, int r0, int r1, int c0, int c1, double cw, double ch) {
        int fx = downsample(cw, m.cols());
        int fy = downsample(ch, m.rows());
        WritableImage img = raster(fx, fy);
        double sx = originCol / fx;
        double sy = originRow / fy;
        double sw = Math.min(img.getWidth() - sx, plotW / cw / fx);
        double sh = Math.min(img.getHeight() - sy, plotH / ch / fy);
        g.setImageSmoothing(false);
        g.drawImage(img, sx, sy, sw, sh, plotX, plotY, sw * fx * cw, sh * fy * ch);
        long texels = (long) (Math.ceil(sx + sw) - Math.floor(sx)) * (long) (Math.ceil(sy + sh) - Math.floor(sy));
        stats = new RenderStats(DrawMode.IMAGE, r0, r1, c0, c1, texels, fx, fy, 0);
    }

    /**
     * The smallest power of two of cells per raster texel that makes a texel at least a pixel: coarser loses detail,
     * finer makes nearest-neighbour scaling skip cells (and a skipped peak is a missing feature).
     */
    private static int downsample(double cellPx, int n) {
        int f = 1;
        while (cellPx * f < 1 && f < n) {
            f *= 2;
        }
        return f;
    }

    private WritableImage raster(int fx, int fy) {
        return rasters.computeIfAbsent((long) fx << 32 | fy, k -> {
            ColorRaster r = ColorRaster.of(m.values(), m.rows(), m.cols(), scale, fx, fy);
            WritableImage img = new WritableImage(r.width(), r.height());
            img.getPixelWriter().setPixels(0, 0, r.width(), r.height(), PixelFormat.getIntArgbInstance(), r.argb(), 0, r.width());
            return img;
        });
    }

    private void drawLabels(GraphicsContext g, int r0, int r1, int c0, int c1, double cw, double ch) {
        double lh = Fx.lineHeight(LABEL_FONT);
        int sel = selectedRow.get();

        g.save();
        g.beginPath();
        g.rect(0, plotY - 1, plotX, plotH + 2);
        g.clip();
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        int rowStep = (int) Math.max(1, Math.ceil(lh * 1.1 / ch));
        for (int r = r0 - r0 % rowStep; r < r1; r += rowStep) {
            drawRowLabel(g, r, ch, r == sel);
        }
        if (sel >= r0 && sel < r1 && sel % rowStep != 0) {
            drawRowLabel(g, sel, ch, true); // the selection is always labelled
        }
        g.restore();

        g.save();
        g.beginPath();
        g.rect(plotX - 1, plotY + plotH, plotW + 2, canvas.getHeight());
        g.clip();
        g.setFont(LABEL_FONT);
        g.setFill(Fx.TEXT);
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        if (flatColLabelWidth > 0) {
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.TOP);
            int step = (int) Math.max(1, Math.ceil(flatColLabelWidth / cw));
            for (int c = c0 - c0 % step; c < c1; c += step) {
                g.fillText(colText.get(c), plotX + (c + 0.5 - originCol) * cw, plotY + plotH + 6);
            }
        } else {
            int colStep = (int) Math.max(1, Math.ceil(lh * 1.1 / cw));
            for (int c = c0 - c0 % colStep; c < c1; c += colStep) {
                double x = plotX + (c + 0.5 - originCol) * cw;
                g.save();
                g.translate(x, plotY + plotH + 8);
                g.rotate(-90);
                g.fillText(colText.get(c), 0, 0);
                g.restore();
            }
        }
        g.restore();

        g.setFont(AXIS_FONT);
        g.setFill(Fx.TEXT);
        g.setTextAlign(TextAlignment.CENTER);
        if (!blank(m.colAxis())) {
            g.setTextBaseline(VPos.BOTTOM);
            g.fillText(m.colAxis(), plotX + plotW / 2, canvas.getHeight() - 4);
        }
        if (!blank(m.rowAxis())) {
            g.save();
            g.translate(6, plotY + plotH / 2);
            g.rotate(-90);
            g.setTextBaseline(VPos.TOP);
            g.fillText(m.rowAxis(), 0, 0);
            g.restore();
        }
    }

    private void drawRowLabel(GraphicsContext g, int r, double ch, boolean selected) {
        double y = plotY + (r + 0.5 - originRow) * ch;
        if (selected) {
            double w = Fx.textWidth(rowText.get(r), LABEL_FONT_BOLD) + 6;
            g.setFill(Fx.ACCENT.deriveColor(0, 1, 1, 0.25));
            g.fillRect(plotX - 5 - w, y - Fx.lineHeight(LABEL_FONT) / 2, w, Fx.lineHeight(LABEL_FONT));
        }
        g.setFont(selected ? LABEL_FONT_BOLD : LABEL_FONT);
        g.setFill(Fx.TEXT);
        g.fillText(rowText.get(r), plotX - 8, y);
    }

    // ---------------------------------------------------------------- interaction

    private void hover(double x, double y, double screenX, double screenY) {
        int[] cell = cellAt(x, y);
        if (cell == null) {
            clearHover();
            return;
        }
        int r = cell[0];
        int c = cell[1];
        String text = axisName(m.rowAxis(), "row") + ": " + Labels.display(m.rowLabels().get(r), 40) + "  [" + r + "]\n"
                + axisName(m.colAxis(), "column") + ": " + Labels.display(m.colLabels().get(c), 40) + "  [" + c + "]\n"
                + axisName(m.valueLabel(), "value") + ": " + NiceTicks.value(m.get(r, c));
        if (m.cellDetails() != null) {
            text += "\n" + details(m.cellDetails().get(r * m.cols() + c));
        }
        hoverText.set(text);
        tooltip.setText(text);
        if (getScene() != null && getScene().getWindow() != null && getScene().getWindow().isShowing()) {
            if (tooltip.isShowing()) {
                tooltip.setAnchorX(screenX + 14);
                tooltip.setAnchorY(screenY + 14);
            } else {
                tooltip.show(canvas, screenX + 14, screenY + 14);
            }
        }
    }

    private void clearHover() {
        hoverText.set("");
        tooltip.hide();
    }

    private void pressed(MouseEvent e) {
        requestFocus();
        pressX = e.getX();
        pressY = e.getY();
        pressOriginRow = originRow;
        pressOriginCol = originCol;
        dragging = false;
    }

    private void dragged(MouseEvent e) {
        if (!dragging && Math.hypot(e.getX() - pressX, e.getY() - pressY) < 4) {
            return;
        }
        dragging = true;
        clearHover();
        originCol = pressOriginCol - (e.getX() - pressX) / cellW();
        originRow = pressOriginRow - (e.getY() - pressY) / cellH();
        clampOrigin();
        redraw();
    }

    private void released(MouseEvent e) {
        if (dragging) {
            dragging = false;
            return;
        }
        // A click on a cell or on a row label selects that row (idempotent, so a double click does not undo it);
        // ctrl/cmd-click on the selected row clears it.
        int r = e.getX() >= 0 && e.getX() < plotX + plotW ? rowAt(e.getY()) : -1;
        if (r >= 0) {
            boolean clear = r == selectedRow.get() && (e.isControlDown() || e.isShortcutDown());
            selectedRow.set(clear ? -1 : r);
        }
    }

    private void scrolled(ScrollEvent e) {
        if (e.isControlDown() || e.isShortcutDown()) {
            // In wheel notches: a mouse sends whole multiples of the multiplier, a trackpad small fractions.
            boolean vertical = e.getDeltaY() != 0;
            double delta = vertical ? e.getDeltaY() : e.getDeltaX();
            double unit = vertical ? e.getMultiplierY() : e.getMultiplierX();
            zoomAt(Math.pow(ZOOM_STEP, delta / (unit > 0 ? unit : 40)), e.getX(), e.getY());
        } else {
            double dx = e.getDeltaX();
            double dy = e.getDeltaY();
            if (e.isShiftDown() && dx == 0) {
                dx = dy;
                dy = 0;
            }
            panBy(-dx, -dy);
        }
        e.consume();
    }

    private void keyPressed(KeyEvent e) {
        switch (e.getCode()) {
            case PLUS, EQUALS, ADD -> zoomIn();
            case MINUS, SUBTRACT -> zoomOut();
            case DIGIT0, NUMPAD0 -> resetZoom();
            case LEFT -> panBy(-plotW / 10, 0);
            case RIGHT -> panBy(plotW / 10, 0);
            case PAGE_UP -> panBy(0, -plotH * 0.9);
            case PAGE_DOWN -> panBy(0, plotH * 0.9);
            case UP, DOWN -> {
                int step = e.getCode() == javafx.scene.input.KeyCode.UP ? -1 : 1;
                if (selectedRow.get() >= 0) {
                    int r = Math.max(0, Math.min(m.rows() - 1, selectedRow.get() + step));
                    selectedRow.set(r);
                    ensureRowVisible(r);
                } else {
                    panBy(0, step * plotH / 10);
                }
            }
            case ESCAPE -> selectedRow.set(-1);
            default -> {
                return;
            }
        }
        e.consume();
    }

    private void ensureRowVisible(int r) {
        double visible = m.rows() / zoomY();
        if (r < originRow) {
            scrollTo(r, originCol);
        } else if (r + 1 > originRow + visible) {
            scrollTo(r + 1 - visible, originCol);
        }
    }

    /** Multi-line details, each line made printable (a token may hold control characters), at most 30 lines. */
    private static String details(String raw) {
        List<String> lines = raw.lines().limit(31).map(l -> Labels.display(l, 80)).toList();
        return lines.size() > 30 ? String.join("\n", lines.subList(0, 30)) + "\n\u2026" : String.join("\n", lines);
    }

    private static String axisName(String s, String fallback) {
        return blank(s) ? fallback : s;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
