package dev.loupe.viewers.export;

import static dev.loupe.viewers.export.FigureExporterTest.byId;
import static dev.loupe.viewers.export.FigureExporterTest.children;
import static dev.loupe.viewers.export.FigureExporterTest.parse;
import static dev.loupe.viewers.export.FigureExporterTest.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.GridResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.Samples;
import dev.loupe.viewers.attention.LineWeights;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Issue 11: an attention head shown as lines exports as lines, not as the heatmap. */
class AttentionLinesFigureTest {

    @TempDir
    Path dir;

    /** A causal head over 6 tokens: query q spreads its weight over keys 0..q, twice as much on key 0. */
    private static MatrixResult causal() {
        List<String> tokens = List.of("<bos>", " The", " cat", " sat", " on", " mat");
        int n = tokens.size();
        float[] v = new float[n * n];
        for (int q = 0; q < n; q++) {
            for (int k = 0; k <= q; k++) {
                v[q * n + k] = (k == 0 ? 2f : 1f) / (q + 2);
            }
        }
        return new MatrixResult("L2H5", n, n, v, tokens, tokens, "query", "key", "attention", false, Map.of(),
                MatrixResult.ATTENTION);
    }

    private static JsonObject lines(int selectedRow) {
        JsonObject o = new JsonObject();
        o.addProperty("mode", "lines");
        o.addProperty("selectedRow", selectedRow);
        return o;
    }

    /** Pairs with a weight of at least the minimum: the lines the figure must draw when none is over budget. */
    private static int linesAtLeastMin(MatrixResult m, int exceptQuery) {
        int n = 0;
        for (int q = 0; q < m.rows(); q++) {
            for (int k = 0; k < m.cols(); k++) {
                n += q != exceptQuery && m.get(q, k) >= LineWeights.MIN_WEIGHT ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void linesModeExportsOneSvgLinePerDrawnPairAndTheTokensOnBothSides() throws Exception {
        MatrixResult m = causal();
        assertInstanceOf(AttentionLinesFigure.class, FigureExporter.figure(m, lines(-1)));
        Path svg = dir.resolve("lines.svg");
        FigureExporter.writeSvg(m, lines(-1), svg);
        Document doc = parse(svg);
        List<Element> drawn = children(byId(doc, "lines"), "line");
        assertEquals(21, linesAtLeastMin(m, -1), "the sample's causal triangle");
        assertEquals(21, drawn.size(), "one <line> per pair of weight >= " + LineWeights.MIN_WEIGHT);
        // Opacity is the weight: query 0's only line (weight 1) is opaque, query 5's on key 1 (1/7) faint.
        List<Double> opacities = drawn.stream().map(AttentionLinesFigureTest::strokeOpacity).toList();
        assertEquals(1.0, opacities.get(0), 1 / 255.0);
        assertEquals(1 / 7.0, opacities.get(16), 1 / 255.0, "line 16 is query 5 -> key 1");
        assertEquals(1, doc.getElementsByTagName("rect").getLength(), "no heatmap cells, only the paper");

        List<String> queryLabels = children(byId(doc, "query-labels"), "g").stream().map(Element::getTextContent).toList();
        List<String> keyLabels = children(byId(doc, "key-labels"), "g").stream().map(Element::getTextContent).toList();
        assertEquals(m.rowLabels(), queryLabels);
        assertEquals(m.colLabels(), keyLabels);
        List<String> texts = texts(doc);
        for (String t : List.of("L2H5", "query", "key", "line opacity = attention", "0.1", "0.25", "0.5", "1",
                "lines of opacity below 0.01 are not drawn")) {
            assertTrue(texts.contains(t), "missing '" + t + "' in " + texts);
        }
    }

    @Test
    void aSelectedQueryIsDrawnAsTheViewHighlightsIt() throws Exception {
        MatrixResult m = causal();
        Path svg = dir.resolve("selected.svg");
        FigureExporter.writeSvg(m, lines(3), svg);
        Document doc = parse(svg);
        List<Element> focus = children(byId(doc, "focus-lines"), "line");
        assertEquals(4, focus.size(), "query 3 looks at keys 0..3");
        assertTrue(focus.get(0).getAttribute("style").contains("stroke:rgb(255,106,0)"), "accent colour");
        assertEquals(2 / 5.0, strokeOpacity(focus.get(0)), 1 / 255.0);
        List<Element> others = children(byId(doc, "lines"), "line");
        assertEquals(linesAtLeastMin(m, 3), others.size());
        assertEquals(LineWeights.DIM, strokeOpacity(others.get(0)), 1 / 255.0, "query 0's weight-1 line, dimmed");
        List<String> texts = texts(doc);
        assertTrue(texts.stream().anyMatch(t -> t.startsWith("selected query:") && t.contains(" sat")), texts.toString());
    }

    @Test
    void overBudgetOnlyTheStrongestLinesAreDrawnAndTheLegendSaysSo() throws Exception {
        // 80 tokens, every query spreads over all keys: 6,400 lines of weight >= 0.01, over the budget.
        int n = 80;
        MatrixResult m = Samples.matrix("diffuse", n, n, false, (q, k) -> (1 + (q * 7 + k * 3) % 11) / 480f);
        AttentionLinesFigure f = assertInstanceOf(AttentionLinesFigure.class, FigureExporter.figure(m, lines(-1)));
        assertTrue(f.threshold() > LineWeights.MIN_WEIGHT, "threshold " + f.threshold());
        assertTrue(f.lineCount() <= LineWeights.LINE_BUDGET && f.lineCount() > LineWeights.LINE_BUDGET / 4,
                "lines " + f.lineCount());
        Path svg = dir.resolve("budget.svg");
        FigureExporter.writeSvg(m, lines(-1), svg);
        Document doc = parse(svg);
        List<Element> drawn = children(byId(doc, "lines"), "line");
        assertEquals(f.lineCount(), drawn.size());
        for (Element e : drawn) {
            assertTrue(strokeOpacity(e) >= f.threshold() - 1 / 255.0, "a line below the threshold: " + e.getAttribute("style"));
        }
        assertTrue(texts(doc).stream().anyMatch(t -> t.startsWith("only the strongest")), "the legend says lines were left out");
    }

    @Test
    void aDifferenceMapKeepsItsSignColoursAndSaysWhatOpacityMeans() throws Exception {
        MatrixResult d = Samples.matrix("\u0394 L0H0", 3, 3, true, (q, k) -> q == k ? 0.4f : q > k ? -0.2f : 0f);
        Path svg = dir.resolve("diff.svg");
        FigureExporter.writeSvg(d, lines(-1), svg);
        Document doc = parse(svg);
        List<Element> drawn = children(byId(doc, "lines"), "line");
        assertEquals(6, drawn.size());
        assertTrue(drawn.get(0).getAttribute("style").contains("stroke:rgb(192,57,43)"), "positive is red");
        assertTrue(drawn.get(1).getAttribute("style").contains("stroke:rgb(47,109,181)"), "negative is blue");
        assertEquals(0.5, strokeOpacity(drawn.get(1)), 1 / 255.0, "|-0.2| / max 0.4");
        List<String> texts = texts(doc);
        assertTrue(texts.contains("line opacity = |attention| / 0.4 (red > 0, blue < 0)"), texts.toString());
        assertTrue(texts.contains("+0.4") && texts.contains("\u22120.4"), texts.toString());
    }

    @Test
    void theGridsFocusedHeadInLinesModeExportsAsLines() throws Exception {
        List<MatrixResult> cells = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            MatrixResult m = causal();
            cells.add(new MatrixResult("L" + c / 2 + "H" + c % 2, m.rows(), m.cols(), m.values(), m.rowLabels(),
                    m.colLabels(), "query", "key", "attention", false, Map.of(), MatrixResult.ATTENTION));
        }
        GridResult grid = new GridResult("Attention patterns", List.of("L0", "L1"), List.of("H0", "H1"), cells);
        JsonObject state = new JsonObject();
        state.addProperty("focusedRow", 1);
        state.addProperty("focusedCol", 0);
        state.add("focus", lines(2));
        AttentionLinesFigure f = assertInstanceOf(AttentionLinesFigure.class, FigureExporter.figure(grid, state));
        assertEquals(2, f.selectedQuery());
        String svg = FigureExporter.toSvg(grid, state);
        assertTrue(svg.contains(">L1H0<") && !svg.contains(">L0H1<"), "the focused head only");
        // The same cell in heatmap mode is still the heatmap on the grid's scale.
        state.getAsJsonObject("focus").addProperty("mode", "heatmap");
        assertInstanceOf(HeatmapFigure.class, FigureExporter.figure(grid, state));
    }

    @Test
    void linesPngRendersWithTheLinesWhereTheFigureSaysTheyAre() throws Exception {
        // Query i looks only at key i: horizontal lines, opaque, at each row's centre.
        MatrixResult m = Samples.matrix("diagonal", 4, 4, false, (q, k) -> q == k ? 1f : 0f);
        Path png = dir.resolve("lines.png");
        FigureExporter.writePng(m, lines(-1), png);
        BufferedImage img = ImageIO.read(png.toFile());
        AttentionLinesFigure f = new AttentionLinesFigure(m, -1);
        assertEquals(f.preferredSize().width * 2, img.getWidth());
        double s = FigureExporter.DEFAULT_PNG_SCALE;
        double w = f.preferredSize().width;
        int x = (int) ((f.queryLineX(w) + f.keyLineX(w)) / 2 * s);
        for (int i = 0; i < 4; i++) {
            int y = (int) (f.rowY(i) * s);
            assertEquals(LineWeights.LINE_ARGB, img.getRGB(x, y), "line " + i + " at " + x + "," + y);
            int between = (int) ((f.rowY(i) + AttentionLinesFigure.ROW / 2) * s);
            assertEquals(0xFFFFFFFF, img.getRGB(x, between), "white paper between lines");
        }
        assertFalse(Files.size(png) == 0);
    }

    private static double strokeOpacity(Element line) {
        for (String part : line.getAttribute("style").split(";")) {
            if (part.startsWith("stroke-opacity:")) {
                return Double.parseDouble(part.substring("stroke-opacity:".length()));
            }
        }
        throw new AssertionError("no stroke-opacity in " + line.getAttribute("style"));
    }
}
