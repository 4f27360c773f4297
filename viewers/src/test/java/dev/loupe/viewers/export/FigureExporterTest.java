package dev.loupe.viewers.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.CustomResult;
import dev.loupe.plugin.result.GridResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.SeriesResult;
import dev.loupe.viewers.Samples;
import dev.loupe.viewers.color.ColorScale;
import dev.loupe.viewers.spi.BasicRenderer;
import dev.loupe.viewers.spi.ResultRenderer;
import dev.loupe.viewers.spi.ResultRenderers;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

class FigureExporterTest {

    @TempDir
    Path dir;

    private static final MatrixResult SMALL = new MatrixResult("Layer 0 head 3", 3, 4,
            new float[] {0, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 0.95f, 1},
            List.of("<bos>", " The", " cat"), List.of("k0", "k1", "k2", "k3"), "query token", "key token",
            "attention", false, Map.of("entropy", 1.5));

    static Document parse(Path svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(Files.readAllBytes(svg)));
    }

    static Element byId(Document doc, String id) {
        NodeList gs = doc.getElementsByTagName("g");
        for (int i = 0; i < gs.getLength(); i++) {
            Element g = (Element) gs.item(i);
            if (id.equals(g.getAttribute("id"))) {
                return g;
            }
        }
        throw new AssertionError("no group " + id);
    }

    static List<Element> children(Element e, String tag) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element el && el.getTagName().equals(tag)) {
                out.add(el);
            }
        }
        return out;
    }

    static List<String> texts(Document doc) {
        List<String> out = new ArrayList<>();
        NodeList ts = doc.getElementsByTagName("text");
        for (int i = 0; i < ts.getLength(); i++) {
            out.add(ts.item(i).getTextContent());
        }
        return out;
    }

    static String rgb(int argb) {
        return "rgb(" + (argb >> 16 & 255) + "," + (argb >> 8 & 255) + "," + (argb & 255) + ")";
    }

    @Test
    void pngHasTheRequestedSizeAndCellColoursAtKnownPixels() throws Exception {
        Path png = dir.resolve("heatmap.png");
        FigureExporter.writePng(SMALL, png, 900, 700);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(700, img.getHeight());

        HeatmapFigure figure = new HeatmapFigure(SMALL);
        double s = FigureExporter.scaleFor(figure, 900, 700);
        Rectangle2D plot = figure.plotBounds(900 / s, 700 / s);
        ColorScale scale = figure.scale();
        for (int[] rc : new int[][] {{0, 0}, {1, 2}, {2, 3}}) {
            int r = rc[0];
            int c = rc[1];
            int x = (int) ((plot.getX() + (c + 0.5) * plot.getWidth() / 4) * s);
            int y = (int) ((plot.getY() + (r + 0.5) * plot.getHeight() / 3) * s);
            assertEquals(Integer.toHexString(scale.argb(SMALL.get(r, c))), Integer.toHexString(img.getRGB(x, y)),
                    "cell (" + r + "," + c + ") at pixel " + x + "," + y);
        }
        // Outside the plot the figure is white paper, not a cell colour.
        assertEquals(0xFFFFFFFF, img.getRGB(2, 2));
    }

    @Test
    void defaultPngIsTwiceTheNaturalSize() throws Exception {
        Path png = dir.resolve("natural.png");
        FigureExporter.writePng(SMALL, png);
        Dimension p = new HeatmapFigure(SMALL).preferredSize();
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(p.width * 2, img.getWidth());
        assertEquals(p.height * 2, img.getHeight());
    }

    @Test
    void svgIsXmlWithOneRectPerCellAndLabelsAsText() throws Exception {
        Path svg = dir.resolve("heatmap.svg");
        FigureExporter.writeSvg(SMALL, svg);
        Document doc = parse(svg);
        assertEquals("svg", doc.getDocumentElement().getTagName());
        List<Element> rects = children(byId(doc, "cells"), "rect");
        assertEquals(12, rects.size());
        ColorScale scale = new HeatmapFigure(SMALL).scale();
        // Row-major order: rect i is cell (i / cols, i % cols), filled with its value's colour.
        for (int i = 0; i < 12; i++) {
            String style = rects.get(i).getAttribute("style");
            assertTrue(style.contains(rgb(scale.argb(SMALL.values()[i]))), "rect " + i + " has style " + style);
        }
        List<String> texts = texts(doc);
        for (String label : List.of("<bos>", " The", " cat", "k0", "k1", "k2", "k3", "query token", "key token",
                "attention", "Layer 0 head 3")) {
            assertTrue(texts.contains(label), "missing text '" + label + "' in " + texts);
        }
        assertTrue(texts.contains("0.0") && texts.contains("1.0"), "colour bar tick labels: " + texts);
        assertTrue(doc.getElementsByTagName("linearGradient").getLength() > 0, "the colour bar is a vector gradient");
    }

    @Test
    void svgEscapesAwkwardTokens() throws Exception {
        MatrixResult m = Samples.matrix("a & b", 2, 2, false, (r, c) -> r + c);
        MatrixResult awkward = new MatrixResult(m.title(), 2, 2, m.values(), List.of("<|endoftext|>", "a\u0000b"),
                List.of("\"q\"", "x\ny"), "r", "c", "v", false, Map.of());
        Path svg = dir.resolve("awkward.svg");
        FigureExporter.writeSvg(awkward, svg);
        List<String> texts = texts(parse(svg));
        assertTrue(texts.contains("<|endoftext|>"), texts.toString());
        assertTrue(texts.contains("a\\x00b"), texts.toString());
        assertTrue(texts.contains("x\\ny"), texts.toString());
        assertTrue(texts.contains("a & b"), texts.toString());
    }

    @Test
    void largeMatrixSvgEmbedsARasterInsteadOfMillionsOfRects() throws Exception {
        MatrixResult big = Samples.ramp(300, 300);
        Path svg = dir.resolve("big.svg");
        FigureExporter.writeSvg(big, svg);
        Document doc = parse(svg);
        assertEquals(0, children(byId(doc, "cells"), "rect").size());
        assertEquals(1, byId(doc, "cells").getElementsByTagName("image").getLength());
        assertTrue(Files.size(svg) < 2_000_000, "size " + Files.size(svg));
    }

    @Test
    void largeMatrixPngShowsAnIsolatedPeak() throws Exception {
        int n = 1000;
        MatrixResult m = Samples.matrix("sparse", n, n, false, (r, c) -> r == 700 && c == 300 ? 1f : 0f);
        BufferedImage img = FigureExporter.render(m, 700, 600);
        HeatmapFigure figure = new HeatmapFigure(m);
        double s = FigureExporter.scaleFor(figure, 700, 600);
        Rectangle2D plot = figure.plotBounds(700 / s, 600 / s);
        int x = (int) ((plot.getX() + 300.5 * plot.getWidth() / n) * s);
        int y = (int) ((plot.getY() + 700.5 * plot.getHeight() / n) * s);
        int hot = figure.scale().argb(1) & 0xFFFFFF;
        boolean found = false;
        for (int dy = -2; dy <= 2 && !found; dy++) {
            for (int dx = -2; dx <= 2 && !found; dx++) {
                found = (img.getRGB(x + dx, y + dy) & 0xFFFFFF) == hot;
            }
        }
        assertTrue(found, "a single hot cell among a million survives downsampling");
    }

    @Test
    void gridSvgIsSmallMultiplesWithAGroupPerCell() throws Exception {
        MatrixResult a = Samples.ramp(3, 3);
        MatrixResult b = Samples.matrix("b", 3, 3, false, (r, c) -> r == c ? 1 : 0);
        GridResult grid = new GridResult("Attention, layer x head", List.of("L0", "L1"), List.of("H0", "H1", "H2"),
                List.of(a, b, a, b, a, b));
        Path svg = dir.resolve("grid.svg");
        FigureExporter.writeSvg(grid, svg);
        Document doc = parse(svg);
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(9, children(byId(doc, "cell-" + r + "-" + c), "rect").size());
            }
        }
        String diagonal = byId(doc, "cell-0-1").getElementsByTagName("rect").item(4).getAttributes()
                .getNamedItem("style").getNodeValue();
        assertTrue(diagonal.contains(rgb(new GridFigure(grid).scale().argb(1))), diagonal);
        List<String> texts = texts(doc);
        for (String label : List.of("L0", "L1", "H0", "H1", "H2", "Attention, layer x head")) {
            assertTrue(texts.contains(label), "missing " + label + " in " + texts);
        }
        BufferedImage png = FigureExporter.render(grid, 600, 400);
        assertEquals(600, png.getWidth());
    }

    @Test
    void seriesChartRendersItsLinesInThePalette() throws Exception {
        List<String> layers = Samples.labels("L", 12);
        double[] p = new double[12];
        double[] q = new double[12];
        for (int i = 0; i < 12; i++) {
            p[i] = 1 / (1 + Math.exp(-(i - 6)));
            q[i] = 0.5 - 0.3 * Math.cos(i);
        }
        SeriesResult s = new SeriesResult("Probability of ' Paris'", "layer", "probability", SeriesResult.Kind.LINE,
                List.of(new SeriesResult.Series("logit lens", layers, p), new SeriesResult.Series("tuned", layers, q)));
        BufferedImage img = FigureExporter.render(s, 640, 400);
        assertTrue(countNear(img, SeriesCharts.PALETTE[0]) > 300, "first series drawn");
        assertTrue(countNear(img, SeriesCharts.PALETTE[1]) > 300, "second series drawn");
        assertEquals(0, countNear(img, SeriesCharts.PALETTE[2]), "no third series");

        Path svg = dir.resolve("series.svg");
        FigureExporter.writeSvg(s, svg);
        List<String> texts = texts(parse(svg));
        for (String label : List.of("Probability of ' Paris'", "layer", "probability", "L0", "L11", "logit lens")) {
            assertTrue(texts.contains(label), "missing " + label + " in " + texts);
        }
    }

    @Test
    void barChartAndManyPointLineChartRender() {
        SeriesResult bar = new SeriesResult("DLA", "component", "logit diff", SeriesResult.Kind.BAR,
                List.of(new SeriesResult.Series("d", List.of("embed", "L0 attn", "L0 mlp"), new double[] {0.5, -1, 2})));
        assertTrue(countNear(FigureExporter.render(bar, 640, 400), SeriesCharts.PALETTE[0]) > 2000);
        // Repeated tokens stay separate points, and 500 points switch to a numeric axis.
        List<String> tokens = new ArrayList<>();
        double[] y = new double[500];
        for (int i = 0; i < 500; i++) {
            tokens.add(i % 2 == 0 ? " the" : " cat");
            y[i] = Math.sin(i / 20.0);
        }
        SeriesResult line = new SeriesResult("per token", "position", "score", SeriesResult.Kind.LINE,
                List.of(new SeriesResult.Series("s", tokens, y), new SeriesResult.Series("gap", tokens, withNaN(y))));
        assertEquals(500, new SeriesFigure(line).chart().getXYPlot().getDataset().getItemCount(0));
        assertTrue(countNear(FigureExporter.render(line, 640, 400), SeriesCharts.PALETTE[0]) > 300);
    }

    private static double[] withNaN(double[] y) {
        double[] out = y.clone();
        out[10] = Double.NaN;
        return out;
    }

    private static int countNear(BufferedImage img, Color c) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                if (Math.abs((p >> 16 & 255) - c.getRed()) < 12 && Math.abs((p >> 8 & 255) - c.getGreen()) < 12
                        && Math.abs((p & 255) - c.getBlue()) < 12) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void customTypesNeedARegisteredFigure() throws Exception {
        CustomResult custom = new CustomResult("Circuit", "test.circuit", new JsonObject());
        assertThrows(IllegalArgumentException.class, () -> FigureExporter.writePng(custom, dir.resolve("x.png"), 10, 10));
        ResultRenderer<CustomResult> circuit = new BasicRenderer<>("test.circuit", CustomResult.class, c -> {
            throw new UnsupportedOperationException("no view in this test");
        }, (c, state) -> new Figure() {
            @Override
            public Dimension preferredSize() {
                return new Dimension(100, 50);
            }

            @Override
            public void paint(java.awt.Graphics2D g, double w, double h) {
                g.setColor(Color.RED);
                g.fill(new Rectangle2D.Double(0, 0, w, h));
            }
        }) {
        };
        ResultRenderers.register(circuit);
        try {
            BufferedImage img = FigureExporter.render(custom, 200, 100);
            assertEquals(0xFFFF0000, img.getRGB(150, 50));
        } finally {
            ResultRenderers.unregister(circuit);
        }
    }

    @Test
    void overwritesAtomicallyAndLeavesNoTemporaryFiles() throws Exception {
        Path png = dir.resolve("out").resolve("fig.png");
        FigureExporter.writePng(SMALL, png, 300, 200);
        FigureExporter.writePng(SMALL, png, 400, 300);
        assertEquals(400, ImageIO.read(png.toFile()).getWidth());
        try (Stream<Path> files = Files.list(png.getParent())) {
            assertEquals(List.of(png), files.toList());
        }
        assertThrows(IllegalArgumentException.class, () -> FigureExporter.writePng(SMALL, dir.resolve("z.png"), 0, 10));
    }

    @Test
    void exportNeedsNoJavaFx() throws Exception {
        // Load the exporter in a class loader that refuses every JavaFX class: the CLI runs it on servers.
        URL[] urls = Stream.of(FigureExporter.class, HeadlessExportProbe.class, MatrixResult.class, JsonObject.class,
                        dev.loupe.engine.io.AtomicFiles.class,
                        org.jfree.chart.JFreeChart.class, org.jfree.svg.SVGGraphics2D.class)
                .map(c -> c.getProtectionDomain().getCodeSource().getLocation()).distinct().toArray(URL[]::new);
        try (URLClassLoader noFx = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.startsWith("javafx.") || name.startsWith("com.sun.javafx.")) {
                    throw new ClassNotFoundException("JavaFX is not available here: " + name);
                }
                return super.loadClass(name, resolve);
            }
        }) {
            Class<?> probe = noFx.loadClass(HeadlessExportProbe.class.getName());
            assertNotEquals(HeadlessExportProbe.class, probe, "the probe must come from the JavaFX-free loader");
            Method run = probe.getMethod("run", Path.class);
            run.invoke(null, dir);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(16, files.count());
        }
        String lines = Files.readString(dir.resolve("lines.svg"), StandardCharsets.UTF_8);
        assertTrue(lines.contains("id='focus-lines'"), "the lines figure, not the heatmap");
        assertTrue(ImageIO.read(dir.resolve("lines.png").toFile()).getWidth() > 100);
        for (int i = 0; i < 7; i++) {
            assertEquals(320, ImageIO.read(dir.resolve("f" + i + ".png").toFile()).getWidth());
            String svg = Files.readString(dir.resolve("f" + i + ".svg"), StandardCharsets.UTF_8);
            assertTrue(svg.contains("<svg"), "figure " + i);
            parse(dir.resolve("f" + i + ".svg"));
        }
    }
}
