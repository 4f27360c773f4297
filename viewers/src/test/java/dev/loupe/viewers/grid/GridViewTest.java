package dev.loupe.viewers.grid;

import static dev.loupe.viewers.FxTestSupport.distance;
import static dev.loupe.viewers.FxTestSupport.fx;
import static dev.loupe.viewers.FxTestSupport.fxRun;
import static dev.loupe.viewers.FxTestSupport.hex;
import static dev.loupe.viewers.FxTestSupport.pixel;
import static dev.loupe.viewers.FxTestSupport.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.GridResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.Samples;
import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
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

@ExtendWith(ApplicationExtension.class)
class GridViewTest {
    private StackPane root;

    @Start
    void start(Stage stage) {
        root = new StackPane();
        stage.setScene(new Scene(root, 900, 700));
        stage.show();
    }

    /** 12 x 12 heads; head (l, h) attends fully to key (l + h) % n, so every thumbnail differs. */
    private static GridResult grid(int layers, int heads, int n) {
        List<MatrixResult> cells = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                int target = (l + h) % n;
                cells.add(Samples.matrix("L" + l + "H" + h, n, n, false, (r, c) -> c == target ? 1f : 0f));
            }
        }
        return new GridResult("heads", Samples.labels("L", layers), Samples.labels("H", heads), cells);
    }

    private GridView show(GridResult g) {
        GridView view = fx(() -> new GridView(g));
        fxRun(() -> root.getChildren().setAll(view));
        return view;
    }

    @Test
    void thumbnailsShowEachCellOnTheSharedScale() {
        GridResult g = grid(12, 12, 8);
        GridView view = show(g);
        WritableImage img = snapshot(view.canvas());
        // Head (2, 3) attends to key 5: that column of its thumbnail is hot, the others cold.
        Bounds b = view.thumbBounds(2, 3);
        double colW = b.getWidth() / 8;
        int hot = pixel(img, b.getMinX() + 5.5 * colW, b.getMinY() + b.getHeight() / 2);
        int cold = pixel(img, b.getMinX() + 1.5 * colW, b.getMinY() + b.getHeight() / 2);
        assertTrue(distance(view.colorScale().argb(1), hot) <= 2, hex(hot));
        assertTrue(distance(view.colorScale().argb(0), cold) <= 2, hex(cold));
    }

    @Test
    void clickingAThumbnailFocusesThatCell(FxRobot robot) {
        GridResult g = grid(12, 12, 8);
        GridView view = show(g);
        assertNull(view.getFocusedCell());
        Bounds b = view.thumbBounds(7, 4);
        robot.clickOn(fx(() -> view.canvas().localToScreen(new Point2D(b.getCenterX(), b.getCenterY()))));
        assertEquals(new GridView.Cell(7, 4), view.getFocusedCell());
        assertSame(g.cell(7, 4), view.focusedMatrix());
        robot.type(KeyCode.RIGHT).type(KeyCode.DOWN);
        assertEquals(new GridView.Cell(8, 5), view.getFocusedCell());

        WritableImage img = snapshot(view.canvas());
        Bounds f = view.thumbBounds(8, 5);
        int frame = pixel(img, f.getMinX() - 2, f.getCenterY());
        assertTrue(distance(0xFFFF6A00, frame) <= 30, "focused thumbnail is framed in the accent colour: " + hex(frame));
    }

    @Test
    void viewStateKeepsTheFocusedCell() {
        GridView view = show(grid(3, 4, 4));
        fxRun(() -> view.setFocusedCell(new GridView.Cell(2, 1)));
        JsonObject state = fx(view::viewState);
        GridView other = show(grid(3, 4, 4));
        fxRun(() -> other.restoreViewState(state));
        assertEquals(new GridView.Cell(2, 1), other.getFocusedCell());
        JsonObject outside = new JsonObject();
        outside.addProperty("focusedRow", 9);
        outside.addProperty("focusedCol", 0);
        fxRun(() -> other.restoreViewState(outside));
        assertNull(other.getFocusedCell());
    }

    @Test
    void largeCellsBecomeSmallThumbnails() {
        GridResult g = grid(2, 2, 500);
        GridView view = show(g);
        WritableImage img = snapshot(view.canvas());
        // Head (1, 1) attends to key 2 of 500: one column, still visible after downsampling to the thumbnail.
        Bounds b = view.thumbBounds(1, 1);
        boolean hot = false;
        for (double x = b.getMinX(); x < b.getMinX() + 6; x += 1) {
            hot |= distance(view.colorScale().argb(1), pixel(img, x, b.getCenterY())) <= 2;
        }
        assertTrue(hot, "a one-cell-wide feature survives the thumbnail");
    }
}
