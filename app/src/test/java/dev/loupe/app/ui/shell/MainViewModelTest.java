package dev.loupe.app.ui.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.loupe.app.session.RunStatus;
import dev.loupe.app.session.SessionStore;
import dev.loupe.app.session.StoredRun;
import dev.loupe.app.task.EngineLane;
import dev.loupe.app.task.SameThreadTaskRunner;
import dev.loupe.app.task.TaskHandle;
import dev.loupe.app.task.TaskOutcome;
import dev.loupe.app.task.TaskRunner;
import dev.loupe.app.ui.model.ModelCard;
import dev.loupe.app.ui.plugins.ParamField;
import dev.loupe.app.ui.settings.LoupeHome;
import dev.loupe.app.ui.settings.RecentPaths;
import dev.loupe.app.ui.workspace.RunTab;
import dev.loupe.app.ui.workspace.WorkspaceState;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.ModelOptions;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.ResultCodec;
import dev.loupe.plugins.activations.ActivationsPlugin;
import dev.loupe.viewers.export.FigureExporter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The main window's behaviour without a window: JUnit only, real model, real plugins, real session files. */
class MainViewModelTest {
    static final String PROMPT = "w1 w2 w3 w4";

    static Path modelDir;

    @TempDir
    Path tmp;

    private final RecordingUi ui = new RecordingUi();
    private LoupeHome home;
    private MainViewModel vm;

    @BeforeAll
    static void writeModel(@TempDir Path dir) {
        modelDir = TestCheckpoints.write(dir.resolve("tiny-gpt2"), TestCheckpoints.Spec.gpt2());
    }

    private MainViewModel start(TaskRunner runner, Path session) {
        home = new LoupeHome(tmp.resolve("home"));
        MainViewModel v = new MainViewModel(runner, ui, home, TestPlugins.all(), List.of(),
                ModelOptions.defaults().withDevice("cpu"));
        v.start(session);
        return v;
    }

    private MainViewModel start(Path session) {
        vm = start(new SameThreadTaskRunner(), session);
        return vm;
    }

    @AfterEach
    void shutdown() {
        if (vm != null) {
            vm.shutdown();
        }
    }

    /** Opens the test model, types the prompt and runs Activations with maxDims 16. */
    private RunTab runActivations(MainViewModel v) {
        if (v.model().model() == null) {
            v.model().open(modelDir);
        }
        v.input().promptProperty().set(PROMPT);
        assertTrue(v.plugins().select(ActivationsPlugin.ID));
        v.plugins().formProperty().get().field("maxDims").valueProperty().set(16);
        int before = v.workspace().tabs().size();
        v.runs().run();
        assertEquals(before + 1, v.workspace().tabs().size(), "errors: " + ui.errors);
        return v.workspace().tabs().get(before);
    }

    @Test
    void startsInANewSessionInTheLoupeHome() {
        start(null);
        Path f = vm.session().sessionFileProperty().get();
        assertNotNull(f);
        assertEquals(home.sessionsDir(), f.getParent());
        assertTrue(Files.isRegularFile(f));
        assertEquals("Open a model first (File ▸ Open model…, Ctrl+O)", vm.runs().runHintProperty().get());
    }

    @Test
    void aSessionThatCannotBeOpenedAtLaunchLeavesANewOneOpen() throws Exception {
        Path damaged = Files.writeString(tmp.resolve("damaged.loupe"), "not a database at all, just text");
        start(damaged);
        assertEquals(1, ui.errors.size());
        assertTrue(ui.errors.get(0).startsWith("Could not open the session: " + damaged), ui.errors.get(0));
        assertFalse(ui.errors.get(0).contains("\n"));
        assertEquals(home.sessionsDir(), vm.session().sessionFileProperty().get().getParent());
        assertEquals("not a database at all, just text", Files.readString(damaged), "the bad file is left alone");
    }

    @Test
    void openingAModelFillsTheCardAndTheHookListAndIsRemembered() {
        start(null);
        vm.model().open(modelDir);
        assertEquals("tiny-gpt2", vm.model().titleProperty().get());
        assertTrue(vm.model().card().contains(new ModelCard.Row("Layers", "2")));
        assertTrue(vm.model().card().contains(new ModelCard.Row("Heads", "4")));
        assertTrue(vm.model().card().contains(new ModelCard.Row("Device", "cpu")));
        assertEquals("cpu · F32", vm.status().deviceProperty().get());
        assertEquals(List.of(modelDir.toAbsolutePath().normalize()), new RecentPaths(home.recentModelsFile()).list());
        vm.plugins().select(ActivationsPlugin.ID);
        ParamField hook = vm.plugins().formProperty().get().field("hook");
        assertTrue(hook.choices().contains("blocks.1.hook_resid_post"), hook.choices().toString());
        assertEquals("Type a prompt", vm.runs().runHintProperty().get());
        vm.input().promptProperty().set(PROMPT);
        assertEquals("4 tokens", vm.input().tokenTextProperty().get());
        assertTrue(vm.input().unknownWords().isEmpty());
        // A word the vocabulary lacks is said where it happens.
        vm.input().promptProperty().set("w1 zebra w2");
        assertEquals(List.of("zebra"), vm.input().unknownWords());
        assertEquals("3 tokens, 1 word unknown to the model (read as its unknown token): zebra",
                vm.input().tokenTextProperty().get());
        vm.input().promptProperty().set(PROMPT);
        assertTrue(vm.input().unknownWords().isEmpty());
        assertTrue(vm.runs().canRunBinding().get());
    }

    @Test
    void aFailedOpenSaysWhyAndLeavesModelAndWorkspaceAsTheyWere() throws Exception {
        start(null);
        RunTab tab = runActivations(vm);
        LoupeModel open = vm.model().model();
        Path empty = Files.createDirectories(tmp.resolve("not-a-model"));

        vm.model().open(empty);

        assertEquals(1, ui.errors.size());
        String error = ui.errors.get(0);
        assertTrue(error.startsWith("Could not open the model: "), error);
        assertFalse(error.contains("\n") || error.contains("Exception"), error);
        assertEquals(vm.model().errorProperty().get(), error.substring("Could not open the model: ".length()));
        assertSame(open, vm.model().model());
        assertEquals("tiny-gpt2", vm.model().titleProperty().get());
        assertEquals(List.of(tab), vm.workspace().tabs());

        vm.model().open(tmp.resolve("nowhere"));
        assertTrue(vm.model().errorProperty().get().endsWith("no such folder (a model is a Hugging Face checkpoint folder)"),
                vm.model().errorProperty().get());
        assertSame(open, vm.model().model());
    }

    @Test
    void aRunOpensATabAndIsRecordedInTheSession() {
        start(null);
        RunTab tab = runActivations(vm);
        MatrixResult m = (MatrixResult) tab.result();
        assertEquals(List.of("w1", "w2", "w3", "w4"), m.rowLabels());
        assertEquals(16, m.cols());
        assertEquals("Activations: blocks.0.hook_resid_post (first 16 of 32 dims)", tab.title());
        assertSame(tab, vm.workspace().selectedProperty().get());
        assertTrue(tab.description().contains("Prompt: " + PROMPT), tab.description());
        String status = ui.statuses.get(ui.statuses.size() - 1);
        assertTrue(status.startsWith("Activations finished in ") && status.endsWith(" s; saved as run " + tab.runId()
                + " of " + vm.session().sessionFileProperty().get().getFileName()), status);

        try (SessionStore s = SessionStore.open(vm.session().sessionFileProperty().get())) {
            List<StoredRun> runs = s.runs();
            assertEquals(1, runs.size());
            assertEquals(tab.runId(), runs.get(0).id());
            assertEquals(RunStatus.OK, runs.get(0).status());
            assertEquals(ActivationsPlugin.ID, runs.get(0).pluginId());
            assertArrayEquals(m.values(), ((MatrixResult) s.result(tab.runId()).orElseThrow()).values());
            // Autosaved after the run: the workspace already lists the tab.
            assertEquals(tab.runId(), WorkspaceState.fromJson(s.workspace().orElseThrow()).tabs().get(0).runId());
        }
    }

    @Test
    void reopeningASessionRestoresTabsNotesViewStateInputAndForm() {
        start(null);
        RunTab tab = runActivations(vm);
        tab.notesProperty().set("resid stream looks flat");
        JsonObject state = new JsonObject();
        state.addProperty("zoom", 2.5);
        tab.setViewState(() -> state);
        vm.session().saveSession();
        assertTrue(ui.infos.stream().anyMatch(s -> s.startsWith("Session saved: ")), ui.infos.toString());
        Path file = vm.session().sessionFileProperty().get();
        vm.shutdown();

        ui.errors.clear();
        vm = start(new SameThreadTaskRunner(), file);
        assertEquals(file, vm.session().sessionFileProperty().get());
        assertEquals(1, vm.workspace().tabs().size());
        RunTab back = vm.workspace().tabs().get(0);
        assertEquals(tab.runId(), back.runId());
        assertEquals(tab.title(), back.title());
        assertArrayEquals(((MatrixResult) tab.result()).values(), ((MatrixResult) back.result()).values());
        assertEquals("resid stream looks flat", back.notesProperty().get());
        assertEquals(state, back.restoredViewState());
        assertSame(back, vm.workspace().selectedProperty().get());
        assertEquals(PROMPT, vm.input().promptProperty().get());
        assertEquals(ActivationsPlugin.ID, vm.plugins().selectedProperty().get().id());
        assertEquals(16, vm.plugins().formProperty().get().field("maxDims").valueProperty().get());
        assertEquals("tiny-gpt2", vm.model().titleProperty().get(), "the model is opened again");
        assertNotNull(vm.model().model());
        assertEquals(List.of(), ui.errors);
    }

    @Test
    void aSessionWhoseModelIsGoneKeepsItsResultsViewable() throws Exception {
        Path copy = tmp.resolve("moved-model");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(modelDir)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        start(null);
        vm.model().open(copy);
        RunTab tab = runActivations(vm);
        Path file = vm.session().sessionFileProperty().get();
        vm.shutdown();
        try (Stream<Path> files = Files.list(copy)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(copy);

        vm = start(new SameThreadTaskRunner(), file);
        assertEquals(1, vm.workspace().tabs().size());
        assertArrayEquals(((MatrixResult) tab.result()).values(), ((MatrixResult) vm.workspace().tabs().get(0).result()).values());
        assertTrue(ui.infos.stream().anyMatch(s -> s.contains("no longer exists")), ui.infos.toString());
        assertNull(vm.model().model());
        assertEquals("moved-model (not available)", vm.model().titleProperty().get());
        assertTrue(vm.model().card().contains(new ModelCard.Row("Layers", "2")), "the stored card still describes it");
        assertTrue(vm.runs().runHintProperty().get().startsWith("Open a model first"));
    }

    @Test
    void cancelStopsARunningAnalysisAndLeavesTheWorkspace() throws Exception {
        EngineLane lane = new EngineLane(Runnable::run);
        vm = start(lane, null);
        assertEquals(TaskOutcome.SUCCEEDED, vm.model().open(modelDir).outcome().get(60, TimeUnit.SECONDS));
        vm.input().promptProperty().set(PROMPT);
        assertTrue(vm.plugins().select(TestPlugins.BLOCKING));
        TestPlugins.started = new CountDownLatch(1);

        TaskHandle run = vm.runs().run();
        assertTrue(TestPlugins.started.await(60, TimeUnit.SECONDS));
        vm.status().cancel();

        assertEquals(TaskOutcome.CANCELLED, run.outcome().get(60, TimeUnit.SECONDS));
        assertTrue(vm.workspace().tabs().isEmpty());
        assertTrue(ui.infos.contains("Zz blocking was cancelled"), ui.infos.toString());
        assertEquals(List.of(), ui.errors);
        Path file = vm.session().sessionFileProperty().get();
        vm.shutdown();
        vm = null;
        assertTrue(lane.awaitTermination(30_000));
        try (SessionStore s = SessionStore.open(file)) {
            assertEquals(List.of(RunStatus.CANCELLED), s.runs().stream().map(StoredRun::status).toList());
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang guard, not a speed measure
    void aRunThatIgnoresCancelIsRecordedFailedOnceWhenAbandoned() throws Exception {
        EngineLane lane = new EngineLane(Runnable::run, Duration.ofMillis(200));
        vm = start(lane, null);
        assertEquals(TaskOutcome.SUCCEEDED, vm.model().open(modelDir).outcome().get(60, TimeUnit.SECONDS));
        vm.input().promptProperty().set(PROMPT);
        assertTrue(vm.plugins().select(TestPlugins.DEAF));
        TestPlugins.deafStarted = new CountDownLatch(1);
        TestPlugins.deafRelease = new CountDownLatch(1);
        try {
            TaskHandle run = vm.runs().run();
            assertTrue(TestPlugins.deafStarted.await(60, TimeUnit.SECONDS));
            vm.status().cancel();

            assertEquals(TaskOutcome.FAILED, run.outcome().get(60, TimeUnit.SECONDS));
            assertEquals(1, ui.errors.size(), ui.errors.toString());
            assertTrue(ui.errors.get(0).contains("did not stop when cancelled"), ui.errors.toString());
            SessionStore s = vm.session().laneSession();
            assertOneFailedRun(s);
        } finally {
            TestPlugins.deafRelease.countDown();
        }
        // The abandoned body now returns its result: it is neither recorded nor shown.
        Thread deaf = TestPlugins.deafThread;
        deaf.join(60_000);
        assertFalse(deaf.isAlive(), "the abandoned lane thread ends once its task does");
        assertOneFailedRun(vm.session().laneSession());
        assertTrue(vm.workspace().tabs().isEmpty());
        assertEquals(1, ui.errors.size(), ui.errors.toString());
    }

    private static void assertOneFailedRun(SessionStore s) {
        List<StoredRun> runs = s.runs();
        assertEquals(1, runs.size(), runs.toString());
        assertEquals(TestPlugins.DEAF, runs.get(0).pluginId());
        assertEquals(RunStatus.FAILED, runs.get(0).status());
        assertTrue(runs.get(0).error().contains("did not stop when cancelled"), runs.get(0).error());
    }

    @Test
    void aFailingPluginSaysWhyInOneLineAndOpensNoTab() {
        start(null);
        vm.model().open(modelDir);
        vm.input().promptProperty().set(PROMPT);
        vm.plugins().select(TestPlugins.FAILING);
        vm.runs().run();
        assertEquals(List.of("Zz failing did not finish: test.failing: this input is not supported (second line never shown)"), ui.errors);
        assertTrue(vm.workspace().tabs().isEmpty());
    }

    @Test
    void invalidParametersAreReportedBeforeAnythingRuns() {
        start(null);
        vm.model().open(modelDir);
        vm.input().promptProperty().set(PROMPT);
        vm.plugins().select(ActivationsPlugin.ID);
        ParamField maxDims = vm.plugins().formProperty().get().field("maxDims");
        maxDims.setText("0");
        assertFalse(maxDims.errorProperty().get().isEmpty());
        assertNull(vm.runs().run());
        assertEquals(1, ui.errors.size());
        assertTrue(ui.errors.get(0).startsWith("Check the parameters: maxDims must be a whole number in 1..65536"),
                ui.errors.get(0));
        maxDims.setText("8");
        assertEquals("", maxDims.errorProperty().get());
        assertEquals(8, maxDims.valueProperty().get());
    }

    @Test
    void exportsWriteTheFigureAndTheData() throws Exception {
        start(null);
        RunTab tab = runActivations(vm);
        Path out = Files.createDirectories(tmp.resolve("out"));
        vm.exports().exportFigure(tab, out.resolve("fig"), "png");
        vm.exports().exportFigure(tab, out.resolve("fig.svg"), "svg");
        vm.exports().exportData(tab, out.resolve("data"), "csv");
        vm.exports().exportData(tab, out.resolve("data.json"), "json");
        assertEquals(List.of(), ui.errors);
        byte[] png = Files.readAllBytes(out.resolve("fig.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        assertTrue(Files.readString(out.resolve("fig.svg")).contains("<svg"));
        // A figure is coloured as its view shows it: with clipped colours, the colour bar says so.
        JsonObject clipped = new JsonObject();
        clipped.addProperty(FigureExporter.CLIP_OUTLIERS, true);
        tab.setViewState(() -> clipped);
        vm.exports().exportFigure(tab, out.resolve("clipped.svg"), "svg");
        assertEquals(List.of(), ui.errors);
        assertTrue(Files.readString(out.resolve("clipped.svg")).contains("(clipped)"), "the bar's label");
        assertFalse(Files.readString(out.resolve("fig.svg")).contains("(clipped)"));
        assertTrue(Files.readString(out.resolve("data.csv")).contains("w1"));
        MatrixResult back = (MatrixResult) ResultCodec.fromJsonText(Files.readString(out.resolve("data.json"), StandardCharsets.UTF_8));
        assertArrayEquals(((MatrixResult) tab.result()).values(), back.values());
    }

    @Test
    void anEmptySessionFromThisLaunchIsNotLeftBehindButOneWithRunsIs() {
        start(null);
        Path empty = vm.session().sessionFileProperty().get();
        vm.shutdown();
        assertFalse(Files.exists(empty));

        start(null);
        runActivations(vm);
        Path used = vm.session().sessionFileProperty().get();
        vm.shutdown();
        vm = null;
        assertTrue(Files.exists(used));
    }

    /** Issue 11: a plain relaunch reopens the last session with its tabs, as desktop apps reopen their document. */
    @Test
    void aPlainRelaunchReopensTheLastSession() {
        start(null);
        runActivations(vm);
        Path used = vm.session().sessionFileProperty().get();
        vm.shutdown();
        start(null);
        assertEquals(used, vm.session().sessionFileProperty().get());
        assertEquals(1, vm.workspace().tabs().size(), "the last workspace, not an empty one");
        assertEquals(List.of(used), vm.session().recent().subList(0, 1));
    }

    @Test
    void aRelaunchSkipsRecentSessionsThatAreGone() throws Exception {
        start(null);
        runActivations(vm);
        Path used = vm.session().sessionFileProperty().get();
        vm.shutdown();
        Files.delete(used);
        start(null);
        // A new, empty session (its name may even repeat the vanished one's timestamp).
        assertTrue(Files.isRegularFile(vm.session().sessionFileProperty().get()));
        assertTrue(vm.workspace().tabs().isEmpty());
        assertTrue(ui.errors.isEmpty(), "a vanished recent session is skipped, not an error: " + ui.errors);
    }

    @Test
    void aboutNamesVersionJavaEngineDeviceAndEveryPlugin() {
        start(null);
        vm.model().open(modelDir);
        String about = vm.aboutText();
        assertTrue(about.startsWith("Loupe "), about);
        assertTrue(about.contains("Java " + System.getProperty("java.version")), about);
        assertTrue(about.contains("PyTorch 2.") && about.contains("through DJL 0."), about);
        assertTrue(about.contains("Model: " + modelDir + " on cpu (F32)"), about);
        assertTrue(about.contains("  " + ActivationsPlugin.ID + " "), about);
    }

    @Test
    void saveAsGoesOnWorkingInTheCopy() {
        start(null);
        runActivations(vm);
        Path original = vm.session().sessionFileProperty().get();
        vm.session().saveSessionAs(tmp.resolve("named"));
        Path copy = tmp.resolve("named.loupe");
        assertEquals(copy, vm.session().sessionFileProperty().get());
        runActivations(vm);
        vm.shutdown();
        vm = null;
        try (SessionStore a = SessionStore.open(original); SessionStore b = SessionStore.open(copy)) {
            assertEquals(1, a.runs().size());
            assertEquals(2, b.runs().size());
        }
    }

    @Test
    void closingATabIsSavedAndItsNotesKept() {
        start(null);
        RunTab first = runActivations(vm);
        runActivations(vm);
        first.notesProperty().set("closed but noted");
        vm.session().closeTab(first);
        Path file = vm.session().sessionFileProperty().get();
        vm.shutdown();
        vm = start(new SameThreadTaskRunner(), file);
        assertEquals(1, vm.workspace().tabs().size());
        assertFalse(vm.workspace().tabs().get(0).runId() == first.runId());
        try (SessionStore s = SessionStore.open(file)) {
            assertEquals("closed but noted", s.run(first.runId()).orElseThrow().notes());
        }
    }
}
