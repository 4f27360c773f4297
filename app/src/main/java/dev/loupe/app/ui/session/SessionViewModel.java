package dev.loupe.app.ui.session;

import javafx.collections.ObservableList;

import javafx.collections.FXCollections;

import dev.loupe.app.ui.settings.RecentPaths;

import com.google.gson.JsonObject;
import dev.loupe.app.plugins.PluginRegistry.LoadedPlugin;
import dev.loupe.app.session.InputRecord;
import dev.loupe.app.session.SessionStore;
import dev.loupe.app.session.StoredModel;
import dev.loupe.app.session.StoredRun;
import dev.loupe.app.task.BackgroundTask;
import dev.loupe.app.task.ErrorMessages;
import dev.loupe.app.task.TaskHandle;
import dev.loupe.app.task.TaskRunner;
import dev.loupe.app.ui.FileNames;
import dev.loupe.app.ui.UiServices;
import dev.loupe.app.ui.input.InputViewModel;
import dev.loupe.app.ui.model.ModelCard;
import dev.loupe.app.ui.model.ModelViewModel;
import dev.loupe.app.ui.plugins.PluginsViewModel;
import dev.loupe.app.ui.settings.LoupeHome;
import dev.loupe.app.ui.workspace.RunLabels;
import dev.loupe.app.ui.workspace.RunTab;
import dev.loupe.app.ui.workspace.WorkspaceState;
import dev.loupe.app.ui.workspace.WorkspaceViewModel;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.ModelInfo;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;

/**
 * The session's lifecycle: new, open (restoring the workspace from stored results), save, save as, export and
 * import, autosave, and closing on quit. The workspace it stores is read from the other view models: the tabs with
 * their notes and view state, the model folder, the prompt and every plugin's form.
 *
 * <p>Threading: everything that touches the session file runs as a task on the engine lane. The session the lane
 * writes to ({@link #laneSession}) is only swapped inside lane tasks, and the window's view of it ({@link #uiSession})
 * follows when that task's result arrives; results reach the UI in lane order, so a run's tab always lands in the
 * workspace of the session that recorded it.
 */
public final class SessionViewModel {
    public static final String SESSION_EXTENSION = "loupe";
    /** Sessions written by the CLI have no saved workspace; this many of their latest results open instead. */
    static final int MAX_TABS_WITHOUT_WORKSPACE = 20;

    private final TaskRunner runner;
    private final UiServices ui;
    private final LoupeHome home;
    private final ModelViewModel model;
    private final InputViewModel input;
    private final PluginsViewModel plugins;
    private final WorkspaceViewModel workspace;
    private final RunLabels labels;
    private final ObjectProperty<Path> sessionFile = new SimpleObjectProperty<>();
    private final RecentPaths recentStore;
    private final ObservableList<Path> recent = FXCollections.observableArrayList();

    private volatile SessionStore laneSession;
    /** A session this launch created: deleted when left without a single run, so launching leaves no litter. */
    private volatile Path freshSession;
    private SessionStore uiSession;

    public SessionViewModel(TaskRunner runner, UiServices ui, LoupeHome home, ModelViewModel model,
            InputViewModel input, PluginsViewModel plugins, WorkspaceViewModel workspace, RunLabels labels) {
        this.runner = runner;
        this.ui = ui;
        this.home = home;
        this.model = model;
        this.input = input;
        this.plugins = plugins;
        this.workspace = workspace;
        this.labels = labels;
        this.recentStore = new RecentPaths(home.recentSessionsFile());
        recent.setAll(recentStore.list());
        workspace.selectedProperty().addListener((obs, old, t) -> {
            if (old != null && old.notesChanged()) {
                autosave();
            }
        });
    }

    /**
     * At launch: the session asked for, else the last one worked in (as every desktop app reopens its last
     * document), else a new one in the Loupe home's sessions folder.
     */
    public TaskHandle start(Path sessionToOpen) {
        if (sessionToOpen != null) {
            return openSession(sessionToOpen);
        }
        for (Path p : recent) {
            if (Files.isRegularFile(p)) {
                return openSession(p);
            }
        }
        return newSession();
    }

    /** Recently used session files, newest first (File ▸ Open recent session). */
    public ObservableList<Path> recent() {
        return recent;
    }

    private void remember(Path file) {
        recent.setAll(recentStore.add(file));
    }

    public TaskHandle newSession() {
        return runner.submit(BackgroundTask.of("Creating a session", p -> {
            SessionStore store = SessionStore.create(newSessionFile());
            switchLaneSession(store, true);
            return store;
        }).notCancellable().onSuccess(store -> {
            uiSession = store;
            sessionFile.set(store.file());
            remember(store.file());
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
                    tabs.add(new RestoredTab(run.get(), result.get(), t.viewState(), labels.describe(store, run.get())));
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
        remember(r.store().file());
        List<RunTab> tabs = new ArrayList<>();
        RunTab selected = null;
        for (RestoredTab t : r.tabs()) {
            RunTab tab = new RunTab(t.run().id(), t.run().pluginId(), labels.tabTitle(t.run().pluginId(), t.result()),
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
                        // Values this plugin version no longer accepts: its defaults stay, and the user is told.
                        ui.showInfo(e.getMessage() + "; its defaults are used");
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

    /**
     * Ctrl+S: saves the notes and the view state into the open session file, in place (its runs are saved as they
     * finish); the status line names the file. Save As writes a copy elsewhere and goes on in the copy.
     */
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
        Path target = FileNames.withExtension(file, SESSION_EXTENSION);
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
            remember(copy.file());
            notes.forEach(RunTab::notesSaved);
            ui.showInfo("Session saved as " + copy.file());
        }).onFailure(msg -> ui.showError("Could not save the session: " + msg)));
    }

    public void chooseAndExportSession() {
        ui.chooseFileToSave("Export session", FileNames.baseName(defaultSessionName()) + ".loupe-export", List.of("loupe-export"))
                .ifPresent(this::exportSession);
    }

    /** One portable file (results, provenance, notes, workspace) to share; see SessionStore#exportTo. */
    public TaskHandle exportSession(Path file) {
        Path target = FileNames.withExtension(file, "loupe-export");
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
            Path target = home.sessionsDir().resolve(FileNames.baseName(exportFile.getFileName().toString()) + "." + SESSION_EXTENSION);
            for (int i = 2; Files.exists(target); i++) {
                target = home.sessionsDir().resolve(FileNames.baseName(exportFile.getFileName().toString()) + "-" + i + "." + SESSION_EXTENSION);
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


    public void closeTab(RunTab tab) {
        workspace.close(tab);
        // The tab leaves the workspace now; its unsaved notes go with this save.
        autosave(tab.notesChanged() ? Map.of(tab, tab.notesProperty().get()) : Map.of());
    }

    /** On quit, first: saves the workspace and notes on the lane. */
    public void saveOnQuit() {
        if (uiSession != null) {
            JsonObject state = captureWorkspace();
            Map<RunTab, String> notes = changedNotes();
            SessionStore target = uiSession;
            runner.submit(BackgroundTask.of("Saving the session", p -> {
                writeWorkspace(target, state, notes);
                return null;
            }).quiet());
        }
    }

    /** On quit, last: closes the session on the lane, deleting it if this launch made it and nothing ran. */
    public void closeOnQuit() {
        runner.submit(BackgroundTask.of("Closing the session", p -> {
            SessionStore s = laneSession;
            laneSession = null;
            if (s != null) {
                closeOrDiscard(s, freshSession, null);
            }
            return null;
        }).quiet());
    }

    /** The session runs are recorded in; read it only inside a lane task. */
    public SessionStore laneSession() {
        return laneSession;
    }

    public ObjectProperty<Path> sessionFileProperty() {
        return sessionFile;
    }
}
