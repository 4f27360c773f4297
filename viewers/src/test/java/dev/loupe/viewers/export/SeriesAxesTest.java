package dev.loupe.viewers.export;

import static dev.loupe.viewers.export.FigureExporterTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.plugin.result.SeriesResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Issue 11: trajectory figures have a calm number of round ticks, and ranks read 1 at the top. */
class SeriesAxesTest {

    @TempDir
    Path dir;

    private static final List<String> LAYERS = List.of("embed", "L1 pre", "L2 pre", "L3 pre", "L4 pre", "L5 pre",
            "L6 pre", "L7 pre", "L8 pre", "L9 pre", "L10 pre", "L11 pre", "final");

    static SeriesResult probability() {
        double[] p = {0.0001, 0.0003, 0.001, 0.004, 0.01, 0.03, 0.08, 0.15, 0.3, 0.45, 0.6, 0.71, 0.74};
        return new SeriesResult("P(' Paris') at position 7", "layer", "probability", SeriesResult.Kind.LINE,
                List.of(new SeriesResult.Series("P(' Paris')", LAYERS, p)));
    }

    static SeriesResult rank(double... ranks) {
        return new SeriesResult("rank of ' Paris' at position 7", "layer", "rank (1 = top)", SeriesResult.Kind.RANK,
                List.of(new SeriesResult.Series("rank of ' Paris'", LAYERS, ranks)));
    }

    /** The y tick labels of an exported chart (the numbers among its texts: x labels are layer names), by their y. */
    private TreeMap<Double, String> yTicks(SeriesResult s, String name) throws Exception {
        Path svg = dir.resolve(name + ".svg");
        FigureExporter.writeSvg(s, svg);
        Document doc = parse(svg);
        NodeList texts = doc.getElementsByTagName("text");
        TreeMap<Double, String> out = new TreeMap<>();
        for (int i = 0; i < texts.getLength(); i++) {
            Element t = (Element) texts.item(i);
            String label = t.getTextContent();
            if (label.matches("[\u2212-]?[0-9][0-9,]*(\\.[0-9]+)?")) {
                out.put(Double.parseDouble(t.getAttribute("y")), label);
            }
        }
        return out;
    }

    private static double value(String label) {
        return Double.parseDouble(label.replace(",", "").replace('\u2212', '-'));
    }

    @Test
    void aProbabilityAxisHasFourToEightRoundTicks() throws Exception {
        TreeMap<Double, String> ticks = yTicks(probability(), "p");
        assertTrue(ticks.size() >= 4 && ticks.size() <= 8, "ticks " + ticks.values());
        List<Double> values = ticks.values().stream().map(SeriesAxesTest::value).toList();
        double step = Math.abs(values.get(0) - values.get(1));
        for (int i = 1; i < values.size(); i++) {
            assertEquals(step, Math.abs(values.get(i) - values.get(i - 1)), 1e-9, "even steps " + values);
        }
        assertTrue(List.of(0.1, 0.2, 0.25).stream().anyMatch(round -> Math.abs(step - round) < 1e-9), "a round step: " + step);
        assertEquals(0.0, values.get(values.size() - 1), "0 at the bottom of a probability axis");
    }

    @Test
    void theRankAxisIsLogWithRankOneAtTheTop() throws Exception {
        SeriesResult r = rank(4211, 3021, 1501, 831, 413, 121, 58, 19, 7, 3, 2, 1, 1);
        CategoryPlot plot = new SeriesFigure(r).chart().getCategoryPlot();
        LogAxis axis = assertInstanceOf(LogAxis.class, plot.getRangeAxis());
        assertTrue(axis.isInverted(), "rank 1 (the best) at the top");
        TreeMap<Double, String> ticks = yTicks(r, "rank");
        assertTrue(ticks.size() >= 4 && ticks.size() <= 8, "ticks " + ticks.values());
        // Top to bottom: 1 first, then growing by round factors.
        List<Double> values = ticks.values().stream().map(SeriesAxesTest::value).toList();
        assertEquals(1.0, values.get(0), "the best rank is the top tick: " + values);
        for (int i = 1; i < values.size(); i++) {
            double factor = values.get(i) / values.get(i - 1);
            assertTrue(factor > 1, "ranks grow downwards: " + values);
        }
        assertTrue(values.contains(1000.0), "a decade tick near the worst rank: " + values);
    }

    @Test
    void rankOneIsOnTheAxisEvenWhenTheTargetNeverGetsThere() throws Exception {
        List<Double> values = new ArrayList<>(yTicks(rank(900, 700, 400, 300, 210, 180, 150, 120, 90, 60, 40, 30, 25),
                "never").values().stream().map(SeriesAxesTest::value).toList());
        assertEquals(1.0, values.get(0), values.toString());
        assertTrue(values.size() >= 4 && values.size() <= 8, values.toString());
        // And a target first everywhere still gets an axis with a direction, not a single tick.
        List<Double> first = yTicks(rank(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), "first").values().stream()
                .map(SeriesAxesTest::value).toList();
        assertEquals(1.0, first.get(0), first.toString());
        assertTrue(first.size() >= 4, first.toString());
    }

    @Test
    void aBarChartStillStartsAtZeroWithRoundTicks() throws Exception {
        SeriesResult dla = new SeriesResult("DLA", "component", "logit difference", SeriesResult.Kind.BAR, List.of(
                new SeriesResult.Series("d", List.of("embed", "L0 attn", "L0 mlp", "L1 attn"), new double[] {0.3, 1.2, 2.9, 0.8})));
        Map<Double, String> ticks = yTicks(dla, "bar");
        List<Double> values = ticks.values().stream().map(SeriesAxesTest::value).toList();
        assertTrue(values.size() >= 4 && values.size() <= 8, values.toString());
        assertTrue(values.contains(0.0), values.toString());
    }
}
