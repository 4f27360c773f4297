package dev.loupe.viewers.comparison;

import static dev.loupe.viewers.FxTestSupport.distance;
import static dev.loupe.viewers.FxTestSupport.fx;
import static dev.loupe.viewers.FxTestSupport.fxRun;
import static dev.loupe.viewers.FxTestSupport.hex;
import static dev.loupe.viewers.FxTestSupport.pixel;
import static dev.loupe.viewers.FxTestSupport.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.ComparisonResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.ResultViews;
import dev.loupe.viewers.Samples;
import dev.loupe.viewers.color.ColorScale;
import dev.loupe.viewers.export.ComparisonFigure;
import dev.loupe.viewers.export.FigureExporter;
import dev.loupe.viewers.heatmap.HeatmapView;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The logit lens beside the tuned lens: two heatmaps on one scale, following each other, each with its own hover. */
@ExtendWith(ApplicationExtension.class)
class ComparisonViewTest {
    @TempDir
    Path dir;

    private StackPane root;

    @Start
    void start(Stage stage) {
        root = new StackPane();
        stage.setScene(new Scene(root, 1400, 600));
        stage.show();
    }

    /** Samples.lens() and a "tuned" copy: brighter cells (up to 1.0), other top-1 text and details. */
    static ComparisonResult lenses() {
        MatrixResult logit = Samples.lens();
        float[] v = new float[logit.values().length];
        List<String> text = new ArrayList<>();
        List<String> details = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.min(1f, logit.values()[i] + 0.3f);
            text.add("T" + i);
            details.add("'T" + i + "'  " + v[i] + "\nentropy 0.5 nats");
        }
        MatrixResult tuned = new MatrixResult("Tuned lens (top-1 probability)", logit.rows(), logit.cols(), v,
                logit.rowLabels(), logit.colLabels(), "layer", "position", "probability", false,
                Map.of("KL after training (nats)", 0.25), text, details);
        return new ComparisonResult("Logit lens and tuned lens", List.of(logit, tuned));
    }

    private ComparisonView show(ComparisonResult c) {
        ComparisonView view = assertInstanceOf(ComparisonView.class, fx(() -> ResultViews.create(c)));
        fxRun(() -> root.getChildren().setAll(view));
        return view;
    }

    private static Point2D inCell(HeatmapView v, int r, int c) {
        Bounds b = v.cellBounds(r, c);
        return new Point2D(b.getMinX() + 3, b.getMinY() + 3); // a corner: the cell text sits at the centre
    }

    @Test
    void bothPanelsAreHeatmapsSideBySideOnOneScale() {
        ComparisonResult c = lenses();
        ComparisonView view = show(c);
        List<HeatmapView> panels = view.panels();
        assertEquals(2, panels.size());
        assertSame(c.panels().get(0), panels.get(0).result());
        assertSame(c.panels().get(1), panels.get(1).result());
        Bounds left = fx(() -> panels.get(0).localToScene(panels.get(0).getBoundsInLocal()));
        Bounds right = fx(() -> panels.get(1).localToScene(panels.get(1).getBoundsInLocal()));
        assertTrue(left.getWidth() > 300 && right.getWidth() > 300, left + " / " + right);
        assertTrue(right.getMinX() >= left.getMaxX() - 1, "side by side: " + left + " / " + right);

        ColorScale shared = ComparisonFigure.scaleOf(c);
        for (HeatmapView p : panels) {
            assertEquals(shared.min(), p.colorScale().min());
            assertEquals(shared.max(), p.colorScale().max());
        }
        assertEquals(fx(() -> panels.get(0).plotBounds().getWidth()), fx(() -> panels.get(1).plotBounds().getWidth()), 1,
                "plots of the same size, so the panels line up cell for cell");

        // The same layer and position in each panel, coloured by that panel's value on the shared scale.
        for (int i = 0; i < 2; i++) {
            HeatmapView p = panels.get(i);
            WritableImage img = snapshot(p.canvas());
            // Cells near the origin: a lens opens with readable cells and scrolls along the positions.
            for (int[] rc : new int[][] {{0, 0}, {3, 1}, {5, 2}}) {
                Point2D at = inCell(p, rc[0], rc[1]);
                assertTrue(at.getX() < img.getWidth() && at.getY() < img.getHeight(), "cell " + rc[0] + "," + rc[1] + " is shown");
                int expected = shared.argb(c.panels().get(i).get(rc[0], rc[1]));
                int got = pixel(img, at.getX(), at.getY());
                assertTrue(distance(expected, got) <= 2, "panel " + i + " cell " + rc[0] + "," + rc[1] + ": expected "
                        + hex(expected) + ", got " + hex(got));
            }
        }
        assertTrue(panels.get(1).renderStats().textsDrawn() > 0, "the tuned lens shows its top-1 tokens");
    }

    /** One panel with a long line of figures under it, one with none: their rows must still line up. */
    @Test
    void rowsLineUpAcrossPanelsWhateverTheFiguresUnderThem() {
        ComparisonResult c = lenses();
        MatrixResult t = c.panels().get(1);
        Map<String, Double> many = new java.util.TreeMap<>();
        for (int i = 0; i < 12; i++) {
            many.put("a long summary figure number " + i, i * 1.5);
        }
        MatrixResult wordy = new MatrixResult(t.title(), t.rows(), t.cols(), t.values(), t.rowLabels(), t.colLabels(),
                t.rowAxis(), t.colAxis(), t.valueLabel(), t.diverging(), many, t.cellText(), t.cellDetails());
        ComparisonView view = show(new ComparisonResult(c.title(), List.of(c.panels().get(0), wordy)));
        for (int r : new int[] {0, t.rows() - 1}) {
            int row = r;
            double left = fx(() -> view.panels().get(0).localToScene(view.panels().get(0).cellBounds(row, 0)).getMinY());
            double right = fx(() -> view.panels().get(1).localToScene(view.panels().get(1).cellBounds(row, 0)).getMinY());
            assertEquals(left, right, 1.0, "row " + row + " at the same height in both panels");
        }
    }

    @Test
    void hoverReadsEachPanelsOwnCell(FxRobot robot) {
        ComparisonView view = show(lenses());
        HeatmapView logit = view.panels().get(0);
        HeatmapView tuned = view.panels().get(1);
        robot.moveTo(fx(() -> tuned.canvas().localToScreen(inCell(tuned, 2, 2))));
        String text = tuned.hoverTextProperty().get();
        assertTrue(text.contains("layer: L2") && text.contains("position:  Eiff") && text.contains("'T18'"), text);
        assertEquals("", logit.hoverTextProperty().get(), "the other panel is not hovered");
        robot.moveTo(fx(() -> logit.canvas().localToScreen(inCell(logit, 2, 2))));
        assertTrue(logit.hoverTextProperty().get().contains("'el'"), logit.hoverTextProperty().get());
        assertEquals("", tuned.hoverTextProperty().get());
    }

    @Test
    void panelsFollowEachOthersZoomScrollAndSelectedLayer() {
        ComparisonView view = show(lenses());
        HeatmapView logit = view.panels().get(0);
        HeatmapView tuned = view.panels().get(1);
        fxRun(() -> {
            tuned.setZoom(1.5);
            tuned.scrollTo(2, 4);
        });
        assertEquals(tuned.getZoom(), logit.getZoom(), 1e-9);
        assertEquals(tuned.getOriginRow(), logit.getOriginRow(), 1e-9);
        assertEquals(tuned.getOriginCol(), logit.getOriginCol(), 1e-9);
        assertTrue(logit.getOriginCol() > 0, "scrolled along the positions");
        fxRun(() -> logit.setSelectedRow(3));
        assertEquals(3, tuned.getSelectedRow());

        JsonObject state = fx(view::viewState);
        ComparisonView again = show(lenses());
        fxRun(() -> again.restoreViewState(state));
        assertEquals(3, again.panels().get(1).getSelectedRow());
        assertEquals(logit.getOriginCol(), again.panels().get(0).getOriginCol(), 1e-9);
        fxRun(() -> again.restoreViewState(null)); // a state from elsewhere never breaks the view
    }

    @Test
    void exportsOneFigureWithBothPanels() throws Exception {
        ComparisonResult c = lenses();
        ComparisonView view = show(c);
        Path png = dir.resolve("lenses.png");
        Path svg = dir.resolve("lenses.svg");
        view.exportPng(png);
        view.exportSvg(svg);
        BufferedImage img = ImageIO.read(png.toFile());
        Dimension p = FigureExporter.figure(c).preferredSize();
        assertEquals(p.width * 2, img.getWidth());
        assertEquals(p.height * 2, img.getHeight());
        String text = Files.readString(svg);
        assertEquals(FigureExporter.toSvg(c), text, "the view exports the headless figure");
        assertTrue(text.contains("id='panel-0-cells'") && text.contains("id='panel-1-cells'"), "both panels");
    }
}
