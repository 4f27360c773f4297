package dev.loupe.app.ui.runs;

import dev.loupe.app.plugins.AnalysisInput;
import dev.loupe.app.plugins.PluginRegistry.LoadedPlugin;
import dev.loupe.app.plugins.RecordedAnalysis;
import dev.loupe.app.session.SessionStore;
import dev.loupe.app.task.BackgroundTask;
import dev.loupe.app.task.TaskHandle;
import dev.loupe.app.task.TaskRunner;
import dev.loupe.app.ui.UiServices;
import dev.loupe.app.ui.input.InputViewModel;
import dev.loupe.app.ui.model.ModelViewModel;
import dev.loupe.app.ui.plugins.PluginsViewModel;
import dev.loupe.app.ui.session.SessionViewModel;
import dev.loupe.app.ui.workspace.RunLabels;
import dev.loupe.app.ui.workspace.RunTab;
import dev.loupe.app.ui.workspace.WorkspaceViewModel;
import dev.loupe.engine.LoupeModel;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.Result;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * Run: the selected plugin on the open model and the prompt, on the engine lane. The run is recorded in the session
 * (a failed or cancelled one too), and its result opens as a tab. Until a run is possible, the hint says what is
 * missing.
 */
public final class RunsViewModel {
    private final TaskRunner runner;
    private final UiServices ui;
    private final ModelViewModel model;
    private final InputViewModel input;
    private final PluginsViewModel plugins;
    private final WorkspaceViewModel workspace;
    private final SessionViewModel session;
    private final RunLabels labels;
    private final ReadOnlyStringWrapper runHint = new ReadOnlyStringWrapper("");
    private final BooleanBinding canRun;

    public RunsViewModel(TaskRunner runner, UiServices ui, ModelViewModel model, InputViewModel input,
            PluginsViewModel plugins, WorkspaceViewModel workspace, SessionViewModel session, RunLabels labels) {
        this.runner = runner;
        this.ui = ui;
        this.model = model;
        this.input = input;
        this.plugins = plugins;
        this.workspace = workspace;
        this.session = session;
        this.labels = labels;
        runHint.bind(Bindings.createStringBinding(this::computeRunHint, model.openedProperty(),
                plugins.selectedProperty(), plugins.notApplicableProperty(), input.promptProperty()));
        canRun = runHint.isEmpty();
    }

    private String computeRunHint() {
        LoadedPlugin p = plugins.selectedProperty().get();
        if (p == null) {
            return "Choose a plugin";
        }
        if (model.openedProperty().get() == null) {
            return "Open a model first (File ▸ Open model…, Ctrl+O)";
        }
        if (!plugins.notApplicableProperty().get().isEmpty()) {
            return plugins.notApplicableProperty().get();
        }
        if (input.promptProperty().get().isBlank()) {
            return "Type a prompt";
        }
        return "";
    }

    /** What a finished run hands to the UI. */
    private record Finished(long runId, Result result, String description, String seconds) {
    }

    /** Runs the selected plugin on the prompt; the result opens as a tab and is saved in the session. */
    public TaskHandle run() {
        String hint = runHint.get();
        if (!hint.isEmpty()) {
            ui.showError("Cannot run yet: " + hint);
            return null;
        }
        LoadedPlugin plugin = plugins.selectedProperty().get();
        Params params;
        try {
            params = plugins.formFor(plugin).params();
        } catch (IllegalArgumentException e) {
            ui.showError("Check the parameters: " + e.getMessage());
            return null;
        }
        ModelViewModel.Opened opened = model.openedProperty().get();
        String prompt = input.promptProperty().get();
        // Shared by the body and the lane: a run the lane abandons is recorded failed, and never again by its body.
        RecordedAnalysis.Recording recording = new RecordedAnalysis.Recording();
        return runner.submit(BackgroundTask.<Finished>of("Running " + plugin.info().name(),
                p -> runAndRecord(opened, plugin, params, prompt, p, recording))
                .onAbandoned(recording::abandon)
                .onSuccess(f -> {
                    workspace.add(new RunTab(f.runId(), plugin.id(), labels.tabTitle(plugin.id(), f.result()),
                            f.description(), f.result(), "", null));
                    session.autosave();
                    Path file = session.sessionFileProperty().get();
                    ui.showStatus(plugin.info().name() + " finished in " + f.seconds() + " s; saved as run " + f.runId()
                            + " of " + (file == null ? "the session" : file.getFileName()));
                })
                .onFailure(msg -> ui.showError(plugin.info().name() + " did not finish: " + msg))
                .onCancelled(() -> ui.showInfo(plugin.info().name() + " was cancelled")));
    }

    /** On the lane: analyze, then record the run (a failed or cancelled one too: it is provenance). */
    private Finished runAndRecord(ModelViewModel.Opened opened, LoadedPlugin plugin, Params params, String prompt,
            Progress progress, RecordedAnalysis.Recording recording) {
        SessionStore store = session.laneSession();
        if (store == null) {
            throw new IllegalStateException("no session is open");
        }
        LoupeModel m = opened.model();
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        RecordedAnalysis.Outcome outcome = RecordedAnalysis.run(store, m, plugin, params, AnalysisInput.ofText(prompt),
                progress, recording);
        if (outcome.runId() == null) {
            // Abandoned by the lane and recorded failed there; nobody waits for this late result.
            throw new CancellationException(plugin.id() + " ended after it was abandoned");
        }
        return new Finished(outcome.runId(), outcome.result(), labels.describe(outcome.runId(), plugin.id(),
                plugin.info().version(), params.toJson(), prompt, m.dir(), started),
                String.format(Locale.ROOT, "%.2f", (System.nanoTime() - t0) / 1e9));
    }

    public ReadOnlyStringProperty runHintProperty() {
        return runHint.getReadOnlyProperty();
    }

    public BooleanBinding canRunBinding() {
        return canRun;
    }
}
