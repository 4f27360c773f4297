package dev.loupe.app.ui.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.app.task.EngineLane;
import dev.loupe.app.ui.FxWait;
import dev.loupe.app.ui.settings.LoupeHome;
import dev.loupe.engine.ModelOptions;
import dev.loupe.engine.testing.TestCheckpoints;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.control.Button;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TabPane;
import javafx.stage.Stage;
import org.controlsfx.control.StatusBar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/** The status bar's Cancel button stops a running analysis; the window stays responsive meanwhile. */
class CancelFxTest {
    private static Path modelDir;

    @TempDir
    Path tmp;

    private final FxRobot robot = new FxRobot();
    private EngineLane lane;
    private MainViewModel vm;

    @BeforeAll
    static void toolkit(@TempDir Path dir) throws Exception {
        FxToolkit.registerPrimaryStage();
        modelDir = TestCheckpoints.write(dir.resolve("tiny-gpt2"), TestCheckpoints.Spec.gpt2());
    }

    @AfterEach
    void stop() throws Exception {
        if (vm != null) {
            robot.interact(vm::shutdown);
            assertTrue(lane.awaitTermination(30_000));
        }
    }

    @Test
    void cancelStopsTheRunningTaskAndLeavesTheWorkspace() throws Exception {
        Stage stage = FxToolkit.registerPrimaryStage();
        robot.interact(() -> {
            MainWindow window = new MainWindow(stage);
            lane = new EngineLane(Platform::runLater);
            vm = new MainViewModel(lane, window.services(), new LoupeHome(tmp.resolve("home")), TestPlugins.all(),
                    List.of(), ModelOptions.defaults().withDevice("cpu"));
            window.bind(vm);
            vm.start(null);
            stage.show();
        });
        robot.interact(() -> vm.model().open(modelDir));
        FxWait.until("the model is open", () -> vm.model().model() != null);
        robot.clickOn("#prompt").write(MainViewModelTest.PROMPT);
        robot.interact(() -> vm.plugins().select(TestPlugins.BLOCKING));
        TestPlugins.started = new CountDownLatch(1);

        robot.clickOn("#run");
        assertTrue(TestPlugins.started.await(60, TimeUnit.SECONDS));
        FxWait.until("Cancel is offered", () -> {
            Button b = robot.lookup("#cancel-task").queryAs(Button.class);
            return b.isVisible() && !b.isDisabled();
        });
        assertTrue(FxWait.onFx(() -> robot.lookup("#task-progress").queryAs(ProgressBar.class).isVisible()));
        // The window answers while the lane is busy: typing still works.
        robot.clickOn("#notes");

        robot.clickOn("#cancel-task");

        FxWait.until("the cancel is reported", () -> robot.lookup("#status-bar").queryAs(StatusBar.class).getText()
                .equals("Zz blocking was cancelled"));
        FxWait.until("the progress bar goes away", () -> !robot.lookup("#task-progress").queryAs(ProgressBar.class).isVisible());
        assertEquals(0, FxWait.onFx(() -> robot.lookup("#workspace-tabs").queryAs(TabPane.class).getTabs().size()));
        assertTrue(FxWait.onFx(() -> vm.workspace().tabs().isEmpty()));
    }
}
