package dev.loupe.viewers.attention;

import static dev.loupe.viewers.FxTestSupport.distance;
import static dev.loupe.viewers.FxTestSupport.fx;
import static dev.loupe.viewers.FxTestSupport.fxRun;
import static dev.loupe.viewers.FxTestSupport.hex;
import static dev.loupe.viewers.FxTestSupport.pixel;
import static dev.loupe.viewers.FxTestSupport.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.Samples;
import dev.loupe.viewers.fx.Fx;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.StackPane;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class AttentionLinesViewTest {

    private static final int LINE = Fx.argb(Color.web("#2f6db5"));
    private static final int WHITE = 0xFFFFFFFF;

    private StackPane root;

    @Start
    void start(Stage stage) {
        root = new StackPane();
        stage.setScene(new Scene(root, 700, 600));
        stage.show();
    }

    private AttentionLinesView show(MatrixResult m) {
        AttentionLinesView view = fx(() -> new AttentionLinesView(m));
        fxRun(() -> root.getChildren().setAll(view));
        return view;
    }

    /** Query i looks only at key i, with weight {@code w[i]}: parallel horizontal lines that do not cross. */
    private static MatrixResult diagonal(float... w) {
        return Samples.matrix("head", w.length, w.length, false, (r, c) -> r == c ? w[r] : 0f);
    }

    /** The colour of a line of this opacity over white. */
    private static int blend(int argb, double alpha) {
        int r = (int) Math.round((argb >> 16 & 255) * alpha + 255 * (1 - alpha));
        int g = (int) Math.round((argb >> 8 & 255) * alpha + 255 * (1 - alpha));
        int b = (int) Math.round((argb & 255) * alpha + 255 * (1 - alpha));
        return 0xFF000000 | r << 16 | g << 8 | b;
    }

    private static int midpoint(AttentionLinesView view, WritableImage img, int q, int k) {
        double x = (view.queryLineX() + view.keyLineX()) / 2;
        double y = (view.rowY(q) + view.rowY(k)) / 2;
        return pixel(img, x, y);
    }

    /** The darkest pixel within 2 px above or below: a sloping line is anti-aliased over neighbouring rows. */
    private static int darkestNear(WritableImage img, double x, double y) {
        int best = WHITE;
        for (int dy = -2; dy <= 2; dy++) {
            int p = pixel(img, x, y + dy);
            if (distance(p, WHITE) > distance(best, WHITE)) {
                best = p;
            }
        }
        return best;
    }

    @Test
    void lineOpacityIsTheAttentionWeight() {
        AttentionLinesView view = show(diagonal(1f, 0.5f, 0.2f, 0.005f, 0f));
        WritableImage img = snapshot(view.canvas());
        assertTrue(distance(LINE, midpoint(view, img, 0, 0)) <= 24, "weight 1: " + hex(midpoint(view, img, 0, 0)));
        assertTrue(distance(blend(LINE, 0.5), midpoint(view, img, 1, 1)) <= 24, "weight 0.5: " + hex(midpoint(view, img, 1, 1)));
        assertTrue(distance(blend(LINE, 0.2), midpoint(view, img, 2, 2)) <= 24, "weight 0.2: " + hex(midpoint(view, img, 2, 2)));
        // Below the 0.01 cut there is no line at all, and a zero weight draws nothing either.
        assertEquals(hex(WHITE), hex(midpoint(view, img, 3, 3)));
        assertEquals(hex(WHITE), hex(midpoint(view, img, 4, 4)));
        assertEquals(3, view.renderStats().linesDrawn());
        // Where no line goes (between row 0 and row 1, mid-way) the canvas is blank.
        assertEquals(hex(WHITE), hex(pixel(img, (view.queryLineX() + view.keyLineX()) / 2, (view.rowY(0) + view.rowY(1)) / 2)));
    }

    @Test
    void tokensAreDrawnInTwoColumns() {
        AttentionLinesView view = show(diagonal(1f, 1f, 1f));
        WritableImage img = snapshot(view.canvas());
        for (Bounds b : new Bounds[] {view.queryBounds(1), view.keyBounds(1)}) {
            int dark = 0;
            for (int y = (int) b.getMinY(); y < b.getMaxY(); y++) {
                for (int x = (int) Math.max(0, b.getMinX()); x < b.getMaxX(); x++) {
                    dark += distance(pixel(img, x, y), 0xFF222222) < 80 ? 1 : 0;
                }
            }
            assertTrue(dark > 5, "token text drawn in " + b);
        }
        assertTrue(view.queryBounds(0).getMaxX() <= view.queryLineX(), "queries end where their lines start");
        assertTrue(view.keyBounds(0).getMinX() >= view.keyLineX(), "keys start where their lines end");
    }

    @Test
    void clickingAQueryHighlightsItsLinesAndDimsTheRest(FxRobot robot) {
        AttentionLinesView view = show(diagonal(1f, 1f, 1f, 1f, 1f));
        Bounds label = view.queryBounds(2);
        robot.clickOn(fx(() -> view.canvas().localToScreen(new Point2D(label.getCenterX(), label.getCenterY()))));
        robot.moveBy(300, 200); // away from the canvas, so hovering does not change the focus
        assertEquals(2, view.getSelectedQuery());
        assertEquals(-1, view.hoveredQueryProperty().get());
        WritableImage img = snapshot(view.canvas());
        int focused = midpoint(view, img, 2, 2);
        int other = midpoint(view, img, 0, 0);
        assertTrue(distance(Fx.argb(Fx.ACCENT), focused) <= 24, "the selected query's line is in the accent: " + hex(focused));
        assertTrue(distance(blend(LINE, AttentionLinesView.DIM), other) <= 24, "other lines are dimmed: " + hex(other));
        // Its key is shaded by the weight (1: the full accent).
        Bounds key = view.keyBounds(2);
        int box = pixel(img, key.getMaxX() - 1, key.getMinY() + 2);
        assertTrue(distance(Fx.argb(Fx.ACCENT), box) <= 24, "key box: " + hex(box));
        Bounds key0 = view.keyBounds(0);
        assertEquals(hex(WHITE), hex(pixel(img, key0.getMaxX() - 1, key0.getMinY() + 2)), "an unweighted key is not shaded");

        // A second click lets go; Escape clears too; up and down move the selection.
        robot.clickOn(fx(() -> view.canvas().localToScreen(new Point2D(label.getCenterX(), label.getCenterY()))));
        assertEquals(-1, view.getSelectedQuery());
        robot.type(KeyCode.DOWN);
        assertEquals(0, view.getSelectedQuery());
        robot.type(KeyCode.DOWN).type(KeyCode.DOWN);
        assertEquals(2, view.getSelectedQuery());
        robot.type(KeyCode.ESCAPE);
        assertEquals(-1, view.getSelectedQuery());
    }

    @Test
    void hoveringAQueryFocusesIt(FxRobot robot) {
        AttentionLinesView view = show(diagonal(1f, 1f, 1f, 1f, 1f));
        Bounds label = view.queryBounds(4);
        robot.moveTo(fx(() -> view.canvas().localToScreen(new Point2D(label.getCenterX(), label.getCenterY()))));
        assertEquals(4, view.hoveredQueryProperty().get());
        assertEquals(4, view.focusedQuery());
        WritableImage img = snapshot(view.canvas());
        assertTrue(distance(Fx.argb(Fx.ACCENT), midpoint(view, img, 4, 4)) <= 24, hex(midpoint(view, img, 4, 4)));
        robot.moveBy(0, -1000);
        assertEquals(-1, view.focusedQuery());
    }

    @Test
    void differenceMapsDrawPositiveRedAndNegativeBlue() {
        MatrixResult diff = Samples.matrix("diff", 3, 3, true, (r, c) -> r == c ? (r == 0 ? 0.4f : r == 1 ? -0.4f : 0f) : 0f);
        AttentionLinesView view = show(diff);
        WritableImage img = snapshot(view.canvas());
        int pos = midpoint(view, img, 0, 0);
        int neg = midpoint(view, img, 1, 1);
        assertTrue((pos >> 16 & 255) > (pos & 255) + 60, "positive is red: " + hex(pos));
        assertTrue((neg & 255) > (neg >> 16 & 255) + 60, "negative is blue: " + hex(neg));
        assertEquals(hex(WHITE), hex(midpoint(view, img, 2, 2)));
    }

    /**
     * A causal pattern over 1,000 tokens: half on the first token (a sink), 0.3 on the previous token and the rest
     * spread over everything before.
     */
    static MatrixResult longCausal(int n) {
        return Samples.matrix("long", n, n, false, (q, k) -> {
            if (k > q) {
                return 0f;
            }
            if (q == 0) {
                return 1f;
            }
            float spread = 0.2f / (q + 1);
            return spread + (k == 0 ? 0.5f : 0f) + (k == q - 1 ? 0.3f : 0f);
        });
    }

    @Test
    void thousandTokensDrawOnlyTheVisibleRowsLines() {
        int n = 1000;
        AttentionLinesView view = show(longCausal(n));
        fxRun(() -> view.scrollTo(500 * AttentionLinesView.ROW_PX));
        AttentionLinesView.RenderStats s = view.renderStats();
        assertEquals(500, s.firstToken());
        int visible = s.lastToken() - s.firstToken();
        assertTrue(visible > 10 && visible < 60, "rows in view: " + s);
        // Weights considered: the visible queries' rows, and every query's weights on the visible keys.
        assertTrue(s.weightsRead() <= 2L * visible * n, "read " + s.weightsRead() + " of " + (long) n * n);
        // The spread (0.2 / 500) is below the cut: each visible query draws its sink and previous-token lines only.
        assertEquals(AttentionLinesView.MIN_WEIGHT, s.threshold());
        assertTrue(s.linesDrawn() >= 2L * visible - 2 && s.linesDrawn() <= 2L * visible + 2, "lines " + s);
        WritableImage img = snapshot(view.canvas());
        int prev = darkestNear(img, (view.queryLineX() + view.keyLineX()) / 2, (view.rowY(510) + view.rowY(509)) / 2);
        assertTrue(distance(blend(LINE, 0.3), prev) <= 30, "the previous-token line of query 510: " + hex(prev));

        // Selecting a query scrolls it into view and draws all its lines above the cut: query 5 spreads 0.2 / 6.
        fxRun(() -> view.setSelectedQuery(5));
        AttentionLinesView.RenderStats sel = view.renderStats();
        assertTrue(sel.firstToken() <= 5 && sel.lastToken() > 5, "scrolled to the selection: " + sel);
        WritableImage selected = snapshot(view.canvas());
        for (int k = 0; k <= 5; k++) {
            int px = darkestNear(selected, view.keyLineX() - 3, view.rowY(k));
            assertTrue(distance(px, WHITE) > 10, "a line from query 5 reaches key " + k + ": " + hex(px));
        }
    }

    @Test
    void denseLongInputsKeepOnlyTheStrongestLinesWithinTheBudget() {
        // Every query spreads over its previous 100 tokens, more on nearer ones: ~6,000 lines above 0.01 in view.
        int n = 1000;
        int window = 100;
        MatrixResult dense = Samples.matrix("dense", n, n, false, (q, k) -> {
            int d = q - k;
            if (d < 0 || d >= window) {
                return 0f;
            }
            int span = Math.min(window, q + 1);
            return 2f * (span - d) / (span * (span + 1f));
        });
        AttentionLinesView view = show(dense);
        fxRun(() -> view.scrollTo(600 * AttentionLinesView.ROW_PX));
        AttentionLinesView.RenderStats s = view.renderStats();
        assertTrue(s.threshold() > AttentionLinesView.MIN_WEIGHT, "the threshold rose: " + s);
        assertTrue(s.linesDrawn() <= AttentionLinesView.LINE_BUDGET, "within the budget: " + s);
        assertTrue(s.linesDrawn() > AttentionLinesView.LINE_BUDGET / 4, "and not much less: " + s);
        // The kept lines are the strongest: the previous-token one (d = 1, about 0.02) is among them.
        WritableImage img = snapshot(view.canvas());
        int prev = darkestNear(img, (view.queryLineX() + view.keyLineX()) / 2, (view.rowY(610) + view.rowY(609)) / 2);
        assertTrue(distance(prev, WHITE) > 3, "previous-token line drawn: " + hex(prev));
    }

    @Test
    void shortInputsDrawEveryLineAboveTheCut() {
        AttentionLinesView view = show(longCausal(10));
        assertEquals(AttentionLinesView.MIN_WEIGHT, view.renderStats().threshold());
        // 10 tokens: query q >= 1 spreads 0.2 / (q + 1) >= 0.02 on all q + 1 keys, so every causal pair has a line.
        assertEquals(10 * 11 / 2, view.renderStats().linesDrawn());
    }
}
