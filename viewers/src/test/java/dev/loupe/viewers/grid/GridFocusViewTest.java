package dev.loupe.viewers.grid;

import static dev.loupe.viewers.FxTestSupport.distance;
import static dev.loupe.viewers.FxTestSupport.fx;
import static dev.loupe.viewers.FxTestSupport.fxRun;
import static dev.loupe.viewers.FxTestSupport.hex;
import static dev.loupe.viewers.FxTestSupport.pixel;
import static dev.loupe.viewers.FxTestSupport.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.GridResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.ResultViews;
import dev.loupe.viewers.Samples;
import dev.loupe.viewers.attention.AttentionHeadView;
import dev.loupe.viewers.heatmap.HeatmapView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class GridFocusViewTest {
    private StackPane root;

    @Start
    void start(Stage stage) {
        root = new StackPane();
        stage.setScene(new Scene(root, 1200, 700));
        stage.show();
    }

    /** Head (l, h) attends fully to key (l + h) % n from every query. */
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

    private GridFocusView show(GridResult g) {
        GridFocusView view = assertInstanceOf(GridFocusView.class, fx(() -> ResultViews.create(g)));
        fxRun(() -> root.getChildren().setAll(view));
        return view;
    }

    private static void click(FxRobot robot, GridView grid, int row, int col) {
        Bounds b = grid.thumbBounds(row, col);
        robot.clickOn(fx(() -> grid.canvas().localToScreen(new Point2D(b.getCenterX(), b.getCenterY()))));
    }

    private static boolean showing(Node n) {
        return fx(() -> n.getScene() != null && n.isVisible() && n.getLayoutBounds().getWidth() > 100
                && n.getLayoutBounds().getHeight() > 100);
    }

    @Test
    void clickingAThumbnailOpensThatHeadBesideTheGrid(FxRobot robot) {
        GridResult g = grid(12, 12, 8);
        GridFocusView view = show(g);
        assertNull(view.focusedView());
        click(robot, view.grid(), 3, 6);

        AttentionHeadView head = assertInstanceOf(AttentionHeadView.class, view.focusedView());
        assertSame(g.cell(3, 6), head.result());
        assertTrue(showing(head.node()), "the focused head is laid out in the view");
        assertTrue(showing(view.grid()), "and the grid is still there");
        Bounds gridBox = fx(() -> view.grid().localToScene(view.grid().getBoundsInLocal()));
        Bounds headBox = fx(() -> head.node().localToScene(head.node().getBoundsInLocal()));
        assertTrue(headBox.getMinX() >= gridBox.getMaxX() - 1, "side by side: " + gridBox + " / " + headBox);

        // Its heatmap shows that head's pattern (key 9 % 8 = 1 hot) on the grid's scale, as the thumbnail does.
        HeatmapView heatmap = head.heatmap();
        assertEquals(view.grid().colorScale().min(), heatmap.colorScale().min());
        assertEquals(view.grid().colorScale().max(), heatmap.colorScale().max());
        WritableImage img = snapshot(heatmap.canvas());
        Bounds hot = heatmap.cellBounds(4, 1);
        Bounds cold = heatmap.cellBounds(4, 2);
        int hotPx = pixel(img, hot.getCenterX(), hot.getCenterY());
        int coldPx = pixel(img, cold.getCenterX(), cold.getCenterY());
        assertTrue(distance(view.grid().colorScale().argb(1), hotPx) <= 2, hex(hotPx));
        assertTrue(distance(view.grid().colorScale().argb(0), coldPx) <= 2, hex(coldPx));
    }

    @Test
    void anotherHeadKeepsTheModeAndTheSelectedQuery(FxRobot robot) {
        GridFocusView view = show(grid(4, 4, 8));
        click(robot, view.grid(), 1, 1);
        AttentionHeadView first = (AttentionHeadView) view.focusedView();
        fxRun(() -> {
            first.setMode(AttentionHeadView.Mode.LINES);
            first.setSelectedQuery(6);
        });
        click(robot, view.grid(), 2, 3);
        AttentionHeadView second = (AttentionHeadView) view.focusedView();
        assertNotSame(first, second);
        assertSame(view.grid().grid().cell(2, 3), second.result());
        assertEquals(AttentionHeadView.Mode.LINES, second.getMode());
        assertEquals(6, second.getSelectedQuery());
        assertTrue(showing(second.lines()), "the lines mode is what shows");
        assertTrue(first.getScene() == null || fx(() -> first.getScene() == null), "the old head left the scene");
    }

    @Test
    void exportingWhileTheFocusedHeadShowsLinesWritesItsLines(@TempDir Path dir) throws Exception {
        GridFocusView view = show(grid(3, 4, 6));
        fxRun(() -> view.grid().setFocusedCell(new GridView.Cell(2, 1)));
        AttentionHeadView head = (AttentionHeadView) view.focusedView();
        view.exportSvg(dir.resolve("heatmap.svg"));
        assertTrue(Files.readString(dir.resolve("heatmap.svg")).contains("id='cells'"), "heatmap mode: the heatmap");

        fxRun(() -> {
            head.setMode(AttentionHeadView.Mode.LINES);
            head.setSelectedQuery(3);
        });
        view.exportSvg(dir.resolve("lines.svg"));
        String svg = Files.readString(dir.resolve("lines.svg"));
        assertFalse(svg.contains("id='cells'"), "no heatmap");
        assertTrue(svg.contains(">L2H1<") && !svg.contains(">L0H0<"), "the focused head's lines only");
        // Head (2, 1) attends fully to key 3 from each of its 6 queries; query 3's line is the highlighted one.
        int start = svg.indexOf("id='lines'");
        assertEquals(5, svg.substring(start, svg.indexOf("</g>", start)).split("<line", -1).length - 1);
        assertTrue(svg.contains("id='focus-lines'"));
        view.exportPng(dir.resolve("lines.png"));
        assertTrue(Files.size(dir.resolve("lines.png")) > 1000);
    }

    @Test
    void nonAttentionCellsOpenAsPlainHeatmaps(FxRobot robot) {
        MatrixResult a = new MatrixResult("a", 2, 2, new float[] {1, 2, 3, 4}, List.of("L0", "L1"), List.of("H0", "H1"),
                "layer", "head", "score", false, Map.of());
        GridFocusView view = show(new GridResult("g", List.of("r"), List.of("c0", "c1"), List.of(a, a)));
        click(robot, view.grid(), 0, 1);
        HeatmapView h = assertInstanceOf(HeatmapView.class, view.focusedView());
        assertTrue(showing(h));
    }

    @Test
    void viewStateKeepsTheFocusedHeadAndItsState() {
        GridFocusView view = show(grid(3, 4, 6));
        fxRun(() -> view.grid().setFocusedCell(new GridView.Cell(2, 1)));
        AttentionHeadView head = (AttentionHeadView) view.focusedView();
        fxRun(() -> {
            head.setMode(AttentionHeadView.Mode.LINES);
            head.setSelectedQuery(3);
        });
        JsonObject state = fx(view::viewState);

        GridFocusView other = show(grid(3, 4, 6));
        fxRun(() -> other.restoreViewState(state));
        assertEquals(new GridView.Cell(2, 1), other.grid().getFocusedCell());
        AttentionHeadView restored = assertInstanceOf(AttentionHeadView.class, other.focusedView());
        assertEquals(AttentionHeadView.Mode.LINES, restored.getMode());
        assertEquals(3, restored.getSelectedQuery());

        fxRun(() -> other.restoreViewState(new JsonObject()));
        assertNull(other.focusedView());
    }
}
