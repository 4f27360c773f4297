package dev.loupe.plugin.result;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ResultCodecTest {

    /** Floats that break naive printing: extremes, subnormals, signed zero, non-finite, and random bit patterns. */
    static float[] awkwardFloats() {
        List<Float> v = new ArrayList<>(List.of(0f, -0f, 1f, -1f, 0.1f, 1f / 3, Float.MIN_VALUE, -Float.MIN_VALUE,
                Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1e-42f, 16777217f, Float.NaN,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY));
        Random rnd = new Random(7);
        while (v.size() < 400) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            if (Float.isFinite(f)) {
                v.add(f);
            }
        }
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    static MatrixResult matrix(String title, int rows, int cols, float[] values) {
        List<String> rl = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            rl.add("tok \"" + r + "\", é");
        }
        List<String> cl = new ArrayList<>();
        for (int c = 0; c < cols; c++) {
            cl.add("d" + c);
        }
        return new MatrixResult(title, rows, cols, values, rl, cl, "position", "dimension", "activation", true,
                Map.of("min", -1.5, "max", Double.MAX_VALUE, "mean", 1.0 / 3, "odd", Double.NaN, "neg", Double.NEGATIVE_INFINITY));
    }

    static Result roundTrip(Result r) {
        Result viaTree = ResultCodec.fromJson(ResultCodec.toJson(r));
        Result viaText = ResultCodec.fromJsonText(ResultCodec.toJsonText(r));
        // Writing what was read gives the same document: nothing lost, nothing reordered.
        assertEquals(ResultCodec.toJson(r), ResultCodec.toJson(viaTree));
        assertEquals(ResultCodec.toJsonText(r), ResultCodec.toJsonText(viaText));
        return viaText;
    }

    static void assertSameBits(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            int e = Float.floatToIntBits(expected[i]);
            int a = Float.floatToIntBits(actual[i]);
            int at = i;
            assertEquals(e, a, () -> "element " + at + ": " + expected[at] + " came back as " + actual[at]);
        }
    }

    static void assertSameMatrix(MatrixResult e, MatrixResult a) {
        assertEquals(e.title(), a.title());
        assertEquals(e.rows(), a.rows());
        assertEquals(e.cols(), a.cols());
        assertSameBits(e.values(), a.values());
        assertEquals(e.rowLabels(), a.rowLabels());
        assertEquals(e.colLabels(), a.colLabels());
        assertEquals(e.rowAxis(), a.rowAxis());
        assertEquals(e.colAxis(), a.colAxis());
        assertEquals(e.valueLabel(), a.valueLabel());
        assertEquals(e.diverging(), a.diverging());
        assertEquals(e.stats(), a.stats()); // Double.equals compares bits: NaN equals NaN, -0.0 differs from 0.0
        assertEquals(e.cellText(), a.cellText());
        assertEquals(e.cellDetails(), a.cellDetails());
    }

    /** A 2 x 3 logit-lens-like matrix: top-1 tokens in the cells, top-k and entropy on hover. */
    static MatrixResult lens(boolean withText, boolean withDetails) {
        List<String> text = List.of(" Paris", "\n", "", "\"quoted\", comma", "é\u00a0ü", "<|endoftext|>");
        List<String> details = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            details.add("'" + text.get(i) + "'  0.5" + i + "\n' the'  0.1\r\nentropy " + i + ".25 nats");
        }
        return new MatrixResult("Logit lens", 2, 3, new float[] {0.9f, 0.1f, Float.NaN, 0, 1, 0.5f}, List.of("L0", "L1"),
                List.of("<bos>", " The", " The"), "layer", "position", "probability", false, Map.of(),
                withText ? text : null, withDetails ? details : null);
    }

    @Test
    void matrixRoundTripsEveryFloatExactly() {
        float[] v = awkwardFloats();
        MatrixResult m = matrix("resid", 20, 20, v);
        MatrixResult back = assertInstanceOf(MatrixResult.class, roundTrip(m));
        assertSameMatrix(m, back);
    }

    @Test
    void emptyMatrixRoundTrips() {
        MatrixResult m = new MatrixResult("", 0, 0, new float[0], List.of(), List.of(), "a", "b", "v", false, Map.of());
        assertSameMatrix(m, (MatrixResult) roundTrip(m));
    }

    @Test
    void nullTextFieldsRoundTrip() {
        MatrixResult m = new MatrixResult(null, 1, 1, new float[] {1}, List.of("a"), List.of("b"), null, null, null, false, Map.of());
        MatrixResult back = (MatrixResult) roundTrip(m);
        assertSameMatrix(m, back);
        assertEquals(null, back.title());
        assertRejected(tampered(matrixJson(), j -> j.addProperty("rowAxis", 5)), "\"rowAxis\"", "text");
    }

    @Test
    void gridRoundTrips() {
        float[] v = awkwardFloats();
        List<MatrixResult> cells = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            cells.add(matrix("L" + i / 3 + "H" + i % 3, 4, 5, Arrays.copyOfRange(v, i * 20, i * 20 + 20)));
        }
        GridResult g = new GridResult("patterns", List.of("L0", "L1"), List.of("H0", "H1", "H2"), cells);
        GridResult back = assertInstanceOf(GridResult.class, roundTrip(g));
        assertEquals(g.title(), back.title());
        assertEquals(g.rowLabels(), back.rowLabels());
        assertEquals(g.colLabels(), back.colLabels());
        for (int i = 0; i < 6; i++) {
            assertSameMatrix(g.cells().get(i), back.cells().get(i));
        }
    }

    /** The logit lens beside the tuned lens: same axes, cell text in both, stats on one. */
    static ComparisonResult comparison() {
        MatrixResult logit = lens(true, true);
        MatrixResult tuned = new MatrixResult("Tuned lens", 2, 3, new float[] {0.5f, -0f, Float.MIN_VALUE, 1, 0.25f,
                Float.NaN}, logit.rowLabels(), logit.colLabels(), "layer", "position", "probability", false,
                Map.of("KL after training (nats)", 0.125), List.of("a", "b", "c", "d", "e", "f"), null);
        return new ComparisonResult("Logit lens and tuned lens", List.of(logit, tuned));
    }

    @Test
    void comparisonRoundTripsEachPanel() {
        ComparisonResult c = comparison();
        ComparisonResult back = assertInstanceOf(ComparisonResult.class, roundTrip(c));
        assertEquals("Logit lens and tuned lens", back.title());
        assertEquals(2, back.panels().size());
        for (int i = 0; i < 2; i++) {
            assertSameMatrix(c.panels().get(i), back.panels().get(i));
        }
        assertEquals("comparison", ResultCodec.toJson(c).get("type").getAsString());
        assertEquals("comparison", ResultCodec.typeName(c));
    }

    @Test
    void comparisonPanelsMustShareTheirAxes() {
        MatrixResult a = lens(false, false);
        MatrixResult otherLabels = new MatrixResult("b", 2, 3, new float[6], List.of("L0", "L1"),
                List.of("x", "y", "z"), "layer", "position", "p", false, Map.of());
        MatrixResult otherSize = new MatrixResult("c", 1, 3, new float[3], List.of("L0"), a.colLabels(), "layer",
                "position", "p", false, Map.of());
        IllegalArgumentException labels = assertThrows(IllegalArgumentException.class,
                () -> new ComparisonResult("t", List.of(a, otherLabels)));
        assertTrue(labels.getMessage().contains("panel 1") && labels.getMessage().contains("axes"), labels.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> new ComparisonResult("t", List.of(a, otherSize)));
        assertTrue(size.getMessage().contains("1x3") && size.getMessage().contains("2x3"), size.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ComparisonResult("t", List.of()));

        JsonObject j = ResultCodec.toJson(comparison());
        assertRejected(tampered(j, o -> o.getAsJsonArray("panels").get(1).getAsJsonObject().getAsJsonArray("values")
                .set(2, new com.google.gson.JsonPrimitive("x"))), "\"panels[1].values[2]\"");
        assertRejected(tampered(j, o -> o.getAsJsonArray("panels").get(1).getAsJsonObject().getAsJsonArray("colLabels")
                .set(0, new com.google.gson.JsonPrimitive("other"))), "\"panels\"", "axes");
        assertRejected(tampered(j, o -> o.remove("panels")), "\"panels\"", "missing");
        assertRejected(tampered(j, o -> o.add("panels", new JsonArray())), "\"panels\"", "at least one panel");
    }

    @Test
    void sharedScaleNeedsTheSameValueLabelAndKind() {
        assertTrue(comparison().sharesScale());
        MatrixResult a = lens(false, false);
        MatrixResult entropy = new MatrixResult("e", 2, 3, new float[6], a.rowLabels(), a.colLabels(), "layer",
                "position", "entropy (nats)", false, Map.of());
        assertTrue(!new ComparisonResult("t", List.of(a, entropy)).sharesScale());
    }

    @Test
    void cellTextAndDetailsRoundTrip() {
        for (boolean text : new boolean[] {false, true}) {
            for (boolean details : new boolean[] {false, true}) {
                MatrixResult m = lens(text, details);
                MatrixResult back = assertInstanceOf(MatrixResult.class, roundTrip(m));
                assertSameMatrix(m, back);
                JsonObject j = ResultCodec.toJson(m);
                // Absent, not null or empty, when the matrix has none: documents without cell text are unchanged.
                assertEquals(text, j.has("cellText"));
                assertEquals(details, j.has("cellDetails"));
            }
        }
        // JSON null reads as "no cell text".
        JsonObject withNull = tampered(ResultCodec.toJson(lens(true, false)),
                j -> j.add("cellText", com.google.gson.JsonNull.INSTANCE));
        assertEquals(null, ((MatrixResult) ResultCodec.fromJson(withNull)).cellText());
    }

    @Test
    void gridCellsKeepTheirCellText() {
        GridResult g = new GridResult("lenses", List.of("logit"), List.of("a", "b"),
                List.of(lens(true, true), lens(false, false)));
        GridResult back = (GridResult) roundTrip(g);
        assertSameMatrix(g.cells().get(0), back.cells().get(0));
        assertSameMatrix(g.cells().get(1), back.cells().get(1));
    }

    @Test
    void tamperedCellTextIsNamed() {
        JsonObject m = ResultCodec.toJson(lens(true, true));
        assertRejected(tampered(m, j -> j.getAsJsonArray("cellText").remove(0)), "\"cellText\"", "5 entries for 2x3");
        assertRejected(tampered(m, j -> j.getAsJsonArray("cellDetails").add("extra")), "\"cellDetails\"", "7 entries for 2x3");
        assertRejected(tampered(m, j -> j.getAsJsonArray("cellText").set(2, new com.google.gson.JsonPrimitive(3))),
                "\"cellText[2]\"", "text");
        assertRejected(tampered(m, j -> j.addProperty("cellDetails", "top-k")), "\"cellDetails\"", "array");
        JsonObject g = ResultCodec.toJson(new GridResult("g", List.of("r"), List.of("c"), List.of(lens(true, false))));
        assertRejected(tampered(g, j -> j.getAsJsonArray("cells").get(0).getAsJsonObject().getAsJsonArray("cellText").remove(5)),
                "\"cells[0].cellText\"", "5 entries");
    }

    @Test
    void tokenScoresRoundTrip() {
        float[] s = Arrays.copyOf(awkwardFloats(), 16);
        List<String> toks = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            toks.add(i % 2 == 0 ? " the" : "\n,\"");
        }
        TokenScoresResult t = new TokenScoresResult("saliency", toks, s, "grad x input", true);
        TokenScoresResult back = assertInstanceOf(TokenScoresResult.class, roundTrip(t));
        assertEquals(t.tokens(), back.tokens());
        assertSameBits(t.scores(), back.scores());
        assertEquals("grad x input", back.scoreLabel());
        assertTrue(back.diverging());
    }

    @Test
    void seriesRoundTripsDoublesExactly() {
        Random rnd = new Random(3);
        double[] y = new double[200];
        List<String> xs = new ArrayList<>();
        for (int i = 0; i < y.length; i++) {
            y[i] = Double.longBitsToDouble(rnd.nextLong());
            if (!Double.isFinite(y[i])) {
                y[i] = i;
            }
            xs.add("L" + i);
        }
        y[0] = Double.MIN_VALUE;
        y[1] = -0.0;
        y[2] = Double.NaN;
        y[3] = Double.POSITIVE_INFINITY;
        SeriesResult s = new SeriesResult("p(token)", "layer", "probability", SeriesResult.Kind.BAR,
                List.of(new SeriesResult.Series("a", xs, y), new SeriesResult.Series("b", List.of(), new double[0])));
        SeriesResult back = assertInstanceOf(SeriesResult.class, roundTrip(s));
        assertEquals(SeriesResult.Kind.BAR, back.kind());
        assertEquals("layer", back.xLabel());
        assertEquals("probability", back.yLabel());
        assertEquals(2, back.series().size());
        assertEquals("a", back.series().get(0).name());
        assertEquals(xs, back.series().get(0).xLabels());
        for (int i = 0; i < y.length; i++) {
            assertEquals(Double.doubleToLongBits(y[i]), Double.doubleToLongBits(back.series().get(0).y()[i]), "y[" + i + "]");
        }
        assertEquals(0, back.series().get(1).y().length);
    }

    @Test
    void aRankSeriesRoundTripsAndRefusesRanksBelowOne() {
        List<String> xs = List.of("embed", "L1 pre", "final");
        SeriesResult s = new SeriesResult("rank", "layer", "rank (1 = top)", SeriesResult.Kind.RANK,
                List.of(new SeriesResult.Series("rank of 'x'", xs, new double[] {812, Double.NaN, 1})));
        SeriesResult back = assertInstanceOf(SeriesResult.class, roundTrip(s));
        assertEquals(SeriesResult.Kind.RANK, back.kind());
        assertEquals(1, back.series().get(0).y()[2]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SeriesResult("rank", "layer",
                "rank", SeriesResult.Kind.RANK, List.of(new SeriesResult.Series("r", xs, new double[] {3, 0, 1}))));
        assertEquals("series 'r' is a rank series (1 = top), but its value at 'L1 pre' is 0.0", e.getMessage());
    }

    @Test
    void imageRoundTrips() {
        int[] px = new int[12];
        for (int i = 0; i < px.length; i++) {
            px[i] = 0x80FF00FF ^ i * 0x01020304;
        }
        px[0] = 0xFFFFFFFF;
        px[1] = 0;
        ImageResult img = new ImageResult("depth", 4, 3, px);
        ImageResult back = assertInstanceOf(ImageResult.class, roundTrip(img));
        assertEquals(4, back.width());
        assertEquals(3, back.height());
        assertArrayEquals(px, back.argb());
    }

    @Test
    void tableRoundTripsCellTypes() {
        List<Object> row1 = Arrays.asList("the", 3L, 0.25, true, "", Double.NaN, Double.NEGATIVE_INFINITY, 3.0, Long.MIN_VALUE);
        List<Object> row2 = Arrays.asList("", -7L, 1e300, false, "NaN", -0.0, Double.MIN_VALUE, 1.0 / 3, 0L);
        List<String> cols = List.of("token", "id", "p", "flag", "none", "nan", "ninf", "three", "big");
        TableResult t = new TableResult("top tokens", cols, List.of(row1, row2));
        TableResult back = assertInstanceOf(TableResult.class, roundTrip(t));
        assertEquals(cols, back.columns());
        assertEquals(t.rows(), back.rows()); // "NaN" the text stays text; 3.0 stays a Double, 3 a Long
    }

    @Test
    void tableNumbersComeBackAsLongOrDouble() {
        TableResult t = new TableResult("t", List.of("i", "f"), List.of(Arrays.asList(5, 0.1f)));
        TableResult back = (TableResult) roundTrip(t);
        assertEquals(5L, back.rows().get(0).get(0));
        assertEquals((double) 0.1f, back.rows().get(0).get(1)); // the float's exact value, widened
    }

    @Test
    void customRoundTripsItsJson() {
        JsonObject data = JsonParser.parseString("{\"nodes\":[1,2,{\"x\":\"y\"}],\"w\":0.5}").getAsJsonObject();
        CustomResult c = new CustomResult("circuit", "acme.circuit", data);
        CustomResult back = assertInstanceOf(CustomResult.class, roundTrip(c));
        assertEquals("acme.circuit", back.type());
        assertEquals(data, back.data());
    }

    @Test
    void documentCarriesFormatVersionAndType() {
        JsonObject j = ResultCodec.toJson(matrix("m", 1, 1, new float[] {2f}));
        assertEquals("loupe.result", j.get("format").getAsString());
        assertEquals(ResultCodec.VERSION, j.get("version").getAsInt());
        assertEquals("matrix", j.get("type").getAsString());
        assertTrue(j.get("values").isJsonArray());
    }

    // ---- malformed and tampered documents ----

    static JsonObject matrixJson() {
        return ResultCodec.toJson(matrix("m", 2, 3, new float[] {1, 2, 3, 4, 5, 6}));
    }

    static void assertRejected(JsonObject json, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResultCodec.fromJson(json));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message should mention " + f + ": " + e.getMessage());
        }
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    static JsonObject tampered(JsonObject base, Consumer<JsonObject> edit) {
        JsonObject copy = base.deepCopy();
        edit.accept(copy);
        return copy;
    }

    @Test
    void missingOrMistypedFieldsAreNamed() {
        JsonObject m = matrixJson();
        for (String field : List.of("rows", "cols", "values", "rowLabels", "colLabels", "diverging", "stats", "type",
                "version", "format")) {
            assertRejected(tampered(m, j -> j.remove(field)), "\"" + field + "\"", "missing");
        }
        assertRejected(tampered(m, j -> j.addProperty("rows", "2")), "\"rows\"", "whole number");
        assertRejected(tampered(m, j -> j.addProperty("rows", 2.5)), "\"rows\"");
        assertRejected(tampered(m, j -> j.addProperty("rows", -1)), "\"rows\"");
        assertRejected(tampered(m, j -> j.addProperty("diverging", "yes")), "\"diverging\"");
        assertRejected(tampered(m, j -> j.addProperty("values", "1,2,3")), "\"values\"", "array");
        assertRejected(tampered(m, j -> j.getAsJsonArray("rowLabels").set(1, new com.google.gson.JsonPrimitive(4))),
                "\"rowLabels[1]\"", "text");
        assertRejected(tampered(m, j -> j.getAsJsonObject("stats").addProperty("min", "small")), "\"stats.min\"");
    }

    @Test
    void tamperedNumbersAndSizesAreNamed() {
        JsonObject m = matrixJson();
        assertRejected(tampered(m, j -> j.getAsJsonArray("values").set(4, new com.google.gson.JsonPrimitive("abc"))),
                "\"values[4]\"", "\"abc\"");
        assertRejected(tampered(m, j -> j.getAsJsonArray("values").set(0, new com.google.gson.JsonPrimitive(1e39))),
                "\"values[0]\"", "float range");
        assertRejected(tampered(m, j -> j.getAsJsonArray("values").remove(5)), "\"values\"", "5 entries for 2x3");
        assertRejected(tampered(m, j -> j.addProperty("cols", 2)), "\"values\"", "6 entries for 2x2");
        assertRejected(tampered(m, j -> j.getAsJsonArray("colLabels").remove(0)), "\"colLabels\"", "2 labels for 3 columns");
        assertRejected(tampered(m, j -> j.getAsJsonArray("values").set(0, new JsonArray())), "\"values[0]\"");
    }

    @Test
    void wrongFormatVersionOrType() {
        JsonObject m = matrixJson();
        assertRejected(tampered(m, j -> j.addProperty("format", "other")), "\"format\"", "loupe.result");
        assertRejected(tampered(m, j -> j.addProperty("version", 2)), "\"version\"", "newer");
        assertRejected(tampered(m, j -> j.addProperty("version", 0)), "\"version\"");
        assertRejected(tampered(m, j -> j.addProperty("type", "hologram")), "\"type\"", "hologram");
    }

    @Test
    void nestedFieldsAreNamedWithTheirPath() {
        List<MatrixResult> cells = List.of(matrix("a", 1, 1, new float[] {1}), matrix("b", 1, 1, new float[] {2}));
        JsonObject g = ResultCodec.toJson(new GridResult("g", List.of("L0"), List.of("H0", "H1"), cells));
        assertRejected(tampered(g, j -> j.getAsJsonArray("cells").get(1).getAsJsonObject().getAsJsonArray("values")
                .set(0, new com.google.gson.JsonPrimitive(true))), "\"cells[1].values[0]\"");
        assertRejected(tampered(g, j -> j.getAsJsonArray("cells").remove(1)), "\"cells\"", "1x2");
        assertRejected(tampered(g, j -> j.getAsJsonArray("cells").set(0, new com.google.gson.JsonPrimitive(1))), "\"cells[0]\"");

        JsonObject s = ResultCodec.toJson(new SeriesResult("s", "x", "y", SeriesResult.Kind.LINE,
                List.of(new SeriesResult.Series("a", List.of("1", "2"), new double[] {1, 2}))));
        assertRejected(tampered(s, j -> j.getAsJsonArray("series").get(0).getAsJsonObject().getAsJsonArray("y").remove(0)),
                "\"series[0].y\"");
        assertRejected(tampered(s, j -> j.addProperty("kind", "pie")), "\"kind\"", "pie");
    }

    @Test
    void otherTypesRejectTampering() {
        JsonObject t = ResultCodec.toJson(new TokenScoresResult("t", List.of("a", "b"), new float[] {1, 2}, "s", false));
        assertRejected(tampered(t, j -> j.getAsJsonArray("tokens").remove(0)), "\"scores\"");

        JsonObject img = ResultCodec.toJson(new ImageResult("i", 2, 1, new int[] {1, 2}));
        assertRejected(tampered(img, j -> j.addProperty("width", 3)), "\"argb\"");
        assertRejected(tampered(img, j -> j.addProperty("argb", "***")), "\"argb\"", "base64");
        assertRejected(tampered(img, j -> j.addProperty("argb", "AAAA")), "\"argb\"", "4-byte");

        JsonObject tab = ResultCodec.toJson(new TableResult("t", List.of("a", "b"), List.of(List.of("x", 1L))));
        assertRejected(tampered(tab, j -> j.getAsJsonArray("rows").get(0).getAsJsonArray().remove(1)), "\"rows[0]\"", "1 cells for 2");
        assertRejected(tampered(tab, j -> j.getAsJsonArray("rows").get(0).getAsJsonArray().set(0, new JsonArray())),
                "\"rows[0][0]\"");
        assertRejected(tampered(tab, j -> j.getAsJsonArray("rows").get(0).getAsJsonArray().set(0, com.google.gson.JsonNull.INSTANCE)),
                "\"rows[0][0]\"");
        assertRejected(tampered(tab, j -> j.getAsJsonArray("rows").get(0).getAsJsonArray().set(1,
                new com.google.gson.JsonPrimitive(new java.math.BigInteger("99999999999999999999")))), "\"rows[0][1]\"");

        JsonObject c = ResultCodec.toJson(new CustomResult("c", "x.y", new JsonObject()));
        assertRejected(tampered(c, j -> j.add("data", new JsonArray())), "\"data\"", "object");
    }

    @Test
    void badTextIsIllegalArgument() {
        for (String text : List.of("", "[]", "{", "{\"format\":\"loupe.result\"} trailing", "{\"a\": NaN}", "nul")) {
            assertThrows(IllegalArgumentException.class, () -> ResultCodec.fromJsonText(text), text);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResultCodec.fromJsonText("{\"x\":"));
        assertTrue(e.getMessage().startsWith("result JSON: not valid JSON"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ResultCodec.fromJson(null));
    }
}
