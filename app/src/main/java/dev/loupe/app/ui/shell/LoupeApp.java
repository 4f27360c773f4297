package dev.loupe.app.ui.shell;

import dev.loupe.app.SampleModels;
import dev.loupe.app.plugins.PluginRegistry;
import dev.loupe.app.task.EngineLane;
import dev.loupe.app.task.ErrorMessages;
import dev.loupe.app.ui.settings.LoupeHome;
import dev.loupe.engine.ModelOptions;
import java.nio.file.Path;
import java.util.Map;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;

/**
 * The desktop app. Options (all optional): {@code --session=FILE} reopens a session instead of starting a new one;
 * {@code --model=DIR} opens a model at start; {@code --device=auto|cpu|gpu}. The Loupe home (recent models,
 * settings, sessions, plugins) is ~/.loupe or the {@code loupe.home} system property.
 */
public final class LoupeApp extends Application {
    private EngineLane lane;
    private PluginRegistry registry;
    private MainViewModel viewModel;
    private MainWindow window;

    /** The entry point ./loupe uses with no command. Returns when the window is closed. */
    public static void launchApp(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        Application.launch(LoupeApp.class, args);
        // PyTorch's native threads must not keep the JVM alive once the window is gone.
        System.exit(0);
    }

    @Override
    public void start(Stage stage) {
        System.setProperty("ai.djl.offline", "true");
        // A bug in a handler must not end in a stack trace dialog or a silent dead button: say it in words.
        Thread.currentThread().setUncaughtExceptionHandler((t, e) -> {
            e.printStackTrace();
            if (window != null) {
                window.services().showError("Unexpected error: " + ErrorMessages.oneLine(e));
            }
        });
        Map<String, String> named = getParameters().getNamed();
        LoupeHome home = LoupeHome.fromSystem();
        lane = new EngineLane(Platform::runLater);
        String pluginDir = System.getProperty(PluginRegistry.PLUGIN_DIR_PROPERTY);
        registry = PluginRegistry.discover(pluginDir != null && !pluginDir.isBlank() ? Path.of(pluginDir) : home.pluginsDir());
        window = new MainWindow(stage);
        viewModel = new MainViewModel(lane, window.services(), home, registry,
                ModelOptions.defaults().withDevice(named.getOrDefault("device", "auto")));
        window.bind(viewModel);
        String session = named.get("session");
        viewModel.start(session == null ? null : Path.of(session));
        String model = named.get("model");
        if (model != null) {
            viewModel.model().open(Path.of(model));
        } else if (session == null) {
            // A first start shows something real at once: the shipped tiny-lm, when it is installed.
            SampleModels.find(SampleModels.TINY_LM).ifPresent(viewModel.model()::open);
        }
        stage.show();
    }

    /** Saves and closes on the lane, waiting a little for that to finish so the last notes reach the disk. */
    @Override
    public void stop() throws Exception {
        if (viewModel != null) {
            viewModel.shutdown();
            lane.awaitTermination(10_000);
        }
        if (window != null) {
            window.dispose();
        }
        if (registry != null) {
            registry.close();
        }
    }

    public MainViewModel viewModel() {
        return viewModel;
    }

    public MainWindow window() {
        return window;
    }
}
