package dev.loupe.app.ui.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loupe.app.ui.FxWait;
import dev.loupe.plugin.params.Param;
import dev.loupe.plugin.params.ParamSpec;
import javafx.scene.Scene;
import javafx.scene.control.Spinner;
import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/** The parameter form shows, and runs with, the values the plugin declares, however small. */
class ParamFormViewFxTest {
    private final FxRobot robot = new FxRobot();

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @Test
    void aSmallLearningRateIsShownAndKeptAsItIs() throws Exception {
        Param<Double> learningRate = Param.doubleParam("lr", "Learning rate", "Adam learning rate", 1e-3, 1e-6, 1);
        ParamFormViewModel form = new ParamFormViewModel(ParamSpec.of(learningRate,
                Param.doubleParam("alpha", "Alpha", "strength", 2.5, 0, 10)));
        // A stage of its own, closed after: the primary stage is the other FX tests' main window.
        Stage stage = FxWait.onFx(Stage::new);
        try {
            robot.interact(() -> {
                stage.setScene(new Scene(new ParamFormView(form), 400, 200));
                stage.show();
            });
            Spinner<?> lr = robot.from(stage.getScene().getRoot()).lookup("#param-lr").queryAs(Spinner.class);
            assertEquals("0.001", lr.getEditor().getText());
            assertEquals("2.5", robot.from(stage.getScene().getRoot()).lookup("#param-alpha").queryAs(Spinner.class)
                    .getEditor().getText());
            assertEquals(1e-3, form.params().get(learningRate), "what Run will use");

            robot.interact(() -> lr.getEditor().setText("2e-4"));
            assertEquals(2e-4, form.params().get(learningRate));
        } finally {
            robot.interact(stage::close);
        }
    }

    /** Issue 11: the sentinel -1 is never shown: layer and head read "all", position "last", and typing works. */
    @Test
    void namedValuesShowAsWordsNotMinusOne() throws Exception {
        Param<Integer> layer = dev.loupe.plugin.params.CommonParams.layer("layer");
        Param<Integer> position = dev.loupe.plugin.params.CommonParams.position("position");
        ParamFormViewModel form = new ParamFormViewModel(ParamSpec.of(layer, position));
        Stage stage = FxWait.onFx(Stage::new);
        try {
            robot.interact(() -> {
                stage.setScene(new Scene(new ParamFormView(form), 400, 200));
                stage.show();
            });
            Spinner<?> l = robot.from(stage.getScene().getRoot()).lookup("#param-layer").queryAs(Spinner.class);
            Spinner<?> p = robot.from(stage.getScene().getRoot()).lookup("#param-position").queryAs(Spinner.class);
            assertEquals("all", l.getEditor().getText());
            assertEquals("last", p.getEditor().getText());
            robot.interact(() -> l.getEditor().setText("2"));
            assertEquals(2, form.params().get(layer));
            robot.interact(() -> l.getEditor().setText("ALL"));
            assertEquals(-1, form.params().get(layer));
            robot.interact(() -> l.increment(1));
            assertEquals("0", l.getEditor().getText());
            robot.interact(() -> l.decrement(1));
            assertEquals("all", l.getEditor().getText());
        } finally {
            robot.interact(stage::close);
        }
    }

    @Test
    void doublesAreWrittenAsTheyWouldBeTyped() {
        assertEquals("0.001", ParamFormView.formatDouble(1e-3));
        assertEquals("1.0e-6", ParamFormView.formatDouble(1e-6));
        assertEquals("0", ParamFormView.formatDouble(0));
        assertEquals("150", ParamFormView.formatDouble(150));
        assertEquals("0.1", ParamFormView.formatDouble(0.1));
    }
}
