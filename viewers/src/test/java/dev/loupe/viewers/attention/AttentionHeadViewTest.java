package dev.loupe.viewers.attention;

import static dev.loupe.viewers.FxTestSupport.distance;
import static dev.loupe.viewers.FxTestSupport.fx;
import static dev.loupe.viewers.FxTestSupport.fxRun;
import static dev.loupe.viewers.FxTestSupport.hex;
import static dev.loupe.viewers.FxTestSupport.pixel;
import static dev.loupe.viewers.FxTestSupport.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.ResultViews;
import dev.loupe.viewers.Samples;
import dev.loupe.viewers.export.FigureExporter;
import dev.loupe.viewers.fx.Fx;
import dev.loupe.viewers.heatmap.HeatmapView;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class AttentionHeadViewTest {

    @TempDir
    Path dir;

    private StackPane root;

    @Start
    void start(Stage stage) {
        root = new StackPane();
        stage.setScene(new Scene(root, 800, 640));
        stage.show();
    }

    /** Each query attends to its previous token (the first to itself): a previous-token head. */
    static MatrixResult previousTokenHead(int n) {
        return Samples.matrix("L0H1", n, n, false, (q, k) -> k == Math.max(0, q - 1) ? 1f : 0f);
    }

    private AttentionHeadView show(MatrixResult m) {
        AttentionHeadView view = assertInstanceOf(AttentionHeadView.class, fx(() -> ResultViews.create(m)));
        fxRun(() -> root.getChildren().setAll(view));
        return view;
    }

    @Test
    void attentionMatricesAreRecognisedByTheirKind() {
        assertInstanceOf(AttentionHeadView.class, fx(() -> ResultViews.create(previousTokenHead(3))));
        MatrixResult spelledOut = new MatrixResult("h", 1, 1, new float[] {1}, List.of("a"), List.of("a"),
                "Query token", "key token", "attention", false, Map.of(), MatrixResult.ATTENTION);
        assertInstanceOf(AttentionHeadView.class, fx(() -> ResultViews.create(spelledOut)));
        MatrixResult heads = new MatrixResult("h", 1, 1, new float[] {1}, List.of("L0"), List.of("H0"), "layer", "head",
                "induction", false, Map.of());
        assertInstanceOf(HeatmapView.class, fx(() -> ResultViews.create(heads)));
        // Labels no longer choose the view: query x key axes on a plain matrix still get the plain heatmap.
        MatrixResult labelledOnly = previousTokenHead(3).withKind(MatrixResult.MATRIX);
        assertEquals("query", labelledOnly.rowAxis());
        assertEquals("key", labelledOnly.colAxis());
        assertInstanceOf(HeatmapView.class, fx(() -> ResultViews.create(labelledOnly)));
        // A kind on a result of another class than its renderer shows is reported, not thrown.
        assertFalse(fx(() -> ResultViews.create(new dev.loupe.plugin.result.CustomResult("c", MatrixResult.ATTENTION,
                new com.google.gson.JsonObject()))) instanceof AttentionHeadView);
    }

    @Test
    void theToggleSwitchesModesAndKeepsTheSelectedQuery(FxRobot robot) {
        AttentionHeadView view = show(previousTokenHead(8));
        assertSame(view.heatmap(), view.getCenter());
        assertTrue(view.heatmapButton().isSelected());

        // Select query 5 in the heatmap by clicking its row.
        HeatmapView heatmap = view.heatmap();
        Bounds cell = heatmap.cellBounds(5, 2);
        robot.clickOn(fx(() -> heatmap.canvas().localToScreen(new Point2D(cell.getCenterX(), cell.getCenterY()))));
        assertEquals(5, heatmap.getSelectedRow());

        robot.clickOn(view.linesButton());
        assertEquals(AttentionHeadView.Mode.LINES, view.getMode());
        AttentionLinesView lines = view.lines();
        assertSame(lines, view.getCenter());
        assertEquals(5, lines.getSelectedQuery());
        robot.moveTo(view.heatmapButton()); // off the tokens, so no hover focus
        WritableImage img = snapshot(lines.canvas());
        // Query 5 looks at key 4: that line is drawn in the accent; the others are dimmed.
        int focused = pixel(img, (lines.queryLineX() + lines.keyLineX()) / 2, (lines.rowY(5) + lines.rowY(4)) / 2);
        assertTrue(distance(Fx.argb(Fx.ACCENT), focused) <= 30, "highlighted line: " + hex(focused));

        // Picking query 2 in the lines mode selects row 2 of the heatmap.
        Bounds label = lines.queryBounds(2);
        robot.clickOn(fx(() -> lines.canvas().localToScreen(new Point2D(label.getCenterX(), label.getCenterY()))));
        assertEquals(2, heatmap.getSelectedRow());

        robot.clickOn(view.heatmapButton());
        assertSame(heatmap, view.getCenter());
        assertEquals(2, view.getSelectedQuery());
        // Clicking the pressed button keeps its mode: one of the two is always on.
        robot.clickOn(view.heatmapButton());
        assertTrue(view.heatmapButton().isSelected());
        assertEquals(AttentionHeadView.Mode.HEATMAP, view.getMode());
    }

    @Test
    void viewStateKeepsTheModeTheSelectionAndTheHeatmapZoom() {
        AttentionHeadView view = show(previousTokenHead(300));
        fxRun(() -> {
            view.heatmap().setZoom(3);
            view.setMode(AttentionHeadView.Mode.LINES);
            view.setSelectedQuery(250);
        });
        JsonObject state = fx(view::viewState);
        assertEquals("lines", state.get("mode").getAsString());
        double scrolled = view.lines().getScrollY();
        assertTrue(scrolled > 0, "the lines scrolled to query 250");

        AttentionHeadView other = show(previousTokenHead(300));
        fxRun(() -> other.restoreViewState(state));
        assertEquals(AttentionHeadView.Mode.LINES, other.getMode());
        assertTrue(other.linesButton().isSelected());
        assertSame(other.lines(), other.getCenter());
        assertEquals(250, other.getSelectedQuery());
        assertEquals(250, other.lines().getSelectedQuery());
        assertEquals(3, other.heatmap().getZoom(), 1e-9);
        assertEquals(scrolled, other.lines().getScrollY(), 1e-6);

        JsonObject junk = new JsonObject();
        junk.addProperty("mode", "hologram");
        fxRun(() -> other.restoreViewState(junk));
        assertEquals(AttentionHeadView.Mode.HEATMAP, other.getMode());
        assertEquals(-1, other.getSelectedQuery());
    }

    @Test
    void exportWritesTheModeOnScreen() throws Exception {
        MatrixResult m = previousTokenHead(6);
        AttentionHeadView view = show(m);
        view.exportSvg(dir.resolve("heatmap.svg"));
        FigureExporter.writeSvg(m, dir.resolve("cli.svg"));
        assertEquals(Files.readString(dir.resolve("cli.svg")), Files.readString(dir.resolve("heatmap.svg")),
                "heatmap mode exports the heatmap");

        fxRun(() -> {
            view.setMode(AttentionHeadView.Mode.LINES);
            view.setSelectedQuery(4);
        });
        view.exportSvg(dir.resolve("lines.svg"));
        String svg = Files.readString(dir.resolve("lines.svg"));
        assertFalse(svg.contains("id='cells'"), "no heatmap cells");
        // One line per query (a previous-token head), query 4's drawn as the highlighted one.
        assertEquals(5, count(svg, "<line", "id='lines'", "</g>"), "the other queries' lines");
        assertEquals(1, count(svg, "<line", "id='focus-lines'", "</g>"), "the selected query's line");
        for (String token : m.rowLabels()) {
            assertTrue(svg.contains(">" + token + "<"), "token label " + token);
        }
        view.exportPng(dir.resolve("lines.png"));
        assertTrue(Files.size(dir.resolve("lines.png")) > 1000);
    }

    /** Occurrences of {@code what} in the part of {@code s} from {@code from} to the next {@code to}. */
    static int count(String s, String what, String from, String to) {
        int start = s.indexOf(from);
        assertTrue(start >= 0, "no " + from);
        int end = s.indexOf(to, start);
        String part = s.substring(start, end);
        return part.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }
}
