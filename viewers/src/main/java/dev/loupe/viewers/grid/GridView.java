package dev.loupe.viewers.grid;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.GridResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.Result;
import dev.loupe.viewers.ResultPane;
import dev.loupe.viewers.ViewStates;
import dev.loupe.viewers.color.ColorBar;
import dev.loupe.viewers.color.ColorRaster;
import dev.loupe.viewers.color.ColorScale;
import dev.loupe.viewers.export.GridFigure;
import dev.loupe.viewers.export.Labels;
import dev.loupe.viewers.fx.Fx;
import java.util.List;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * Every cell of a {@link GridResult} (e.g. 12 x 12 layers x heads) as a thumbnail, all on one colour scale so that
 * they compare. Thumbnails are small rasters (at most {@link #THUMB_TEXELS} a side, each texel the peak of its block)
 * made once, so the grid redraws as a handful of image blits. Clicking a thumbnail, or moving with the arrow keys,
 * sets {@link #focusedCellProperty()}; {@link GridFocusView} opens that cell beside the grid.
 */
public final class GridView extends ResultPane<GridResult> {

    /** A cell of the grid: row and column index. */
    public record Cell(int row, int col) {
    }

    public static final int THUMB_TEXELS = 64;

    private static final Font LABEL_FONT = Font.font(11);
    private static final double MIN_THUMB = 12;

    private final ColorScale scale;
    private final int rows;
    private final int cols;
    private final List<String> rowText;
    private final List<String> colText;
    private final WritableImage[] thumbs;
    private final Canvas canvas = new Canvas();
    private final Tooltip tooltip = new Tooltip();
    private final ColorBar colorBar;
    private final ObjectProperty<Cell> focusedCell = new SimpleObjectProperty<>(this, "focusedCell");
    private Cell hovered;
    private double gridX;
    private double gridY;
    private double pitch;

    public GridView(GridResult grid) {
        super(grid);
        this.scale = GridFigure.scaleOf(grid);
        rows = grid.rowLabels().size();
        cols = grid.colLabels().size();
        rowText = grid.rowLabels().stream().map(s -> Labels.display(s, 14)).toList();
        colText = grid.colLabels().stream().map(s -> Labels.display(s, 14)).toList();
        thumbs = new WritableImage[grid.cells().size()];
        for (int i = 0; i < thumbs.length; i++) {
            MatrixResult c = grid.cells().get(i);
            if (c.rows() > 0 && c.cols() > 0) {
                ColorRaster r = ColorRaster.fitting(c.values(), c.rows(), c.cols(), scale, THUMB_TEXELS, THUMB_TEXELS);
                thumbs[i] = new WritableImage(r.width(), r.height());
                thumbs[i].getPixelWriter().setPixels(0, 0, r.width(), r.height(), PixelFormat.getIntArgbInstance(),
                        r.argb(), 0, r.width());
            }
        }
        getStyleClass().add("loupe-grid");
        if (!grid.title().isBlank()) {
            Label title = new Label(grid.title());
            title.setStyle("-fx-font-weight: bold; -fx-padding: 4 8 2 8;");
            setTop(title);
        }
        Pane pane = new Pane(canvas) {
            @Override
            protected void layoutChildren() {
                canvas.setWidth(getWidth());
                canvas.setHeight(getHeight());
                redraw();
            }
        };
        double labelW = Fx.maxTextWidth(rowText, LABEL_FONT, 100) + 10;
        pane.setMinSize(labelW + cols * MIN_THUMB * 1.1, 24 + rows * MIN_THUMB * 1.1);
        pane.setPrefSize(labelW + cols * 48 * 1.1 + 8, 24 + rows * 48 * 1.1 + 8);
        setCenter(pane);
        String valueLabel = grid.cells().isEmpty() ? "" : grid.cells().get(0).valueLabel();
        colorBar = new ColorBar(scale, valueLabel);
        setRight(colorBar);

        setFocusTraversable(true);
        focusedCell.addListener((obs, was, now) -> redraw());
        canvas.addEventHandler(MouseEvent.MOUSE_MOVED, e -> hover(cellAt(e.getX(), e.getY()), e.getScreenX(), e.getScreenY()));
        canvas.addEventHandler(MouseEvent.MOUSE_EXITED, e -> hover(null, 0, 0));
        canvas.addEventHandler(MouseEvent.MOUSE_CLICKED, e -> {
            requestFocus();
            Cell c = cellAt(e.getX(), e.getY());
            if (c != null) {
                focusedCell.set(c);
            }
        });
        addEventHandler(KeyEvent.KEY_PRESSED, this::keyPressed);
        // A tooltip is a window of its own: it must not outlive the view's place in a scene (closed tab).
        sceneProperty().addListener((obs, was, now) -> hover(null, 0, 0));
    }

    public GridResult grid() {
        return result;
    }

    public ColorScale colorScale() {
        return scale;
    }

    /** The cell the user picked, or null. */
    public ObjectProperty<Cell> focusedCellProperty() {
        return focusedCell;
    }

    public Cell getFocusedCell() {
        return focusedCell.get();
    }

    public void setFocusedCell(Cell c) {
        focusedCell.set(c);
    }

    /** The matrix of the focused cell, or null. */
    public MatrixResult focusedMatrix() {
        Cell c = focusedCell.get();
        return c == null ? null : result.cell(c.row(), c.col());
    }

    /** Where the thumbnail of (row, col) is, in the canvas's coordinates. */
    public Bounds thumbBounds(int row, int col) {
        double size = pitch * 0.9;
        return new BoundingBox(gridX + col * pitch, gridY + row * pitch, size, size);
    }

    public Canvas canvas() {
        return canvas;
    }

    @Override
    public JsonObject viewState() {
        JsonObject o = new JsonObject();
        Cell c = focusedCell.get();
        if (c != null) {
            o.addProperty("focusedRow", c.row());
            o.addProperty("focusedCol", c.col());
        }
        return o;
    }

    @Override
    public void restoreViewState(JsonObject state) {
        int r = ViewStates.getInt(state, "focusedRow", -1);
        int c = ViewStates.getInt(state, "focusedCol", -1);
        focusedCell.set(r >= 0 && r < rows && c >= 0 && c < cols ? new Cell(r, c) : null);
    }

    private Cell cellAt(double x, double y) {
        if (pitch <= 0) {
            return null;
        }
        int c = (int) Math.floor((x - gridX) / pitch);
        int r = (int) Math.floor((y - gridY) / pitch);
        if (r < 0 || r >= rows || c < 0 || c >= cols) {
            return null;
        }
        return thumbBounds(r, c).contains(x, y) ? new Cell(r, c) : null;
    }

    private void redraw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.clearRect(0, 0, w, h);
        if (rows == 0 || cols == 0) {
            return;
        }
        double lh = Fx.lineHeight(LABEL_FONT);
        gridX = Fx.maxTextWidth(rowText, LABEL_FONT, 100) + 10;
        gridY = lh + 8;
        pitch = Math.floor(Math.max(MIN_THUMB, Math.min((w - gridX - 4) / cols, (h - gridY - 4) / rows)));
        double size = pitch * 0.9;
        colorBar.setBarInsets(gridY, Math.max(0, h - gridY - (rows - 1) * pitch - size));

        g.setFont(LABEL_FONT);
        g.setFill(Fx.TEXT);
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.BOTTOM);
        int colStep = (int) Math.max(1, Math.ceil((Fx.maxTextWidth(colText, LABEL_FONT, 200) + 4) / pitch));
        for (int c = 0; c < cols; c += colStep) {
            g.fillText(colText.get(c), gridX + c * pitch + size / 2, gridY - 3);
        }
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        int rowStep = (int) Math.max(1, Math.ceil(lh * 1.1 / pitch));
        for (int r = 0; r < rows; r += rowStep) {
            g.fillText(rowText.get(r), gridX - 6, gridY + r * pitch + size / 2);
        }
        g.setImageSmoothing(false);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                Bounds b = thumbBounds(r, c);
                WritableImage img = thumbs[r * cols + c];
                if (img != null) {
                    g.drawImage(img, b.getMinX(), b.getMinY(), b.getWidth(), b.getHeight());
                }
                g.setStroke(Color.web("#999999"));
                g.setLineWidth(1);
                g.strokeRect(b.getMinX() - 0.5, b.getMinY() - 0.5, b.getWidth() + 1, b.getHeight() + 1);
            }
        }
        if (hovered != null && !hovered.equals(focusedCell.get())) {
            Bounds b = thumbBounds(hovered.row(), hovered.col());
            g.setStroke(Fx.TEXT);
            g.setLineWidth(1.5);
            g.strokeRect(b.getMinX() - 1, b.getMinY() - 1, b.getWidth() + 2, b.getHeight() + 2);
        }
        Cell f = focusedCell.get();
        if (f != null) {
            Bounds b = thumbBounds(f.row(), f.col());
            g.setStroke(Fx.ACCENT);
            g.setLineWidth(3);
            g.strokeRect(b.getMinX() - 2, b.getMinY() - 2, b.getWidth() + 4, b.getHeight() + 4);
        }
    }

    private void hover(Cell c, double screenX, double screenY) {
        if (c == null ? hovered == null : c.equals(hovered)) {
            if (c != null && tooltip.isShowing()) {
                tooltip.setAnchorX(screenX + 14);
                tooltip.setAnchorY(screenY + 14);
            }
            return;
        }
        hovered = c;
        redraw();
        if (c == null) {
            tooltip.hide();
            return;
        }
        MatrixResult m = result.cell(c.row(), c.col());
        tooltip.setText(result.rowLabels().get(c.row()) + " \u00b7 " + result.colLabels().get(c.col())
                + (m.title().isBlank() ? "" : "\n" + m.title()) + "\nclick to open");
        if (getScene() != null && getScene().getWindow() != null && getScene().getWindow().isShowing()) {
            tooltip.show(canvas, screenX + 14, screenY + 14);
        }
    }

    public Tooltip hoverTooltip() {
        return tooltip;
    }

    private void keyPressed(KeyEvent e) {
        Cell f = focusedCell.get();
        int r = f == null ? 0 : f.row();
        int c = f == null ? 0 : f.col();
        switch (e.getCode()) {
            case LEFT -> c--;
            case RIGHT -> c++;
            case UP -> r--;
            case DOWN -> r++;
            case ESCAPE -> {
                focusedCell.set(null);
                e.consume();
                return;
            }
            default -> {
                return;
            }
        }
        if (f == null) {
            r = 0;
            c = 0;
        }
        focusedCell.set(new Cell(Math.max(0, Math.min(rows - 1, r)), Math.max(0, Math.min(cols - 1, c))));
        e.consume();
    }
}
