package dev.loupe.viewers.export;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.GridResult;
import dev.loupe.plugin.result.ImageResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.SeriesResult;
import dev.loupe.plugin.result.TableResult;
import dev.loupe.plugin.result.TokenScoresResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes a figure of every standard result type; run in a class loader that cannot see JavaFX. */
public final class HeadlessExportProbe {
    private HeadlessExportProbe() {
    }

    public static void run(Path dir) throws Exception {
        List<String> l = List.of("a", "b");
        MatrixResult m = new MatrixResult("m", 2, 2, new float[] {0, 1, 2, 3}, l, l, "r", "c", "v", false, Map.of());
        List<Result> all = List.of(m,
                new GridResult("g", List.of("L0"), List.of("H0", "H1"), List.of(m, m)),
                new SeriesResult("s", "x", "y", SeriesResult.Kind.LINE, List.of(new SeriesResult.Series("s", l, new double[] {1, 2}))),
                new SeriesResult("b", "x", "y", SeriesResult.Kind.BAR, List.of(new SeriesResult.Series("s", l, new double[] {1, 2}))),
                new TokenScoresResult("t", l, new float[] {0.5f, -1}, "score", true),
                new ImageResult("i", 2, 1, new int[] {0xFF000000, 0xFFFFFFFF}),
                new TableResult("tb", List.of("k", "v"), List.of(List.of("x", 1), List.of("y", 2.5))));
        int i = 0;
        for (Result r : all) {
            FigureExporter.writePng(r, dir.resolve("f" + i + ".png"), 320, 240);
            FigureExporter.writeSvg(r, dir.resolve("f" + i + ".svg"));
            i++;
        }
        // An attention head as the lines view shows it, with a query selected.
        MatrixResult head = new MatrixResult("h", 2, 2, new float[] {1, 0, 0.4f, 0.6f}, l, l, "query", "key",
                "attention", false, Map.of(), MatrixResult.ATTENTION);
        JsonObject lines = new JsonObject();
        lines.addProperty("mode", "lines");
        lines.addProperty("selectedRow", 1);
        FigureExporter.writePng(head, lines, dir.resolve("lines.png"));
        FigureExporter.writeSvg(head, lines, dir.resolve("lines.svg"));
    }
}
