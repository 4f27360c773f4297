package dev.loupe.app.ui.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.testfx.matcher.control.LabeledMatchers.hasText;

import dev.loupe.app.plugins.PluginRegistry;
import dev.loupe.app.plugins.RendererPluginJar;
import dev.loupe.app.session.SessionStore;
import dev.loupe.app.ui.FxWait;
import dev.loupe.app.ui.settings.LoupeHome;
import dev.loupe.app.ui.workspace.RunTab;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.ResultCodec;
import java.nio.file.Path;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
import javafx.scene.input.KeyCode;
import org.controlsfx.control.StatusBar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/**
 * The real app with a plugin jar from the user's plugin folder that brings its own result type and renderer: its
 * run opens in the jar's own view, is saved in a real SQLite session, and opens in that view again.
 */
class PluginRendererFxTest {
    private static Path modelDir;
    private static Path pluginDir;

    @TempDir
    Path tmp;

    private final FxRobot robot = new FxRobot();
    private LoupeApp app;

    @BeforeAll
    static void toolkit(@TempDir Path dir) throws Exception {
        FxToolkit.registerPrimaryStage();
        modelDir = TestCheckpoints.write(dir.resolve("tiny-gpt2"), TestCheckpoints.Spec.gpt2());
        pluginDir = dir.resolve("plugins");
        RendererPluginJar.build(dir.resolve("build"), pluginDir);
    }

    @BeforeEach
    void home() {
        System.setProperty(LoupeHome.PROPERTY, tmp.resolve("home").toString());
        System.setProperty("loupe.samples", tmp.resolve("no-samples").toString());
        System.setProperty(PluginRegistry.PLUGIN_DIR_PROPERTY, pluginDir.toString());
    }

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            FxToolkit.cleanupApplication(app);
        }
        System.clearProperty(LoupeHome.PROPERTY);
        System.clearProperty(PluginRegistry.PLUGIN_DIR_PROPERTY);
    }

    private void launch(String... args) throws Exception {
        app = (LoupeApp) FxToolkit.setupApplication(LoupeApp.class, args);
        MainViewModel vm = app.viewModel();
        FxWait.until("a session is open", () -> vm.session().sessionFileProperty().get() != null);
    }

    private TabPane tabs() {
        return robot.lookup("#workspace-tabs").queryAs(TabPane.class);
    }

    private String spiralViewText() {
        return FxWait.onFx(() -> robot.lookup("#" + RendererPluginJar.VIEW_ID).queryAs(Label.class).getText());
    }

    @Test
    void aPluginsOwnResultShowsInItsOwnViewAndSurvivesTheSession() throws Exception {
        launch();
        MainViewModel vm = app.viewModel();
        robot.interact(() -> vm.model().open(modelDir));
        FxWait.until("the model card shows", () -> "tiny-gpt2".equals(robot.lookup("#model-title").queryAs(Label.class).getText()));
        robot.clickOn("#prompt").write(MainViewModelTest.PROMPT);
        robot.clickOn("#plugin-choice");
        robot.clickOn(robot.lookup(".list-view .list-cell").match(hasText(RendererPluginJar.PLUGIN_NAME)).queryAs(Node.class));
        assertEquals(RendererPluginJar.PLUGIN_ID, FxWait.onFx(() -> vm.plugins().selectedProperty().get().id()));
        robot.press(KeyCode.CONTROL).type(KeyCode.R).release(KeyCode.CONTROL);
        FxWait.until("a result tab opens", () -> tabs().getTabs().size() == 1);
        FxWait.until("the jar's view shows", () -> robot.lookup("#" + RendererPluginJar.VIEW_ID).tryQuery().isPresent());
        assertEquals("spiral of 5 radii", spiralViewText());
        RunTab run = FxWait.onFx(() -> vm.workspace().tabs().get(0));
        Result shown = run.result();
        assertEquals("acme.spiral.SpiralResult", shown.getClass().getName());
        assertEquals(5, FxWait.onFx(run::viewState).get("turns").getAsInt(), "the jar's view state is the tab's");
        // Written now: closing the app closes the jar's loader and uninstalls its type.
        String shownJson = ResultCodec.toJson(shown).toString();

        robot.press(KeyCode.CONTROL).type(KeyCode.S).release(KeyCode.CONTROL);
        FxWait.until("the save is confirmed", () -> robot.lookup("#status-bar").queryAs(StatusBar.class).getText()
                .startsWith("Session saved"));
        Path session = FxWait.onFx(() -> vm.session().sessionFileProperty().get());
        FxToolkit.cleanupApplication(app);
        app = null;

        launch("--session=" + session);
        MainViewModel again = app.viewModel();
        FxWait.until("the tab is restored", () -> tabs().getTabs().size() == 1);
        FxWait.until("the jar's view shows again", () -> robot.lookup("#" + RendererPluginJar.VIEW_ID).tryQuery().isPresent());
        assertEquals("spiral of 5 radii", spiralViewText());
        Result restored = FxWait.onFx(() -> again.workspace().tabs().get(0).result());
        assertEquals(shownJson, ResultCodec.toJson(restored).toString());
        // The SQLite file itself holds the run, readable while the jar's type is installed (the app is open).
        try (SessionStore store = SessionStore.open(session)) {
            Result stored = store.result(run.runId()).orElseThrow();
            assertTrue(stored.getClass().getName().equals("acme.spiral.SpiralResult"), stored.getClass().getName());
            assertEquals(shownJson, ResultCodec.toJson(stored).toString());
        }
    }
}
