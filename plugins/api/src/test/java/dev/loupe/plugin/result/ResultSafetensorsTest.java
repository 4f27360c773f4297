package dev.loupe.plugin.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.loupe.engine.format.SafetensorsFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The session form: arrays as binary tensors, JSON only for the structure around them. */
class ResultSafetensorsTest {

    private static Result viaSafetensors(Result r) {
        Result back = ResultCodec.fromSafetensors(ResultCodec.toSafetensors(r));
        // The data is the same as the result.json form would give.
        assertEquals(ResultCodec.toJson(r), ResultCodec.toJson(back));
        return back;
    }

    @Test
    void everyBuiltInTypeRoundTripsBitForBit() {
        float[] v = ResultCodecTest.awkwardFloats();
        MatrixResult m = ResultCodecTest.matrix("resid", 1, v.length, v);
        ResultCodecTest.assertSameMatrix(m, (MatrixResult) viaSafetensors(m));
        ResultCodecTest.assertSameMatrix(ResultCodecTest.lens(true, true),
                (MatrixResult) viaSafetensors(ResultCodecTest.lens(true, true)));
        List<MatrixResult> cells = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            cells.add(ResultCodecTest.matrix("c" + i, 2, 2, new float[] {i, -i, Float.NEGATIVE_INFINITY, Float.NaN}));
        }
        viaSafetensors(new GridResult("grid", List.of("L0", "L1"), List.of("H0", "H1"), cells));
        viaSafetensors(new ComparisonResult("cmp", cells));
        viaSafetensors(new SeriesResult("s", "x", "y", SeriesResult.Kind.LINE,
                List.of(new SeriesResult.Series("a", List.of("0", "1"), new double[] {Double.MIN_VALUE, -0.0}))));
        viaSafetensors(new TokenScoresResult("t", List.of("a", "b"), new float[] {1, 2}, "score", true));
        ImageResult img = (ImageResult) viaSafetensors(new ImageResult("i", 2, 1, new int[] {0x80FF0000, 0xFF00FF00}));
        assertEquals(0x80FF0000, img.argb()[0]);
        viaSafetensors(new TableResult("tab", List.of("a", "b"), List.of(List.of(1L, 2.5), List.of("x", Double.NaN))));
        JsonObject data = new JsonObject();
        data.addProperty("k", 1);
        viaSafetensors(new CustomResult("c", "mine", data));
    }

    @Test
    void arraysAreTensorsAndTheStructureHoldsNoNumbersOfThem() {
        int n = 100_000;
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) Math.sin(i) / 7;
        }
        MatrixResult big = ResultCodecTest.matrix("big", 100, 1000, values);
        byte[] stored = ResultCodec.toSafetensors(big);
        assertTrue(stored.length < n * 4 + 40_000, "about 4 bytes a float: " + stored.length);
        assertTrue(ResultCodec.toJsonText(big).length() > 2 * stored.length, "JSON text is far larger");
        try (SafetensorsFile f = SafetensorsFile.read(ByteBuffer.wrap(stored), "t")) {
            assertEquals(List.of("values"), f.names().stream().toList());
            String structure = f.metadata().get(ResultCodec.METADATA_KEY);
            assertTrue(structure.contains("\"values\":{\"tensor\":\"values\"}"), structure);
            assertTrue(structure.getBytes(StandardCharsets.UTF_8).length < 20_000);
        }
    }

    @Test
    void theViewKindIsKeptInSessionsButResultJsonStaysAsItWas() {
        MatrixResult attention = new MatrixResult("L0H0", 1, 1, new float[] {1}, List.of("a"), List.of("a"), "query",
                "key", "weight", false, Map.of(), MatrixResult.ATTENTION);
        assertEquals(MatrixResult.ATTENTION, attention.viewKind());
        assertEquals(MatrixResult.ATTENTION, ((MatrixResult) ResultCodec.fromSafetensors(
                ResultCodec.toSafetensors(attention))).kind());
        assertFalse(ResultCodec.toJson(attention).has("kind"), "result.json carries data, not the view");
        assertEquals(MatrixResult.MATRIX, ResultCodecTest.matrix("m", 1, 1, new float[] {1}).viewKind());
    }

    @Test
    void aMissingOrMistypedTensorIsNamed() {
        byte[] stored = ResultCodec.toSafetensors(new TokenScoresResult("t", List.of("a"), new float[] {1}, "s", false));
        // The structure refers to "scores"; a blob whose tensor was renamed must not decode.
        String text = new String(stored, StandardCharsets.ISO_8859_1).replace("\"scores\":{\"dtype\"", "\"scorez\":{\"dtype\"");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResultCodec.fromSafetensors(text.getBytes(StandardCharsets.ISO_8859_1)));
        assertTrue(e.getMessage().contains("\"scores\"") && e.getMessage().contains("does not hold"), e.getMessage());
        IllegalArgumentException junk = assertThrows(IllegalArgumentException.class,
                () -> ResultCodec.fromSafetensors(new byte[] {1, 2, 3}));
        assertTrue(junk.getMessage().contains("safetensors"), junk.getMessage());
    }

    @Test
    void anUnknownTypeSaysWhichTypesAreInstalled() {
        JsonObject doc = ResultCodec.toJson(new TokenScoresResult("t", List.of("a"), new float[] {1}, "s", false));
        doc.addProperty("type", "depth");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResultCodec.fromJson(doc));
        assertTrue(e.getMessage().contains("\"depth\"") && e.getMessage().contains("matrix"), e.getMessage());
    }
}
