package dev.loupe.viewers.tokens;

import static dev.loupe.viewers.FxTestSupport.fx;
import static dev.loupe.viewers.FxTestSupport.fxRun;
import static dev.loupe.viewers.FxTestSupport.hex;
import static dev.loupe.viewers.FxTestSupport.pixel;
import static dev.loupe.viewers.FxTestSupport.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.plugin.result.TokenScoresResult;
import dev.loupe.viewers.color.ColorMap;
import dev.loupe.viewers.fx.Fx;
import java.util.List;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class TokenScoresViewTest {
    private StackPane root;

    @Start
    void start(Stage stage) {
        root = new StackPane();
        stage.setScene(new Scene(root, 600, 300));
        stage.show();
    }

    private static final TokenScoresResult SCORES = new TokenScoresResult("probe", List.of("The", " cat", " sat", "\n"),
            new float[] {-2, 0, 1, 2}, "probe logit", true);

    @Test
    void chipsAreColouredByScoreWithReadableText() {
        TokenScoresView view = fx(() -> new TokenScoresView(SCORES));
        fxRun(() -> root.getChildren().setAll(view));
        List<Label> chips = view.chips();
        assertEquals(4, chips.size());
        assertEquals("\\n", chips.get(3).getText(), "a newline token is shown, not obeyed");
        WritableImage first = snapshot(chips.get(0));
        // Inside the chip, clear of its text and its rounded border.
        assertEquals(hex(ColorMap.BLUE_WHITE_RED.argb(0)), hex(pixel(first, 2, first.getHeight() / 2)));
        assertEquals(Color.WHITE, chips.get(0).getTextFill(), "white on dark blue");
        assertEquals(Color.BLACK, chips.get(1).getTextFill(), "black on white");
        WritableImage middle = snapshot(chips.get(1));
        assertEquals("#ffffff", hex(pixel(middle, 2, middle.getHeight() / 2)));
    }

    @Test
    void hoverShowsTheScoreAndClickSelects(FxRobot robot) {
        TokenScoresView view = fx(() -> new TokenScoresView(SCORES));
        fxRun(() -> root.getChildren().setAll(view));
        Tooltip tip = fx(() -> view.chips().get(2).getTooltip());
        assertTrue(tip.getText().contains("probe logit: 1"), tip.getText());
        assertTrue(tip.getText().contains("cat") == false && tip.getText().contains("sat"), tip.getText());
        robot.moveTo(view.chips().get(2));
        robot.sleep(600);
        assertTrue(fx(tip::isShowing), "tooltip shows on hover");
        robot.clickOn(view.chips().get(2));
        assertEquals(2, view.selectedTokenProperty().get());
        assertEquals(2, fx(view::viewState).get("selectedToken").getAsInt());
        assertEquals(Fx.ACCENT, view.chips().get(2).getBorder().getStrokes().get(0).getTopStroke());
    }
}
