package dev.loupe.viewers.export;

import static dev.loupe.viewers.export.FigureExporterTest.byId;
import static dev.loupe.viewers.export.FigureExporterTest.children;
import static dev.loupe.viewers.export.FigureExporterTest.parse;
import static dev.loupe.viewers.export.FigureExporterTest.rgb;
import static dev.loupe.viewers.export.FigureExporterTest.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.plugin.result.ComparisonResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.Samples;
import dev.loupe.viewers.color.ColorScale;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** A comparison as one figure: panels side by side, one shared scale, vector cells per panel in SVG. */
class ComparisonFigureTest {
    @TempDir
    Path dir;

    /** Two 3 x 4 panels over the same axes; the second is the first reversed, so every cell differs. */
    static ComparisonResult pair(String secondValueLabel) {
        MatrixResult a = Samples.matrix("Logit lens", 3, 4, false, (r, c) -> (r * 4 + c) / 11f);
        float[] rev = new float[12];
        for (int i = 0; i < 12; i++) {
            rev[i] = 2 * a.values()[11 - i];
        }
        MatrixResult b = new MatrixResult("Tuned lens", 3, 4, rev, a.rowLabels(), a.colLabels(), a.rowAxis(),
                a.colAxis(), secondValueLabel, false, Map.of("KL", 0.5));
        return new ComparisonResult("Logit lens and tuned lens", List.of(a, b));
    }

    /** rect's x after its transform (JFreeSVG writes translations as matrix(1,0,0,1,tx,ty) on each element). */
    private static double x(Element rect) {
        double x = Double.parseDouble(rect.getAttribute("x"));
        String t = rect.getAttribute("transform");
        if (t.startsWith("matrix(")) {
            String[] m = t.substring(7, t.length() - 1).split(",");
            x = Double.parseDouble(m[0]) * x + Double.parseDouble(m[4]);
        }
        return x;
    }

    @Test
    void svgHasBothPanelsSideBySideAsVectorCellsOnOneScale() throws Exception {
        ComparisonResult c = pair("attention");
        Path svg = dir.resolve("c.svg");
        FigureExporter.writeSvg(c, svg);
        Document doc = parse(svg);
        ComparisonFigure figure = new ComparisonFigure(c);
        ColorScale scale = figure.scale(0);
        assertEquals(ComparisonFigure.scaleOf(c).max(), scale.max());
        assertEquals(2.0, scale.max(), 1e-6, "one scale over both panels' values");
        double leftMax = Double.NEGATIVE_INFINITY;
        double rightMin = Double.POSITIVE_INFINITY;
        for (int p = 0; p < 2; p++) {
            List<Element> rects = children(byId(doc, "panel-" + p + "-cells"), "rect");
            assertEquals(12, rects.size(), "panel " + p + ": one rect per cell");
            for (int i = 0; i < 12; i++) {
                String style = rects.get(i).getAttribute("style");
                assertTrue(style.contains(rgb(scale.argb(c.panels().get(p).values()[i]))), "panel " + p + " rect " + i + ": " + style);
                if (p == 0) {
                    leftMax = Math.max(leftMax, x(rects.get(i)));
                } else {
                    rightMin = Math.min(rightMin, x(rects.get(i)));
                }
            }
        }
        assertTrue(rightMin > leftMax + 20, "the tuned lens is right of the logit lens: " + leftMax + " / " + rightMin);
        byId(doc, "panel-0");
        byId(doc, "panel-1");
        List<String> texts = texts(doc);
        for (String s : List.of("Logit lens and tuned lens", "Logit lens", "Tuned lens", "q0", "k3")) {
            assertTrue(texts.contains(s), "missing text '" + s + "' in " + texts);
        }
        assertEquals(1, doc.getElementsByTagName("linearGradient").getLength(), "one colour bar for the shared scale");
    }

    @Test
    void panelsWithOtherValuesKeepTheirOwnScaleAndBar() throws Exception {
        ComparisonResult c = pair("entropy (nats)");
        ComparisonFigure figure = new ComparisonFigure(c);
        assertNotEquals(figure.scale(0).max(), figure.scale(1).max());
        Path svg = dir.resolve("c.svg");
        FigureExporter.writeSvg(c, svg);
        assertEquals(2, parse(svg).getElementsByTagName("linearGradient").getLength());
    }

    @Test
    void pngShowsEachPanelsCellsWhereTheFigureSaysTheyAre() throws Exception {
        ComparisonResult c = pair("attention");
        Path png = dir.resolve("c.png");
        FigureExporter.writePng(c, png, 1600, 500);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1600, img.getWidth());
        ComparisonFigure figure = new ComparisonFigure(c);
        double s = FigureExporter.scaleFor(figure, 1600, 500);
        for (int p = 0; p < 2; p++) {
            Rectangle2D plot = figure.plotBounds(p, 1600 / s, 500 / s);
            for (int[] rc : new int[][] {{0, 0}, {1, 2}, {2, 3}}) {
                int x = (int) ((plot.getX() + (rc[1] + 0.5) * plot.getWidth() / 4) * s);
                int y = (int) ((plot.getY() + (rc[0] + 0.5) * plot.getHeight() / 3) * s);
                assertEquals(Integer.toHexString(figure.scale(p).argb(c.panels().get(p).get(rc[0], rc[1]))),
                        Integer.toHexString(img.getRGB(x, y)), "panel " + p + " cell " + rc[0] + "," + rc[1]);
            }
        }
        Rectangle2D left = figure.plotBounds(0, 1600 / s, 500 / s);
        Rectangle2D right = figure.plotBounds(1, 1600 / s, 500 / s);
        assertEquals(left.getWidth(), right.getWidth(), 1, "plots of the same width (to a unit: sizes are whole units)");
        assertEquals(left.getY(), right.getY(), 1e-6, "and at the same height");
        assertTrue(right.getX() > left.getMaxX());
    }
}
