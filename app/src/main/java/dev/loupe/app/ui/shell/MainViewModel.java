package dev.loupe.app.ui.shell;

import dev.loupe.app.plugins.PluginRegistry;
import dev.loupe.app.plugins.PluginRegistry.LoadedPlugin;
import dev.loupe.app.task.TaskHandle;
import dev.loupe.app.task.TaskRunner;
import dev.loupe.app.ui.UiServices;
import dev.loupe.app.ui.exports.ExportsViewModel;
import dev.loupe.app.ui.input.InputViewModel;
import dev.loupe.app.ui.model.ModelViewModel;
import dev.loupe.app.ui.plugins.PluginsViewModel;
import dev.loupe.app.ui.runs.RunsViewModel;
import dev.loupe.app.ui.session.SessionViewModel;
import dev.loupe.app.ui.settings.AppSettings;
import dev.loupe.app.ui.settings.LoupeHome;
import dev.loupe.app.ui.settings.RecentPaths;
import dev.loupe.app.ui.workspace.RunLabels;
import dev.loupe.app.ui.workspace.WorkspaceViewModel;
import dev.loupe.engine.ModelOptions;
import java.nio.file.Path;
import java.util.List;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The main window's view models, made and connected here: the model, the input, the plugins, the workspace of
 * result tabs and the status bar, and the actions over them, session lifecycle ({@link SessionViewModel}), runs
 * ({@link RunsViewModel}) and exports ({@link ExportsViewModel}). Plain JavaFX properties and no nodes, so it is
 * tested with JUnit alone (with {@link dev.loupe.app.task.SameThreadTaskRunner} the tests are straight-line code).
 */
public final class MainViewModel {
    private final TaskRunner runner;
    private final AppSettings settings;
    private final ModelViewModel model;
    private final InputViewModel input;
    private final PluginsViewModel plugins;
    private final WorkspaceViewModel workspace = new WorkspaceViewModel();
    private final StatusViewModel status;
    private final SessionViewModel session;
    private final RunsViewModel runs;
    private final ExportsViewModel exports;
    private final StringProperty theme = new SimpleStringProperty("light");
    private final LoupeHome home;
    private final List<LoadedPlugin> loaded;
    private final List<PluginRegistry.PluginFailure> failures;

    public MainViewModel(TaskRunner runner, UiServices ui, LoupeHome home, PluginRegistry registry,
            ModelOptions options) {
        this(runner, ui, home, registry.plugins(), registry.failures(), options);
    }

    MainViewModel(TaskRunner runner, UiServices ui, LoupeHome home, List<LoadedPlugin> loaded,
            List<PluginRegistry.PluginFailure> failures, ModelOptions options) {
        this.runner = runner;
        this.home = home;
        this.loaded = List.copyOf(loaded);
        this.failures = List.copyOf(failures);
        this.settings = new AppSettings(home.settingsFile());
        this.model = new ModelViewModel(runner, ui, new RecentPaths(home.recentModelsFile()), options);
        this.input = new InputViewModel(runner);
        this.plugins = new PluginsViewModel(loaded, failures);
        this.status = new StatusViewModel(runner);
        theme.set(settings.theme());
        theme.addListener((obs, old, t) -> settings.setTheme(t));

        model.openedProperty().addListener((obs, old, o) -> {
            plugins.setModel(o == null ? null : o.info(), o == null ? List.of() : o.hookNames());
            input.setModel(o == null ? null : o.model(), o == null ? 0 : o.info().contextLength());
            status.setDevice(o == null ? "no model" : o.info().device() + " · " + o.info().computeDtype());
        });
        RunLabels labels = new RunLabels(loaded);
        this.session = new SessionViewModel(runner, ui, home, model, input, plugins, workspace, labels);
        this.runs = new RunsViewModel(runner, ui, model, input, plugins, workspace, session, labels);
        this.exports = new ExportsViewModel(runner, ui, workspace);
    }

    /**
     * Help ▸ About: the version, the Java and the engine Loupe runs on, the open model's device, where its files
     * are, and every plugin with where it came from (and those that failed to load, with why): what a bug report needs.
     */
    public String aboutText() {
        StringBuilder sb = new StringBuilder();
        String version = MainViewModel.class.getPackage().getImplementationVersion();
        sb.append("Loupe ").append(version == null ? "(development build)" : version).append('\n');
        sb.append("Java ").append(System.getProperty("java.version")).append(" (").append(System.getProperty("java.vendor"))
                .append("), ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"))
                .append('\n');
        sb.append(dev.loupe.engine.EngineInfo.describe()).append('\n');
        var open = model.openedProperty().get();
        sb.append("Model: ").append(open == null ? "none open" : open.model().dir() + " on " + open.info().device()
                + " (" + open.info().computeDtype() + ")").append('\n');
        sb.append("Loupe folder: ").append(home.sessionsDir().getParent()).append("\n\n");
        sb.append("Plugins (").append(loaded.size()).append("):\n");
        for (LoadedPlugin p : loaded) {
            sb.append("  ").append(p.id()).append(' ').append(p.info().version()).append("  ").append(p.info().name())
                    .append("  [").append(p.source()).append("]\n");
        }
        if (!failures.isEmpty()) {
            sb.append("Failed to load (").append(failures.size()).append("):\n");
            failures.forEach(f -> sb.append("  ").append(f.describe()).append('\n'));
        }
        return sb.toString().stripTrailing();
    }

    /** At launch: a session to reopen, or a new one in the Loupe home's sessions folder. */
    public TaskHandle start(Path sessionToOpen) {
        return session.start(sessionToOpen);
    }

    /**
     * On quit: saves the workspace and notes, closes the model and the session (deleting it if this launch made
     * it and nothing ran), and stops the lane. The lane finishes this work before its thread ends.
     */
    public void shutdown() {
        session.saveOnQuit();
        model.closeModel();
        session.closeOnQuit();
        runner.close();
    }

    public ModelViewModel model() {
        return model;
    }

    public InputViewModel input() {
        return input;
    }

    public PluginsViewModel plugins() {
        return plugins;
    }

    public WorkspaceViewModel workspace() {
        return workspace;
    }

    public StatusViewModel status() {
        return status;
    }

    public SessionViewModel session() {
        return session;
    }

    public RunsViewModel runs() {
        return runs;
    }

    public ExportsViewModel exports() {
        return exports;
    }

    public StringProperty themeProperty() {
        return theme;
    }
}
