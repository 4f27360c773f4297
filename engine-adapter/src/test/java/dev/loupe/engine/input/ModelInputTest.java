package dev.loupe.engine.input;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.engine.LoupeException;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.engine.testing.TestCheckpoints;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The input kinds' records, their labels, and the model's preparation and refusal of inputs. */
class ModelInputTest {
    @TempDir
    static Path tmp;
    static LoupeModel model;

    private static final String SHA = "0123456789abcdef".repeat(4);

    @BeforeAll
    static void open() {
        model = LoupeModel.open(TestCheckpoints.write(tmp.resolve("gpt2"), TestCheckpoints.Spec.gpt2()));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static ImageInput image(float[] pixels, int[] shape, List<String> labels) {
        return new ImageInput(Path.of("/pics/cat.png"), SHA, 640, 480, pixels, shape, labels);
    }

    @Test
    void tokenInputsAreEqualLengthRowsWithMatchingTextsAndLabels() {
        LoupeException empty = assertThrows(LoupeException.class, () -> TokenInput.ofIds());
        assertEquals("the input has no tokens", empty.getMessage());
        LoupeException ragged = assertThrows(LoupeException.class, () -> TokenInput.ofBatch(new long[][] {{1, 2}, {3}}));
        assertEquals("batch rows must have equal length: row 1 has 1 tokens, row 0 has 2", ragged.getMessage());
        LoupeException labels = assertThrows(LoupeException.class, () -> TokenInput.of("w1 w2", new long[] {1, 2}, List.of("w1")));
        assertEquals("1 token labels for 2 tokens (row 0)", labels.getMessage());
        assertThrows(LoupeException.class, () -> new TokenInput(new long[][] {{1}, {2}}, List.of("a"), List.of()));
        assertThrows(LoupeException.class, () -> TokenInput.of("", new long[] {1}, List.of("w1")));

        long[] ids = {4, 5};
        TokenInput in = TokenInput.of(null, ids, List.of("w4", "w5"));
        ids[0] = 9;
        assertArrayEquals(new long[] {4, 5}, in.tokens(), "a copy");
        in.ids()[0][1] = 9;
        assertArrayEquals(new long[] {4, 5}, in.tokens(), "the accessor hands out a copy too");
        assertEquals(InputKind.TEXT, in.kind());
        assertEquals(1, in.batchSize());
        assertEquals(2, in.positions());
        assertNull(in.text());
        assertEquals("tokens 4,5", in.describe());
        assertEquals(TokenInput.of(null, new long[] {4, 5}, List.of("w4", "w5")), in);
        assertArrayEquals(new long[] {1, 2, 3, 4}, TokenInput.ofBatch(new long[][] {{1, 2}, {3, 4}}).flatIds());
    }

    @Test
    void imageTokensAreLabelledClsThenRegistersThenPatchesRowMajor() {
        assertEquals(List.of("CLS", "reg 0", "reg 1", "patch 0,0", "patch 0,1", "patch 0,2", "patch 1,0", "patch 1,1",
                "patch 1,2"), ImageInput.tokenLabels(true, 2, 2, 3));
        assertEquals(List.of("patch 0,0", "patch 0,1"), ImageInput.tokenLabels(false, 0, 1, 2));
        assertEquals(1 + 4 + 37 * 37, ImageInput.tokenLabels(true, 4, 37, 37).size(), "DINOv2 with registers at 518 px");
        assertThrows(LoupeException.class, () -> ImageInput.tokenLabels(true, 0, 0, 3));
    }

    @Test
    void imageInputsCheckTheirPixelsHashAndLabels() {
        List<String> labels = ImageInput.tokenLabels(true, 0, 2, 2);
        ImageInput ok = image(new float[3 * 4 * 4], new int[] {3, 4, 4}, labels);
        assertEquals(InputKind.IMAGE, ok.kind());
        assertEquals(5, ok.positions());
        assertEquals(labels, ok.labels());
        assertEquals("image cat.png (640x480)", ok.describe());

        LoupeException count = assertThrows(LoupeException.class, () -> image(new float[47], new int[] {3, 4, 4}, labels));
        assertEquals("/pics/cat.png: 47 pixel values for shape [3, 4, 4] (48 expected)", count.getMessage());
        LoupeException shape = assertThrows(LoupeException.class, () -> image(new float[16], new int[] {4, 4}, labels));
        assertTrue(shape.getMessage().contains("is not [channels, height, width]"), shape.getMessage());
        LoupeException sha = assertThrows(LoupeException.class,
                () -> new ImageInput(Path.of("a.png"), "ABC", 1, 1, new float[1], new int[] {1, 1, 1}, labels));
        assertEquals("a.png: sha256 \"ABC\" is not 64 lowercase hex digits", sha.getMessage());
        assertThrows(LoupeException.class,
                () -> new ImageInput(Path.of("a.png"), SHA, 0, 1, new float[1], new int[] {1, 1, 1}, labels));
        assertThrows(LoupeException.class, () -> image(new float[48], new int[] {3, 4, 4}, List.of()));
    }

    @Test
    void theModelPreparesTextOnceWithItsTokenizerAndLabels() {
        TokenInput in = model.prepareText("w3 w9 w2");
        assertArrayEquals(model.encode("w3 w9 w2"), in.tokens());
        assertEquals(model.tokenLabels(in.tokens()), in.labels());
        assertEquals(List.of("w3", "w9", "w2"), in.labels());
        assertEquals("w3 w9 w2", in.text());
        assertEquals("w3 w9 w2", in.describe());
        assertEquals(List.of("w1", "w5"), model.prepareTokens(1, 5).labels());
        assertNull(model.prepareTokens(1, 5).text());
        assertEquals("the prompt is empty", assertThrows(LoupeException.class, () -> model.prepareText("")).getMessage());
    }

    @Test
    void aRunKeepsItsInputAndATextModelRefusesAnImage() {
        TokenInput in = model.prepareText("w1 w2");
        try (RunResult r = model.run(RunRequest.of(in))) {
            assertSame(in, r.input());
            assertEquals(2, r.logits().getShape().get(1));
        }
        assertEquals(java.util.Set.of(InputKind.TEXT), model.inputKinds());
        ImageInput picture = image(new float[48], new int[] {3, 4, 4}, ImageInput.tokenLabels(true, 0, 2, 2));
        LoupeException e = assertThrows(LoupeException.class, () -> model.run(RunRequest.of(picture)));
        assertEquals("gpt2 is a gpt2 model: it takes text input, not image input (image cat.png (640x480))",
                e.getMessage());
    }
}
