package dev.loupe.viewers.export;

import static dev.loupe.viewers.export.FigureExporterTest.byId;
import static dev.loupe.viewers.export.FigureExporterTest.parse;
import static dev.loupe.viewers.export.FigureExporterTest.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.Samples;
import java.awt.Dimension;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The logit lens as a paper figure: wide cells with the top-1 token in each, as text in the SVG. */
class HeatmapFigureTextTest {

    @TempDir
    Path dir;

    @Test
    void svgHasOneTextPerCellInItsOwnGroup() throws Exception {
        MatrixResult m = Samples.lens();
        Path svg = dir.resolve("lens.svg");
        FigureExporter.writeSvg(m, svg);
        Document doc = parse(svg);
        org.w3c.dom.NodeList nodes = byId(doc, "cell-text").getElementsByTagName("text");
        List<Element> cellTexts = new java.util.ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            cellTexts.add((Element) nodes.item(i));
        }
        assertEquals(m.rows() * m.cols(), cellTexts.size());
        // Row-major, shown as labels are ("\n" as an escape), and each cell's text centred over the cell.
        assertEquals("\\n", cellTexts.get(0).getTextContent());
        assertEquals(" Paris", cellTexts.get(3 * 8 + 6).getTextContent());
        assertEquals(",", cellTexts.get(5 * 8 + 7).getTextContent());
        HeatmapFigure figure = new HeatmapFigure(m);
        Dimension d = figure.preferredSize();
        Rectangle2D p = figure.plotBounds(d.width, d.height);
        double cw = p.getWidth() / m.cols();
        Element paris = cellTexts.get(3 * 8 + 6);
        double x = Double.parseDouble(paris.getAttribute("x"));
        double width = Draw.width(Draw.LABEL, " Paris");
        assertEquals(p.getX() + 6.5 * cw, x + width / 2, 0.5, "centred in column 6");
        assertTrue(cw >= HeatmapFigure.TEXT_MIN_W, "cells wide enough for text: " + cw);
        // The fill follows the cell: black on the light last row, white on the dark first row.
        String onLight = cellTexts.get(5 * 8 + 1).getAttribute("style");
        String onDark = cellTexts.get(1).getAttribute("style");
        assertTrue(onLight.contains("fill: rgb(0,0,0)"), onLight);
        assertTrue(onDark.contains("fill: rgb(255,255,255)"), onDark);
        // Axis labels and the title are still there.
        List<String> all = texts(doc);
        assertTrue(all.contains(" Eiff") && all.contains("final") && all.contains("Logit lens (top-1 probability)"), "" + all);
    }

    @Test
    void withoutCellTextOrWhenTooLargeThereIsNoTextGroup() throws Exception {
        Path plain = dir.resolve("plain.svg");
        FigureExporter.writeSvg(Samples.ramp(6, 8), plain);
        Document doc = parse(plain);
        assertThrows(AssertionError.class, () -> byId(doc, "cell-text"));

        MatrixResult big = Samples.textMatrix(100, 100, (r, c) -> (r + c) % 2); // 10,000 cells > MAX_TEXT_CELLS
        Path bigSvg = dir.resolve("big.svg");
        FigureExporter.writeSvg(big, bigSvg);
        Document bigDoc = parse(bigSvg);
        assertThrows(AssertionError.class, () -> byId(bigDoc, "cell-text"));
        assertTrue(texts(bigDoc).stream().noneMatch(t -> t.equals("t101")), "no cell text at all");
    }

    @Test
    void pngShowsDarkTextInsideALightCell() {
        MatrixResult m = new MatrixResult("lens", 2, 2, new float[] {1, 0, 0, 1}, List.of("L0", "L1"),
                List.of("a", "b"), "layer", "position", "probability", false, Map.of(), List.of("MWM", "MWM", "", ""), null);
        HeatmapFigure figure = new HeatmapFigure(m);
        Dimension d = figure.preferredSize();
        BufferedImage img = FigureExporter.render(figure, d.width, d.height);
        Rectangle2D p = figure.plotBounds(d.width, d.height);
        double cw = p.getWidth() / 2;
        double ch = p.getHeight() / 2;
        assertTrue(dark(img, p.getX(), p.getY(), cw, ch) > 10, "dark text in the light cell (0,0)");
        assertTrue(light(img, p.getX() + cw, p.getY(), cw, ch) > 10, "light text in the dark cell (0,1)");
        assertEquals(0, dark(img, p.getX() + cw, p.getY() + ch, cw, ch), "no text in the light cell (1,1) with empty text");
    }

    private static int dark(BufferedImage img, double x, double y, double w, double h) {
        return count(img, x, y, w, h, true);
    }

    private static int light(BufferedImage img, double x, double y, double w, double h) {
        return count(img, x, y, w, h, false);
    }

    private static int count(BufferedImage img, double x0, double y0, double w, double h, boolean dark) {
        int n = 0;
        for (int y = (int) y0 + 2; y < (int) (y0 + h) - 2; y++) {
            for (int x = (int) x0 + 2; x < (int) (x0 + w) - 2; x++) {
                int p = img.getRGB(x, y);
                double l = 0.299 * (p >> 16 & 255) + 0.587 * (p >> 8 & 255) + 0.114 * (p & 255);
                n += dark ? (l < 60 ? 1 : 0) : (l > 200 ? 1 : 0);
            }
        }
        return n;
    }
}
