package dev.loupe.app.ui.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.testfx.matcher.control.LabeledMatchers.hasText;

import com.google.gson.JsonObject;
import dev.loupe.app.ui.FxWait;
import dev.loupe.app.ui.settings.LoupeHome;
import dev.loupe.app.ui.workspace.RunTab;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugins.activations.ActivationsPlugin;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import org.controlsfx.control.StatusBar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/** The real app, headless (Monocle), driven as a user would: open, type, choose, run, save, quit, start again. */
class LoupeAppFxTest {
    private static Path modelDir;

    @TempDir
    Path tmp;

    private final FxRobot robot = new FxRobot();
    private LoupeApp app;

    @BeforeAll
    static void toolkit(@TempDir Path dir) throws Exception {
        FxToolkit.registerPrimaryStage();
        modelDir = TestCheckpoints.write(dir.resolve("tiny-gpt2"), TestCheckpoints.Spec.gpt2());
    }

    @BeforeEach
    void home() {
        System.setProperty(LoupeHome.PROPERTY, tmp.resolve("home").toString());
        // No sample model opens by itself: each test starts from an empty workspace.
        System.setProperty("loupe.samples", tmp.resolve("no-samples").toString());
    }

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            FxToolkit.cleanupApplication(app);
        }
        System.clearProperty(LoupeHome.PROPERTY);
    }

    private LoupeApp launch(String... args) throws Exception {
        app = (LoupeApp) FxToolkit.setupApplication(LoupeApp.class, args);
        MainViewModel vm = app.viewModel();
        FxWait.until("a session is open", () -> vm.session().sessionFileProperty().get() != null);
        return app;
    }

    private TabPane tabs() {
        return robot.lookup("#workspace-tabs").queryAs(TabPane.class);
    }

    private String text(String id) {
        return FxWait.onFx(() -> robot.lookup(id).queryAs(Label.class).getText());
    }

    /** Opens the model through the view model (a DirectoryChooser cannot be driven headless), types, runs. */
    private void openTypeAndRun() {
        MainViewModel vm = app.viewModel();
        robot.interact(() -> vm.model().open(modelDir));
        FxWait.until("the model card shows", () -> "tiny-gpt2".equals(robot.lookup("#model-title").queryAs(Label.class).getText()));
        robot.clickOn("#prompt").write(MainViewModelTest.PROMPT);
        FxWait.until("the token count shows", () -> "4 tokens".equals(robot.lookup("#token-count").queryAs(Label.class).getText()));
        robot.clickOn("#plugin-choice");
        robot.clickOn(robot.lookup(".list-view .list-cell").match(hasText("Activations")).queryAs(Node.class));
        assertEquals(ActivationsPlugin.ID, FxWait.onFx(() -> vm.plugins().selectedProperty().get().id()));
        robot.press(KeyCode.CONTROL).type(KeyCode.R).release(KeyCode.CONTROL);
        FxWait.until("a result tab opens", () -> tabs().getTabs().size() == 1);
    }

    @Test
    void aRunSavedAndReopenedShowsTheSameTabWithTheSameData() throws Exception {
        launch();
        openTypeAndRun();
        MainViewModel vm = app.viewModel();
        Tab tab = FxWait.onFx(() -> tabs().getTabs().get(0));
        RunTab run = FxWait.onFx(() -> vm.workspace().tabs().get(0));
        assertEquals("run-" + run.runId(), tab.getId());
        assertNotNull(tab.getContent());
        MatrixResult shown = (MatrixResult) run.result();
        assertEquals(java.util.List.of("w1", "w2", "w3", "w4"), shown.rowLabels());

        // Select a row in the heatmap (view state) and write a note, then save with Ctrl+S.
        robot.clickOn(tab.getContent());
        JsonObject viewState = FxWait.onFx(run::viewState);
        assertTrue(viewState.get("selectedRow").getAsInt() >= 0, "the click selected a row: " + viewState);
        robot.clickOn("#notes").write("first look");
        robot.press(KeyCode.CONTROL).type(KeyCode.S).release(KeyCode.CONTROL);
        FxWait.until("the save is confirmed", () -> robot.lookup("#status-bar").queryAs(StatusBar.class).getText()
                .startsWith("Session saved"));
        Path session = FxWait.onFx(() -> vm.session().sessionFileProperty().get());

        FxToolkit.cleanupApplication(app);
        app = null;
        assertTrue(Files.exists(session));

        launch("--session=" + session);
        MainViewModel again = app.viewModel();
        FxWait.until("the tab is restored", () -> tabs().getTabs().size() == 1);
        FxWait.until("the model is opened again", () -> again.model().model() != null);
        Tab back = FxWait.onFx(() -> tabs().getTabs().get(0));
        RunTab backRun = FxWait.onFx(() -> again.workspace().tabs().get(0));
        assertEquals(tab.getId(), back.getId());
        assertEquals(tab.getText(), back.getText());
        MatrixResult restored = (MatrixResult) backRun.result();
        assertEquals(shown.rowLabels(), restored.rowLabels());
        assertEquals(shown.colLabels(), restored.colLabels());
        assertArrayEquals(shown.values(), restored.values());
        assertEquals(viewState, FxWait.onFx(backRun::viewState), "the view comes back as it was left");
        assertEquals("first look", FxWait.onFx(() -> robot.lookup("#notes").queryAs(TextArea.class).getText()));
        assertEquals(MainViewModelTest.PROMPT, FxWait.onFx(() -> robot.lookup("#prompt").queryAs(TextArea.class).getText()));
        assertEquals("tiny-gpt2", text("#model-title"));
    }

    @Test
    void aFailedOpenShowsTheErrorAndLeavesTheWorkspaceAsItWas() throws Exception {
        launch();
        openTypeAndRun();
        MainViewModel vm = app.viewModel();
        Path notAModel = Files.createDirectories(tmp.resolve("not-a-model"));

        robot.interact(() -> vm.model().open(notAModel));

        FxWait.until("the error shows", () -> robot.lookup("#model-error").queryAs(Label.class).isVisible());
        String error = text("#model-error");
        assertTrue(error.startsWith(notAModel.toString()), "names the folder: " + error);
        assertTrue(!error.contains("\n") && !error.contains("Exception"), error);
        assertEquals("tiny-gpt2", text("#model-title"));
        assertEquals(1, FxWait.onFx(() -> tabs().getTabs().size()));
        assertEquals(modelDir.toAbsolutePath().normalize(), FxWait.onFx(() -> vm.model().model().dir().toAbsolutePath().normalize()));
    }

    @Test
    void tabsReorderAndCloseThroughTheViewModel() throws Exception {
        launch();
        openTypeAndRun();
        MainViewModel vm = app.viewModel();
        robot.press(KeyCode.F5).release(KeyCode.F5);
        FxWait.until("a second tab opens", () -> tabs().getTabs().size() == 2);
        long first = FxWait.onFx(() -> vm.workspace().tabs().get(0).runId());
        long second = FxWait.onFx(() -> vm.workspace().tabs().get(1).runId());

        // What the TabPane does when a tab is dragged to the end.
        robot.interact(() -> {
            Tab t = tabs().getTabs().remove(0);
            tabs().getTabs().add(t);
        });
        assertEquals(java.util.List.of(second, first),
                FxWait.onFx(() -> vm.workspace().tabs().stream().map(RunTab::runId).toList()));

        robot.clickOn(robot.lookup("#run-" + second + " .tab-close-button").queryAs(Node.class));
        FxWait.until("the tab closes", () -> tabs().getTabs().size() == 1);
        assertEquals(java.util.List.of(first), FxWait.onFx(() -> vm.workspace().tabs().stream().map(RunTab::runId).toList()));
        assertEquals(first, FxWait.onFx(() -> vm.workspace().selectedProperty().get().runId()));
    }
}
