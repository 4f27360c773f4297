package dev.loupe.app.ui;

import com.google.gson.JsonObject;
import dev.loupe.app.plugins.AnalysisInput;
import dev.loupe.app.plugins.RecordedAnalysis;
import dev.loupe.app.plugins.PluginRegistry;
import dev.loupe.app.plugins.PluginRegistry.LoadedPlugin;
import dev.loupe.app.session.InputRecord;
import dev.loupe.app.session.SessionStore;
import dev.loupe.app.session.StoredModel;
import dev.loupe.app.session.StoredRun;
import dev.loupe.app.task.BackgroundTask;
import dev.loupe.app.task.ErrorMessages;
import dev.loupe.app.task.TaskHandle;
import dev.loupe.app.task.TaskRunner;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.ModelOptions;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.ResultCodec;
import dev.loupe.plugin.result.ResultCsv;
import dev.loupe.viewers.export.FigureExporter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The main window's state and actions: the model, the input, the plugins, the workspace of result tabs, the
 * status bar, and the session they all persist in. Plain JavaFX properties and no nodes, so it is tested with
 * JUnit alone (with {@link dev.loupe.app.task.SameThreadTaskRunner} the tests are straight-line code).
 *
 * <p>Threading: everything that touches the model or the session file runs as a task on the engine lane. The
 * session the lane writes to ({@link #laneSession}) is only swapped inside lane tasks, and the window's view of it
 * ({@link #uiSession}) follows when that task's result arrives; results reach the UI in lane order, so a run's tab
 * always lands in the workspace of the session that recorded it.
 */
public final class MainViewModel {
    static final String SESSION_EXTENSION = "loupe";
    /** Sessions written by the CLI have no saved workspace; this many of their latest results open instead. */
    static final int MAX_TABS_WITHOUT_WORKSPACE = 20;

    private final TaskRunner runner;
    private final UiServices ui;
    private final LoupeHome home;
    private final AppSettings settings;
    private final ModelViewModel model;
    private final InputViewModel input;
    private final PluginsViewModel plugins;
    private final WorkspaceViewModel workspace = new WorkspaceViewModel();
    private final StatusViewModel status;
    private final ObjectProperty<Path> sessionFile = new SimpleObjectProperty<>();
    private final StringProperty theme = new SimpleStringProperty("light");
    private final ReadOnlyStringWrapper runHint = new ReadOnlyStringWrapper("");
    private final BooleanBinding canRun;
    private final Map<String, String> pluginNames = new HashMap<>();

    private volatile SessionStore laneSession;
    /** A session this launch created: deleted when left without a single run, so launching leaves no litter. */
    private volatile Path freshSession;
    private SessionStore uiSession;

    public MainViewModel(TaskRunner runner, UiServices ui, LoupeHome home, PluginRegistry registry,
            ModelOptions options) {
        this(runner, ui, home, registry.plugins(), registry.failures(), options);
    }

    MainViewModel(TaskRunner runner, UiServices ui, LoupeHome home, List<LoadedPlugin> loaded,
            List<PluginRegistry.PluginFailure> failures, ModelOptions options) {
        this.runner = runner;
        this.ui = ui;
        this.home = home;
        this.settings = new AppSettings(home.settingsFile());
        this.model = new ModelViewModel(runner, ui, new RecentModels(home.recentModelsFile()), options);
        this.input = new InputViewModel(runner);
        this.plugins = new PluginsViewModel(loaded, failures);
        this.status = new StatusViewModel(runner);
        loaded.forEach(p -> pluginNames.put(p.id(), p.info().name()));
        theme.set(settings.theme());
        theme.addListener((obs, old, t) -> settings.setTheme(t));

        model.openedProperty().addListener((obs, old, o) -> {
            plugins.setModel(o == null ? null : o.info(), o == null ? List.of() : o.hookNames());
            input.setModel(o == null ? null : o.model(), o == null ? 0 : o.info().contextLength());
            status.setDevice(o == null ? "no model" : o.info().device() + " · " + o.info().computeDtype());
        });
        runHint.bind(Bindings.createStringBinding(this::computeRunHint, model.openedProperty(),
                plugins.selectedProperty(), plugins.notApplicableProperty(), input.promptProperty()));
        canRun = runHint.isEmpty();
        workspace.selectedProperty().addListener((obs, old, t) -> {
            if (old != null && old.notesChanged()) {
                autosave();
            }
        });
    }

    // ---- sessions ----

    /** At launch: a session to reopen, or a new one in the Loupe home's sessions folder. */
    public TaskHandle start(Path sessionToOpen) {
        return sessionToOpen != null ? openSession(sessionToOpen) : newSession();
    }

    public TaskHandle newSession() {
        return runner.submit(BackgroundTask.of("Creating a session", p -> {
            SessionStore store = SessionStore.create(newSessionFile());
            switchLaneSession(store, true);
            return store;
        }).notCancellable().onSuccess(store -> {
            uiSession = store;
            sessionFile.set(store.file());
            workspace.replaceAll(List.of(), null);
        }).onFailure(msg -> ui.showError("Could not create a session: " + msg)));
    }

    private Path newSessionFile() {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss", Locale.ROOT));
        Path dir = home.sessionsDir();
        Path f = dir.resolve("session-" + stamp + "." + SESSION_EXTENSION);
        for (int i = 2; Files.exists(f); i++) {
            f = dir.resolve("session-" + stamp + "-" + i + "." + SESSION_EXTENSION);
        }
        return f;
    }

    public void chooseAndOpenSession() {
        ui.chooseFileToOpen("Open session", List.of(SESSION_EXTENSION)).ifPresent(this::openSession);
    }

    /** Opens a session and restores its workspace from stored results (nothing is recomputed). */
    public TaskHandle openSession(Path file) {
        Path f = file.toAbsolutePath().normalize();
        return runner.submit(BackgroundTask.<Restored>of("Opening session " + f.getFileName(), p -> {
            p.message("Reading " + f.getFileName() + "…");
            SessionStore store = SessionStore.open(f);
            Restored r;
            try {
                r = readWorkspace(store, p);
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
            switchLaneSession(store, false);
            return r;
        }).notCancellable().onSuccess(this::applyRestored).onFailure(msg -> {
            ui.showError("Could not open the session: " + msg);
            // At launch there is no session to stay in; a session must always be open, so start a new one.
            if (uiSession == null) {
                newSession();
            }
        }));
    }

    /** A restored tab's data, read on the lane. */
    private record RestoredTab(StoredRun run, Result result, JsonObject viewState, String description) {
    }

    private record Restored(SessionStore store, List<RestoredTab> tabs, Long selectedRun, String modelPath,
            ModelInfo storedModelInfo, String prompt, String pluginId, Map<String, JsonObject> params,
            List<String> problems) {
    }

    private Restored readWorkspace(SessionStore store, Progress p) {
        WorkspaceState ws = store.workspace().map(WorkspaceState::fromJson).orElse(null);
        List<WorkspaceState.TabState> wanted;
        if (ws != null) {
            wanted = ws.tabs();
        } else {
            List<StoredRun> withResults = store.runs().stream().filter(StoredRun::hasResult).toList();
            wanted = withResults.subList(Math.max(0, withResults.size() - MAX_TABS_WITHOUT_WORKSPACE), withResults.size())
                    .stream().map(r -> new WorkspaceState.TabState(r.id(), null)).toList();
        }
        p.begin("Restoring results", wanted.size());
        List<RestoredTab> tabs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        StoredRun last = null;
        for (WorkspaceState.TabState t : wanted) {
            try {
                Optional<StoredRun> run = store.run(t.runId());
                Optional<Result> result = run.isPresent() ? store.result(t.runId()) : Optional.empty();
                if (run.isEmpty() || result.isEmpty()) {
                    problems.add("run " + t.runId() + " has no stored result");
                } else {
                    last = run.get();
                    tabs.add(new RestoredTab(run.get(), result.get(), t.viewState(), describe(store, run.get())));
                }
            } catch (RuntimeException e) {
                problems.add(ErrorMessages.oneLine(e));
            }
            p.worked(1);
        }
        String modelPath = ws != null ? ws.modelPath() : null;
        String prompt = ws != null ? ws.prompt() : null;
        if (ws == null && last != null) {
            if (last.modelId() != null) {
                modelPath = store.model(last.modelId()).map(m -> m.path().toString()).orElse(null);
            }
            if (last.inputId() != null) {
                prompt = store.input(last.inputId()).map(InputRecord::text).orElse(null);
            }
        }
        ModelInfo storedInfo = null;
        if (modelPath != null) {
            Path mp = Path.of(modelPath).toAbsolutePath().normalize();
            for (StoredModel m : store.models()) {
                if (m.path().equals(mp) && m.info() != null) {
                    storedInfo = ModelCard.infoFromJson(m.info(), m.path());
                }
            }
        }
        return new Restored(store, tabs, ws != null ? ws.selectedRun() : null, modelPath, storedInfo, prompt,
                ws != null ? ws.pluginId() : null, ws != null ? ws.params() : Map.of(), problems);
    }

    private void applyRestored(Restored r) {
        uiSession = r.store();
        sessionFile.set(r.store().file());
        List<RunTab> tabs = new ArrayList<>();
        RunTab selected = null;
        for (RestoredTab t : r.tabs()) {
            RunTab tab = new RunTab(t.run().id(), t.run().pluginId(), tabTitle(t.run().pluginId(), t.result()),
                    t.description(), t.result(), t.run().notes(), t.viewState());
            tabs.add(tab);
            if (r.selectedRun() != null && r.selectedRun() == t.run().id()) {
                selected = tab;
            }
        }
        workspace.replaceAll(tabs, selected);
        if (r.prompt() != null) {
            input.promptProperty().set(r.prompt());
        }
        r.params().forEach((id, json) -> plugins.plugins().stream().filter(p -> p.id().equals(id)).findFirst()
                .ifPresent(p -> {
                    try {
                        plugins.formFor(p).load(Params.fromJson(p.params(), json, p.info().name()));
                    } catch (RuntimeException e) {
                        // Values this plugin version no longer accepts: its defaults stay.
                    }
                }));
        if (r.pluginId() != null) {
            plugins.select(r.pluginId());
        }
        if (r.modelPath() != null) {
            Path mp = Path.of(r.modelPath());
            LoupeModel open = model.model();
            if (open != null && open.dir().toAbsolutePath().normalize().equals(mp.toAbsolutePath().normalize())) {
                // Already open: nothing to do.
            } else if (Files.isDirectory(mp)) {
                model.open(mp);
            } else {
                String why = "The model folder " + mp + " no longer exists; the session's results stay viewable, "
                        + "but new runs need a model.";
                model.showAbsent(r.storedModelInfo(), mp, why);
                ui.showInfo(why);
            }
        }
        if (!r.problems().isEmpty()) {
            ui.showError(r.problems().size() + " result(s) of the session could not be restored: " + r.problems().get(0));
        }
    }

    /** Ctrl+S: the session is autosaved after every run; this also stores the notes and the view state now. */
    public TaskHandle saveSession() {
        JsonObject state = captureWorkspace();
        Map<RunTab, String> notes = changedNotes();
        SessionStore target = uiSession;
        return runner.submit(BackgroundTask.of("Saving the session", p -> {
            writeWorkspace(target, state, notes);
            freshSession = null; // saved on purpose: keep it even if it has no runs
            return target.file();
        }).notCancellable().onSuccess(file -> {
            notes.forEach(RunTab::notesSaved);
            ui.showInfo("Session saved: " + file);
        }).onFailure(msg -> ui.showError("Could not save the session: " + msg)));
    }

    public void chooseAndSaveSessionAs() {
        ui.chooseFileToSave("Save session as", defaultSessionName(), List.of(SESSION_EXTENSION))
                .ifPresent(this::saveSessionAs);
    }

    private String defaultSessionName() {
        Path f = sessionFile.get();
        return f == null ? "session." + SESSION_EXTENSION : f.getFileName().toString();
    }

    /** Saves everything into a copy at {@code file} and goes on working in the copy. */
    public TaskHandle saveSessionAs(Path file) {
        Path target = withExtension(file, SESSION_EXTENSION);
        JsonObject state = captureWorkspace();
        Map<RunTab, String> notes = changedNotes();
        SessionStore current = uiSession;
        return runner.submit(BackgroundTask.of("Saving the session as " + target.getFileName(), p -> {
            writeWorkspace(current, state, notes);
            current.saveCopyAs(target);
            SessionStore copy = SessionStore.open(target);
            switchLaneSession(copy, false);
            return copy;
        }).notCancellable().onSuccess(copy -> {
            uiSession = copy;
            sessionFile.set(copy.file());
            notes.forEach(RunTab::notesSaved);
            ui.showInfo("Session saved as " + copy.file());
        }).onFailure(msg -> ui.showError("Could not save the session: " + msg)));
    }

    public void chooseAndExportSession() {
        ui.chooseFileToSave("Export session", baseName(defaultSessionName()) + ".loupe-export", List.of("loupe-export"))
                .ifPresent(this::exportSession);
    }

    /** One portable file (results, provenance, notes, workspace) to share; see SessionStore#exportTo. */
    public TaskHandle exportSession(Path file) {
        Path target = withExtension(file, "loupe-export");
        JsonObject state = captureWorkspace();
        Map<RunTab, String> notes = changedNotes();
        SessionStore current = uiSession;
        return runner.submit(BackgroundTask.of("Exporting the session", p -> {
            writeWorkspace(current, state, notes);
            current.exportTo(target);
            return target;
        }).notCancellable().onSuccess(t -> {
            notes.forEach(RunTab::notesSaved);
            ui.showInfo("Session exported to " + t);
        }).onFailure(msg -> ui.showError("Could not export the session: " + msg)));
    }

    public void chooseAndImportSession() {
        ui.chooseFileToOpen("Import session", List.of("loupe-export")).ifPresent(this::importSession);
    }

    /** Checks the export completely, makes a new session file from it in the sessions folder, and opens it. */
    public TaskHandle importSession(Path exportFile) {
        return runner.submit(BackgroundTask.of("Importing " + exportFile.getFileName(), p -> {
            Path target = home.sessionsDir().resolve(baseName(exportFile.getFileName().toString()) + "." + SESSION_EXTENSION);
            for (int i = 2; Files.exists(target); i++) {
                target = home.sessionsDir().resolve(baseName(exportFile.getFileName().toString()) + "-" + i + "." + SESSION_EXTENSION);
            }
            return SessionStore.importFrom(exportFile, target);
        }).notCancellable().onSuccess(this::openSession)
                .onFailure(msg -> ui.showError("Could not import the session: " + msg)));
    }

    /** Runs on the lane. The previous session is closed, and deleted if this launch made it and it stayed empty. */
    private void switchLaneSession(SessionStore next, boolean fresh) {
        SessionStore previous = laneSession;
        Path previousFresh = freshSession;
        laneSession = next;
        freshSession = fresh ? next.file() : null;
        if (previous != null && previous != next) {
            closeOrDiscard(previous, previousFresh, next.file());
        }
    }

    private static void closeOrDiscard(SessionStore store, Path fresh, Path keep) {
        boolean discard;
        try {
            discard = store.file().equals(fresh) && !store.file().equals(keep) && store.runs().isEmpty();
        } catch (RuntimeException e) {
            discard = false;
        }
        try {
            store.close();
        } catch (RuntimeException e) {
            // Closing a session we are leaving: its commits are already on disk.
        }
        if (discard) {
            for (String suffix : List.of("", "-wal", "-shm")) {
                try {
                    Files.deleteIfExists(Path.of(store.file() + suffix));
                } catch (IOException e) {
                    // An empty session file left behind is harmless.
                }
            }
        }
    }

    private void writeWorkspace(SessionStore store, JsonObject state, Map<RunTab, String> notes) {
        if (store == null || store != laneSession) {
            return; // the session was switched since this was captured; its state belongs to the old one
        }
        store.saveWorkspace(state);
        notes.forEach((tab, text) -> store.setNotes(tab.runId(), text));
    }

    private JsonObject captureWorkspace() {
        List<WorkspaceState.TabState> tabs = workspace.tabs().stream()
                .map(t -> new WorkspaceState.TabState(t.runId(), t.viewState())).toList();
        RunTab sel = workspace.selectedProperty().get();
        Map<String, JsonObject> params = new LinkedHashMap<>();
        for (LoadedPlugin p : plugins.plugins()) {
            try {
                params.put(p.id(), plugins.formFor(p).params().toJson());
            } catch (RuntimeException e) {
                // A field with an invalid value: remember the others' last good state rather than nothing.
            }
        }
        LoupeModel m = model.model();
        LoadedPlugin plugin = plugins.selectedProperty().get();
        return new WorkspaceState(tabs, sel == null ? null : sel.runId(),
                m == null ? null : m.dir().toAbsolutePath().toString(), input.promptProperty().get(),
                plugin == null ? null : plugin.id(), params).toJson();
    }

    private Map<RunTab, String> changedNotes() {
        Map<RunTab, String> notes = new LinkedHashMap<>();
        for (RunTab t : workspace.tabs()) {
            if (t.notesChanged()) {
                notes.put(t, t.notesProperty().get());
            }
        }
        return notes;
    }

    /** Stores the workspace and changed notes in the background; after every run, tab close and tab switch. */
    public void autosave() {
        autosave(Map.of());
    }

    private void autosave(Map<RunTab, String> closedTabNotes) {
        if (uiSession == null) {
            return;
        }
        JsonObject state = captureWorkspace();
        Map<RunTab, String> notes = changedNotes();
        notes.putAll(closedTabNotes);
        SessionStore target = uiSession;
        runner.submit(BackgroundTask.of("Autosave", p -> {
            writeWorkspace(target, state, notes);
            return notes;
        }).quiet().onSuccess(saved -> saved.forEach(RunTab::notesSaved))
                .onFailure(msg -> ui.showError("Autosave failed: " + msg)));
    }

    // ---- model ----

    public void chooseAndOpenModel() {
        LoupeModel m = model.model();
        Path initial = m != null ? m.dir().getParent() : model.recent().isEmpty() ? null : model.recent().get(0).getParent();
        ui.chooseFolder("Open a checkpoint folder", initial).ifPresent(model::open);
    }

    public TaskHandle openModel(Path dir) {
        return model.open(dir);
    }

    // ---- running ----

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
        return runner.submit(BackgroundTask.<Finished>of("Running " + plugin.info().name(),
                p -> runAndRecord(opened, plugin, params, prompt, p))
                .onSuccess(f -> {
                    workspace.add(new RunTab(f.runId(), plugin.id(), tabTitle(plugin.id(), f.result()), f.description(),
                            f.result(), "", null));
                    autosave();
                    ui.showStatus(plugin.info().name() + " finished in " + f.seconds() + " s; saved as run " + f.runId()
                            + " of " + (uiSession == null ? "the session" : uiSession.file().getFileName()));
                })
                .onFailure(msg -> ui.showError(plugin.info().name() + " did not finish: " + msg))
                .onCancelled(() -> ui.showInfo(plugin.info().name() + " was cancelled")));
    }

    /** On the lane: analyze, then record the run (a failed or cancelled one too: it is provenance). */
    private Finished runAndRecord(ModelViewModel.Opened opened, LoadedPlugin plugin, Params params, String prompt,
            Progress progress) {
        SessionStore store = laneSession;
        if (store == null) {
            throw new IllegalStateException("no session is open");
        }
        LoupeModel m = opened.model();
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        RecordedAnalysis.Outcome outcome = RecordedAnalysis.run(store, m, plugin, params, AnalysisInput.ofText(prompt),
                progress);
        return new Finished(outcome.runId(), outcome.result(), describe(outcome.runId(), plugin.id(),
                plugin.info().version(), params.toJson(), prompt, m.dir(), started),
                String.format(Locale.ROOT, "%.2f", (System.nanoTime() - t0) / 1e9));
    }

    private String tabTitle(String pluginId, Result result) {
        return pluginNames.getOrDefault(pluginId, pluginId) + ": " + result.title();
    }

    private String describe(SessionStore store, StoredRun run) {
        String prompt = run.inputId() == null ? null : store.input(run.inputId()).map(InputRecord::text).orElse(null);
        Path modelPath = run.modelId() == null ? null : store.model(run.modelId()).map(StoredModel::path).orElse(null);
        return describe(run.id(), run.pluginId(), run.pluginVersion(), run.params(), prompt, modelPath, run.startedAt());
    }

    private String describe(long runId, String pluginId, String version, JsonObject params, String prompt,
            Path modelPath, Instant started) {
        String values = params.entrySet().stream().filter(e -> !e.getKey().startsWith("$"))
                .map(e -> e.getKey() + " = " + (e.getValue().isJsonPrimitive() ? e.getValue().getAsString() : e.getValue()))
                .collect(Collectors.joining(", "));
        return "Run " + runId + " · " + pluginNames.getOrDefault(pluginId, pluginId) + " " + version
                + "\nParameters: " + (values.isEmpty() ? "none" : values)
                + (prompt == null ? "" : "\nPrompt: " + prompt)
                + (modelPath == null ? "" : "\nModel: " + modelPath)
                + "\nStarted " + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
                        .format(started.atZone(ZoneId.systemDefault()));
    }

    // ---- tabs ----

    public void closeTab(RunTab tab) {
        workspace.close(tab);
        // The tab leaves the workspace now; its unsaved notes go with this save.
        autosave(tab.notesChanged() ? Map.of(tab, tab.notesProperty().get()) : Map.of());
    }

    // ---- exports ----

    public void chooseAndExportFigure(String format) {
        RunTab tab = workspace.selectedProperty().get();
        if (tab == null) {
            ui.showError("Open a result first: the figure export writes the selected tab");
            return;
        }
        ui.chooseFileToSave("Export figure as " + format.toUpperCase(Locale.ROOT), safeName(tab.title()) + "." + format,
                List.of(format)).ifPresent(f -> exportFigure(tab, f, format));
    }

    public TaskHandle exportFigure(RunTab tab, Path file, String format) {
        Path target = withExtension(file, format);
        Result result = tab.result();
        JsonObject viewState = tab.viewState(); // read here, on the FX thread: the figure is coloured as shown
        return runner.submit(BackgroundTask.of("Exporting figure", p -> {
            if (format.equals("svg")) {
                FigureExporter.writeSvg(result, viewState, target);
            } else {
                FigureExporter.writePng(result, viewState, target);
            }
            return target;
        }).onSuccess(t -> ui.showInfo("Figure written to " + t))
                .onFailure(msg -> ui.showError("Could not export the figure: " + msg)));
    }

    public void chooseAndExportData(String format) {
        RunTab tab = workspace.selectedProperty().get();
        if (tab == null) {
            ui.showError("Open a result first: the data export writes the selected tab");
            return;
        }
        if (format.equals("csv") && !ResultCsv.supports(tab.result())) {
            ui.showError("This result has no table form for CSV; export it as JSON");
            return;
        }
        ui.chooseFileToSave("Export data as " + format.toUpperCase(Locale.ROOT), safeName(tab.title()) + "." + format,
                List.of(format)).ifPresent(f -> exportData(tab, f, format));
    }

    public TaskHandle exportData(RunTab tab, Path file, String format) {
        Path target = withExtension(file, format);
        Result result = tab.result();
        return runner.submit(BackgroundTask.of("Exporting data", p -> {
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                if (format.equals("csv")) {
                    ResultCsv.write(result, w);
                } else {
                    w.write(ResultCodec.toJsonText(result));
                }
            }
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return target;
        }).onSuccess(t -> ui.showInfo("Data written to " + t))
                .onFailure(msg -> ui.showError("Could not export the data: " + msg)));
    }

    private static Path withExtension(Path file, String ext) {
        String name = file.getFileName().toString();
        return name.toLowerCase(Locale.ROOT).endsWith("." + ext) ? file : file.resolveSibling(name + "." + ext);
    }

    private static String baseName(String name) {
        int dot = name.indexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static String safeName(String title) {
        String s = title.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("_+", "_");
        return s.length() > 60 ? s.substring(0, 60) : s;
    }

    // ---- lifetime ----

    /**
     * On quit: saves the workspace and notes, closes the model and the session (deleting it if this launch made
     * it and nothing ran), and stops the lane. The lane finishes this work before its thread ends.
     */
    public void shutdown() {
        if (uiSession != null) {
            JsonObject state = captureWorkspace();
            Map<RunTab, String> notes = changedNotes();
            SessionStore target = uiSession;
            runner.submit(BackgroundTask.of("Saving the session", p -> {
                writeWorkspace(target, state, notes);
                return null;
            }).quiet());
        }
        model.closeModel();
        runner.submit(BackgroundTask.of("Closing the session", p -> {
            SessionStore s = laneSession;
            laneSession = null;
            if (s != null) {
                closeOrDiscard(s, freshSession, null);
            }
            return null;
        }).quiet());
        runner.close();
    }

    // ---- properties ----

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

    public ObjectProperty<Path> sessionFileProperty() {
        return sessionFile;
    }

    public StringProperty themeProperty() {
        return theme;
    }

    public ReadOnlyStringProperty runHintProperty() {
        return runHint.getReadOnlyProperty();
    }

    public BooleanBinding canRunBinding() {
        return canRun;
    }

    public String pluginName(String id) {
        return pluginNames.getOrDefault(id, id);
    }
}
