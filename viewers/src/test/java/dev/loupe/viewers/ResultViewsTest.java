package dev.loupe.viewers;

import static dev.loupe.viewers.FxTestSupport.fx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.ComparisonResult;
import dev.loupe.plugin.result.CustomResult;
import dev.loupe.plugin.result.GridResult;
import dev.loupe.plugin.result.ImageResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.SeriesResult;
import dev.loupe.plugin.result.TableResult;
import dev.loupe.plugin.result.TokenScoresResult;
import dev.loupe.viewers.attention.AttentionHeadView;
import dev.loupe.viewers.comparison.ComparisonView;
import dev.loupe.viewers.export.FigureExporter;
import dev.loupe.viewers.grid.GridFocusView;
import dev.loupe.viewers.heatmap.HeatmapView;
import dev.loupe.viewers.image.ImageResultView;
import dev.loupe.viewers.series.SeriesView;
import dev.loupe.viewers.spi.BasicRenderer;
import dev.loupe.viewers.spi.ResultRenderer;
import dev.loupe.viewers.spi.ResultRenderers;
import dev.loupe.viewers.table.TableResultView;
import dev.loupe.viewers.tokens.TokenScoresView;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class ResultViewsTest {

    @TempDir
    Path dir;

    @Start
    void start(Stage stage) {
        stage.show();
    }

    @Test
    void eachStandardResultGetsItsView() {
        MatrixResult m = new MatrixResult("heads", 2, 2, new float[] {1, 2, 3, 4}, List.of("L0", "L1"), List.of("H0", "H1"),
                "layer", "head", "induction", false, java.util.Map.of());
        MatrixResult attention = Samples.ramp(2, 2); // query x key
        List<String> l = List.of("a", "b");
        assertInstanceOf(HeatmapView.class, fx(() -> ResultViews.create(m)));
        assertInstanceOf(AttentionHeadView.class, fx(() -> ResultViews.create(attention)));
        assertInstanceOf(GridFocusView.class, fx(() -> ResultViews.create(new GridResult("g", List.of("r"), List.of("c"), List.of(m)))));
        assertInstanceOf(ComparisonView.class, fx(() -> ResultViews.create(new ComparisonResult("c", List.of(m, m)))));
        assertInstanceOf(SeriesView.class, fx(() -> ResultViews.create(new SeriesResult("s", "x", "y", SeriesResult.Kind.BAR,
                List.of(new SeriesResult.Series("s", l, new double[] {1, 2}))))));
        assertInstanceOf(TokenScoresView.class, fx(() -> ResultViews.create(new TokenScoresResult("t", l, new float[] {1, 2}, "s", false))));
        assertInstanceOf(TableResultView.class, fx(() -> ResultViews.create(new TableResult("t", l, List.of(List.of(1, 2))))));
        assertInstanceOf(ImageResultView.class, fx(() -> ResultViews.create(new ImageResult("i", 1, 1, new int[] {-1}))));
        ResultView v = fx(() -> ResultViews.create(m));
        assertSame(m, v.result());
        assertSame(v, v.node());
    }

    @Test
    void pluginsRegisterRenderersForTheirCustomTypes() {
        CustomResult custom = new CustomResult("Circuit", "test.circuit.view", new JsonObject());
        ResultView fallback = fx(() -> ResultViews.create(custom));
        assertTrue(text(fallback.node()).contains("No renderer"), "unregistered types show their data");

        Label mine = new Label("mine");
        ResultRenderer<CustomResult> circuit = renderer("test.circuit.view", c -> new SimpleView(c, mine));
        ResultRenderers.register(circuit);
        try {
            assertTrue(ResultRenderers.forKind("test.circuit.view").isPresent());
            assertSame(mine, fx(() -> ResultViews.create(custom)).node());
        } finally {
            ResultRenderers.unregister(circuit);
        }
        assertTrue(ResultRenderers.forKind("test.circuit.view").isEmpty());

        ResultRenderer<CustomResult> broken = renderer("test.broken", c -> {
            throw new IllegalStateException("boom");
        });
        ResultRenderers.register(broken);
        try {
            ResultView shown = fx(() -> ResultViews.create(new CustomResult("x", "test.broken", new JsonObject())));
            assertTrue(text(shown.node()).contains("boom"), "a failing renderer is reported, not thrown");
        } finally {
            ResultRenderers.unregister(broken);
        }
    }

    @Test
    void builtInViewsComeThroughTheServiceFileAndAHigherPriorityWins() {
        assertTrue(ResultRenderers.kinds().containsAll(List.of("matrix", "attention", "grid", "comparison", "series",
                "tokens", "table", "image", ResultRenderer.ANY_KIND)), ResultRenderers.kinds().toString());
        // Declared in this module's test META-INF/services, found by the same ServiceLoader as the built-ins.
        assertInstanceOf(ClassPathTestRenderer.class, ResultRenderers.forKind(ClassPathTestRenderer.KIND).orElseThrow());

        MatrixResult m = Samples.ramp(2, 2).withKind(MatrixResult.MATRIX);
        Label mine = new Label("better heatmap");
        ResultRenderer<MatrixResult> better = new BasicRenderer<>(MatrixResult.MATRIX, MatrixResult.class,
                r -> new SimpleView(r, mine), (r, state) -> FigureExporter.figure(r.withKind("attention"), state)) {
            @Override
            public int priority() {
                return 10;
            }
        };
        ResultRenderers.register(better);
        try {
            assertSame(mine, fx(() -> ResultViews.create(m)).node());
        } finally {
            ResultRenderers.unregister(better);
        }
        assertInstanceOf(HeatmapView.class, fx(() -> ResultViews.create(m)));
    }

    private static ResultRenderer<CustomResult> renderer(String kind, Function<CustomResult, ResultView> view) {
        return new BasicRenderer<>(kind, CustomResult.class, view, (c, state) -> {
            throw new IllegalArgumentException("no figure");
        }) {
        };
    }

    private static String text(Node node) {
        return ((Label) ((BorderPane) node).getTop()).getText();
    }

    @Test
    void viewExportIsTheSameFigureAsTheHeadlessExporter() throws Exception {
        MatrixResult m = Samples.ramp(5, 7);
        ResultView view = fx(() -> ResultViews.create(m));
        Path fromView = dir.resolve("view.png");
        Path fromCli = dir.resolve("cli.png");
        view.exportPng(fromView);
        FigureExporter.writePng(m, fromCli);
        assertArrayEquals(pixels(fromCli), pixels(fromView));
        view.exportSvg(dir.resolve("view.svg"));
        FigureExporter.writeSvg(m, dir.resolve("cli.svg"));
        assertEquals(Files.readString(dir.resolve("cli.svg")), Files.readString(dir.resolve("view.svg")));
    }

    private static int[] pixels(Path png) throws Exception {
        BufferedImage img = ImageIO.read(png.toFile());
        BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        rgb.getGraphics().drawImage(img, 0, 0, null);
        return ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
    }

    private record SimpleView(Result result, Node node) implements ResultView {
        @Override
        public JsonObject viewState() {
            return new JsonObject();
        }

        @Override
        public void restoreViewState(JsonObject state) {
        }
    }
}
