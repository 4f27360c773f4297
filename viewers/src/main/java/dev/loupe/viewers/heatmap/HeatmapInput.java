package dev.loupe.viewers.heatmap;

import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.color.NiceTicks;
import dev.loupe.viewers.export.Labels;
import java.util.List;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.input.ZoomEvent;

/**
 * A heatmap's mouse, keyboard and hover read-out: zoom (ctrl+scroll, pinch, +/-, F or 0 to fit), pan (drag, scroll,
 * arrows, page up/down), row selection (click a cell or a row label; up/down move it; Escape or ctrl-click on the
 * selected row clears it), and the tooltip naming the cell under the mouse.
 */
final class HeatmapInput {
    private final HeatmapView view;
    private final MatrixResult m;
    private final HeatmapViewport vp;
    private final Canvas canvas;
    private final Tooltip tooltip = new Tooltip();
    private final ReadOnlyStringWrapper hoverText;

    private double pressX;
    private double pressY;
    private double pressOriginRow;
    private double pressOriginCol;
    private boolean dragging;

    HeatmapInput(HeatmapView view, HeatmapViewport vp, Canvas canvas) {
        this.view = view;
        this.m = view.matrix();
        this.vp = vp;
        this.canvas = canvas;
        hoverText = new ReadOnlyStringWrapper(view, "hoverText", "");
        canvas.addEventHandler(MouseEvent.MOUSE_MOVED, e -> hover(e.getX(), e.getY(), e.getScreenX(), e.getScreenY()));
        canvas.addEventHandler(MouseEvent.MOUSE_EXITED, e -> clearHover());
        canvas.addEventHandler(MouseEvent.MOUSE_PRESSED, this::pressed);
        canvas.addEventHandler(MouseEvent.MOUSE_DRAGGED, this::dragged);
        canvas.addEventHandler(MouseEvent.MOUSE_RELEASED, this::released);
        canvas.addEventHandler(ScrollEvent.SCROLL, this::scrolled);
        canvas.addEventHandler(ZoomEvent.ZOOM, e -> {
            view.zoomAt(e.getZoomFactor(), e.getX(), e.getY());
            e.consume();
        });
        view.addEventHandler(KeyEvent.KEY_PRESSED, this::keyPressed);
        // A tooltip is a window of its own: it must not outlive the view's place in a scene (closed tab).
        view.sceneProperty().addListener((obs, was, now) -> clearHover());
    }

    ReadOnlyStringProperty hoverTextProperty() {
        return hoverText.getReadOnlyProperty();
    }

    Tooltip tooltip() {
        return tooltip;
    }

    private void hover(double x, double y, double screenX, double screenY) {
        int[] cell = vp.cellAt(x, y);
        if (cell == null) {
            clearHover();
            return;
        }
        String text = describe(m, cell[0], cell[1]);
        hoverText.set(text);
        tooltip.setText(text);
        var scene = view.getScene();
        if (scene != null && scene.getWindow() != null && scene.getWindow().isShowing()) {
            if (tooltip.isShowing()) {
                tooltip.setAnchorX(screenX + 14);
                tooltip.setAnchorY(screenY + 14);
            } else {
                tooltip.show(canvas, screenX + 14, screenY + 14);
            }
        }
    }

    /** Row label, column label and value of a cell, then its cell details if the matrix has them. */
    static String describe(MatrixResult m, int r, int c) {
        String text = axisName(m.rowAxis(), "row") + ": " + Labels.display(m.rowLabels().get(r), 40) + "  [" + r + "]\n"
                + axisName(m.colAxis(), "column") + ": " + Labels.display(m.colLabels().get(c), 40) + "  [" + c + "]\n"
                + axisName(m.valueLabel(), "value") + ": " + NiceTicks.value(m.get(r, c));
        if (m.cellDetails() != null) {
            text += "\n" + details(m.cellDetails().get(r * m.cols() + c));
        }
        return text;
    }

    void clearHover() {
        hoverText.set("");
        tooltip.hide();
    }

    private void pressed(MouseEvent e) {
        view.requestFocus();
        pressX = e.getX();
        pressY = e.getY();
        pressOriginRow = vp.originRow();
        pressOriginCol = vp.originCol();
        dragging = false;
    }

    private void dragged(MouseEvent e) {
        if (!dragging && Math.hypot(e.getX() - pressX, e.getY() - pressY) < 4) {
            return;
        }
        dragging = true;
        clearHover();
        view.scrollTo(pressOriginRow - (e.getY() - pressY) / vp.cellH(), pressOriginCol - (e.getX() - pressX) / vp.cellW());
    }

    private void released(MouseEvent e) {
        if (dragging) {
            dragging = false;
            return;
        }
        // A click on a cell or on a row label selects that row (idempotent, so a double click does not undo it);
        // ctrl/cmd-click on the selected row clears it.
        int r = e.getX() >= 0 && e.getX() < vp.plotX() + vp.plotW() ? vp.rowAt(e.getY()) : -1;
        if (r >= 0) {
            boolean clear = r == view.getSelectedRow() && (e.isControlDown() || e.isShortcutDown());
            view.setSelectedRow(clear ? -1 : r);
        }
    }

    private void scrolled(ScrollEvent e) {
        if (e.isControlDown() || e.isShortcutDown()) {
            // In wheel notches: a mouse sends whole multiples of the multiplier, a trackpad small fractions.
            boolean vertical = e.getDeltaY() != 0;
            double delta = vertical ? e.getDeltaY() : e.getDeltaX();
            double unit = vertical ? e.getMultiplierY() : e.getMultiplierX();
            view.zoomAt(Math.pow(HeatmapViewport.ZOOM_STEP, delta / (unit > 0 ? unit : 40)), e.getX(), e.getY());
        } else {
            double dx = e.getDeltaX();
            double dy = e.getDeltaY();
            if (e.isShiftDown() && dx == 0) {
                dx = dy;
                dy = 0;
            }
            view.panBy(-dx, -dy);
        }
        // The content moved under a still mouse: the read-out names the cell now under it.
        if (!hoverText.get().isEmpty()) {
            hover(e.getX(), e.getY(), e.getScreenX(), e.getScreenY());
        }
        e.consume();
    }

    private void keyPressed(KeyEvent e) {
        switch (e.getCode()) {
            case PLUS, EQUALS, ADD -> view.zoomIn();
            case MINUS, SUBTRACT -> view.zoomOut();
            case DIGIT0, NUMPAD0, F -> view.resetZoom();
            case LEFT -> view.panBy(-vp.plotW() / 10, 0);
            case RIGHT -> view.panBy(vp.plotW() / 10, 0);
            case PAGE_UP -> view.panBy(0, -vp.plotH() * 0.9);
            case PAGE_DOWN -> view.panBy(0, vp.plotH() * 0.9);
            case UP, DOWN -> {
                int step = e.getCode() == KeyCode.UP ? -1 : 1;
                if (view.getSelectedRow() >= 0) {
                    int r = Math.max(0, Math.min(m.rows() - 1, view.getSelectedRow() + step));
                    view.setSelectedRow(r);
                    vp.ensureRowVisible(r);
                    view.redraw();
                } else {
                    view.panBy(0, step * vp.plotH() / 10);
                }
            }
            case ESCAPE -> view.setSelectedRow(-1);
            default -> {
                return;
            }
        }
        e.consume();
    }

    /** Multi-line details, each line made printable (a token may hold control characters), at most 30 lines. */
    private static String details(String raw) {
        List<String> lines = raw.lines().limit(31).map(l -> Labels.display(l, 80)).toList();
        return lines.size() > 30 ? String.join("\n", lines.subList(0, 30)) + "\n\u2026" : String.join("\n", lines);
    }

    private static String axisName(String s, String fallback) {
        return HeatmapPainter.blank(s) ? fallback : s;
    }
}
