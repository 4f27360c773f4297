package dev.loupe.app.plugins;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.loupe.app.session.InputRecord;
import dev.loupe.app.session.SessionStore;
import dev.loupe.engine.LoupeException;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.engine.input.ImageInput;
import dev.loupe.engine.input.InputKind;
import dev.loupe.engine.input.TokenInput;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.plugin.AnalysisContext;
import dev.loupe.plugin.AnalysisPlugin;
import dev.loupe.plugin.PluginApi;
import dev.loupe.plugin.PluginInfo;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.host.AnalysisRunner;
import dev.loupe.plugin.params.Param;
import dev.loupe.plugin.params.ParamSpec;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.TableResult;
import dev.loupe.plugins.activations.ActivationsPlugin;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalysisRunnerTest {
    @TempDir
    static Path tmp;
    static LoupeModel model;

    @BeforeAll
    static void open() {
        model = LoupeModel.open(TestCheckpoints.write(tmp.resolve("gpt2"), TestCheckpoints.Spec.gpt2()));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** A plugin whose analyze is a lambda; it remembers the context it was given so tests can check it was freed. */
    static final class Probe implements AnalysisPlugin {
        interface Body {
            Result analyze(AnalysisContext ctx, Progress progress) throws Exception;
        }

        final Body body;
        boolean accepts = true;
        Set<InputKind> kinds = Set.of(InputKind.TEXT);
        AnalysisContext seen;
        NDManager cacheManager;

        Probe(Body body) {
            this.body = body;
        }

        @Override
        public PluginInfo info() {
            return new PluginInfo("test.probe", "Probe", "0.1", PluginApi.VERSION, "");
        }

        @Override
        public ParamSpec params() {
            return ParamSpec.of(Param.intParam("n", "N", "", 1, 0, 9));
        }

        @Override
        public boolean accepts(ModelInfo m) {
            return accepts;
        }

        @Override
        public String whyNot(ModelInfo m) {
            return "needs a vision model, this is " + m.modelType();
        }

        @Override
        public Set<InputKind> inputKinds() {
            return kinds;
        }

        @Override
        public List<String> captures(ModelInfo m, Params p) {
            return List.of("blocks.0.hook_resid_post");
        }

        @Override
        public Result analyze(AnalysisContext ctx, Params p, Progress progress) throws Exception {
            seen = ctx;
            cacheManager = ctx.run().cache().manager();
            assertArrayEquals(new long[] {1, ctx.tokens().length, 32}, ctx.run().cache().shape("blocks.0.hook_resid_post"));
            // Scratch work in the scope the host gave.
            NDArray scratch = ctx.manager().ones(new ai.djl.ndarray.types.Shape(4));
            assertSame(ctx.manager(), scratch.getManager());
            return body.analyze(ctx, progress);
        }

        void assertFreed() {
            assertFalse(seen.manager().isOpen(), "the scratch scope is closed after analyze");
            assertFalse(cacheManager.isOpen(), "the run's activations are freed after analyze");
        }
    }

    static final Result OK = new TableResult("ok", List.of("a"), List.of());

    static Result run(AnalysisPlugin p, AnalysisInput in, Progress progress) {
        return AnalysisRunner.run(model, p, p.params().defaults(), in.prepare(model), progress);
    }

    @Test
    void activationsFromTextHaveTokenLabelsAndTheRunsValues() {
        ActivationsPlugin plugin = new ActivationsPlugin();
        Params params = plugin.params().parse(Map.of("hook", "blocks.1.hook_resid_mid"));
        MatrixResult m = (MatrixResult) AnalysisRunner.run(model, plugin, params, AnalysisInput.ofText("w3 w9 w2").prepare(model), Progress.none());
        assertEquals(List.of("w3", "w9", "w2"), m.rowLabels());
        try (RunResult r = model.run(RunRequest.of(3, 9, 2).capture("blocks.1.hook_resid_mid"))) {
            assertArrayEquals(r.cache().floats("blocks.1.hook_resid_mid"), m.values());
        }
    }

    @Test
    void tokenInputIsLabelledWithTheDecodedTokens() {
        Probe p = new Probe((ctx, pr) -> OK);
        assertSame(OK, run(p, AnalysisInput.ofTokens(3, 9, 2), Progress.none()));
        assertEquals(List.of("w3", "w9", "w2"), p.seen.tokenLabels());
        assertArrayEquals(new long[] {3, 9, 2}, p.seen.tokens());
        assertNull(p.seen.prompt());
        p.assertFreed();
    }

    @Test
    void textInputKeepsThePrompt() {
        Probe p = new Probe((ctx, pr) -> OK);
        run(p, AnalysisInput.ofText("w1 w2"), Progress.none());
        assertEquals("w1 w2", p.seen.prompt());
        assertEquals(List.of("w1", "w2"), p.seen.tokenLabels());
        assertArrayEquals(new long[] {1, 2}, p.seen.tokens());
    }

    @Test
    void aModelThePluginDoesNotAcceptIsRefusedWithItsReason() {
        Probe p = new Probe((ctx, pr) -> OK);
        p.accepts = false;
        LoupeException e = assertThrows(LoupeException.class, () -> run(p, AnalysisInput.ofTokens(1), Progress.none()));
        assertEquals("test.probe: needs a vision model, this is gpt2", e.getMessage());
        assertNull(p.seen, "analyze never ran");
    }

    @Test
    void aPluginBugIsOneLineNamingThePluginAndEverythingIsFreed() {
        Probe p = new Probe((ctx, pr) -> {
            throw new IllegalStateException("index 7\n  at somewhere deep");
        });
        LoupeException e = assertThrows(LoupeException.class, () -> run(p, AnalysisInput.ofTokens(1, 2), Progress.none()));
        assertEquals("plugin test.probe failed: IllegalStateException: index 7", e.getMessage());
        assertTrue(e.getCause() instanceof IllegalStateException);
        p.assertFreed();
    }

    @Test
    void aPluginsOwnMessageIsKept() {
        Probe p = new Probe((ctx, pr) -> {
            throw new LoupeException("head 9 is out of range");
        });
        LoupeException e = assertThrows(LoupeException.class, () -> run(p, AnalysisInput.ofTokens(1), Progress.none()));
        assertEquals("test.probe: head 9 is out of range", e.getMessage());
        p.assertFreed();
    }

    @Test
    void linkErrorsInsideAnalyzeAreFailuresToo() {
        Probe p = new Probe((ctx, pr) -> {
            throw new NoClassDefFoundError("acme/Gone");
        });
        LoupeException e = assertThrows(LoupeException.class, () -> run(p, AnalysisInput.ofTokens(1), Progress.none()));
        assertTrue(e.getMessage().startsWith("plugin test.probe failed: NoClassDefFoundError"), e.getMessage());
        p.assertFreed();
    }

    /** A failed assert or an out-of-memory inside a plugin names the plugin, and a recorded run is saved as failed. */
    @Test
    void errorsInsideAnalyzeNameThePluginAndAreRecordedAsFailed() {
        Probe asserting = new Probe((ctx, pr) -> {
            throw new AssertionError("rows must be sorted");
        });
        LoupeException a = assertThrows(LoupeException.class,
                () -> run(asserting, AnalysisInput.ofTokens(1), Progress.none()));
        assertEquals("plugin test.probe failed: AssertionError: rows must be sorted", a.getMessage());
        asserting.assertFreed();

        Probe hungry = new Probe((ctx, pr) -> {
            throw new OutOfMemoryError("Java heap space");
        });
        PluginRegistry.LoadedPlugin loaded = new PluginRegistry.LoadedPlugin(hungry, hungry.info(), hungry.params(), "test");
        try (SessionStore session = SessionStore.create(tmp.resolve("oom.loupe"))) {
            LoupeException e = assertThrows(LoupeException.class, () -> RecordedAnalysis.run(session, model, loaded,
                    hungry.params().defaults(), AnalysisInput.ofTokens(1, 2), Progress.none()));
            assertTrue(e.getMessage().startsWith("plugin test.probe ran out of memory (Java heap space); give Java more"),
                    e.getMessage());
            assertEquals(1, session.runs().size(), "the failed run is saved");
            assertEquals(dev.loupe.app.session.RunStatus.FAILED, session.runs().get(0).status());
            assertTrue(session.runs().get(0).error().contains("ran out of memory"), session.runs().get(0).error());
        }
        hungry.assertFreed();
    }

    @Test
    void nullResultIsAFailure() {
        Probe p = new Probe((ctx, pr) -> null);
        LoupeException e = assertThrows(LoupeException.class, () -> run(p, AnalysisInput.ofTokens(1), Progress.none()));
        assertTrue(e.getMessage().contains("no result"), e.getMessage());
        p.assertFreed();
    }

    /** A progress cancelled from outside once the plugin has started. */
    static final class CancelAfterBegin implements Progress {
        final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public void begin(String task, long totalWork) {
            cancelled.set(true);
        }

        @Override
        public void worked(long units) {
        }

        @Override
        public void message(String text) {
        }

        @Override
        public boolean isCancelled() {
            return cancelled.get();
        }
    }

    @Test
    void cancellationInsideAnalyzePropagatesAsCancellation() {
        Probe p = new Probe((ctx, pr) -> {
            pr.begin("work", 2);
            pr.checkCancelled();
            return OK;
        });
        assertThrows(CancellationException.class, () -> run(p, AnalysisInput.ofTokens(1, 2), new CancelAfterBegin()));
        p.assertFreed();
    }

    @Test
    void cancelledBeforeTheRunNeverAnalyzes() {
        Probe p = new Probe((ctx, pr) -> OK);
        CancelAfterBegin progress = new CancelAfterBegin();
        progress.cancelled.set(true);
        assertThrows(CancellationException.class, () -> run(p, AnalysisInput.ofTokens(1), progress));
        assertNull(p.seen);
    }

    @Test
    void interruptIsCancellation() {
        Probe p = new Probe((ctx, pr) -> {
            throw new InterruptedException();
        });
        try {
            assertThrows(CancellationException.class, () -> run(p, AnalysisInput.ofTokens(1), Progress.none()));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
        } finally {
            Thread.interrupted();
        }
        p.assertFreed();
    }

    @Test
    void engineErrorsPassThroughUnchanged() {
        Probe p = new Probe((ctx, pr) -> OK);
        LoupeException e = assertThrows(LoupeException.class, () -> run(p, AnalysisInput.ofTokens(1, 999), Progress.none()));
        assertTrue(e.getMessage().startsWith("token id 999 at position 1 is out of range"), e.getMessage());

        ActivationsPlugin a = new ActivationsPlugin();
        Params bad = a.params().parse(Map.of("hook", "blocks.7.hook_resid_post"));
        LoupeException hook = assertThrows(LoupeException.class,
                () -> AnalysisRunner.run(model, a, bad, AnalysisInput.ofTokens(1).prepare(model), Progress.none()));
        assertTrue(hook.getMessage().contains("blocks.7.hook_resid_post"), hook.getMessage());
    }

    @Test
    void paramsOfAnotherPluginAreRefused() {
        Probe p = new Probe((ctx, pr) -> OK);
        Params other = new ActivationsPlugin().params().defaults();
        assertThrows(IllegalArgumentException.class,
                () -> AnalysisRunner.run(model, p, other, AnalysisInput.ofTokens(1).prepare(model), Progress.none()));
    }

    /** An image as a ViT with a 2x2 patch grid and a class token would see it (3x4x4 pixels). */
    static ImageInput picture() {
        return new ImageInput(Path.of("cat.png"), "ab".repeat(32), 640, 480, new float[3 * 4 * 4], new int[] {3, 4, 4},
                ImageInput.tokenLabels(true, 0, 2, 2));
    }

    @Test
    void aPluginIsGivenOnlyTheInputKindsItTakes() {
        Probe text = new Probe((ctx, pr) -> OK);
        LoupeException image = assertThrows(LoupeException.class,
                () -> AnalysisRunner.run(model, text, text.params().defaults(), picture(), Progress.none()));
        assertEquals("test.probe does not take image input (it takes text)", image.getMessage());
        assertNull(text.seen, "refused before any run");

        Probe vision = new Probe((ctx, pr) -> OK);
        vision.kinds = Set.of(InputKind.IMAGE);
        LoupeException prompt = assertThrows(LoupeException.class, () -> run(vision, AnalysisInput.ofText("w1"), Progress.none()));
        assertEquals("test.probe does not take text input (it takes image)", prompt.getMessage());
    }

    @Test
    void aModelRefusesAnInputKindItDoesNotTake() {
        Probe both = new Probe((ctx, pr) -> OK);
        both.kinds = Set.of(InputKind.TEXT, InputKind.IMAGE);
        assertEquals(Set.of(InputKind.TEXT), model.inputKinds());
        LoupeException e = assertThrows(LoupeException.class,
                () -> AnalysisRunner.run(model, both, both.params().defaults(), picture(), Progress.none()));
        assertEquals("gpt2 is a gpt2 model: it takes text input, not image input (image cat.png (640x480))", e.getMessage());
    }

    @Test
    void thePreparedInputReachesThePluginAsIs() {
        Probe p = new Probe((ctx, pr) -> OK);
        TokenInput prepared = model.prepareText("w4 w2");
        AnalysisRunner.run(model, p, p.params().defaults(), prepared, Progress.none());
        assertSame(prepared, p.seen.input(), "the runner does not tokenize again");
        assertSame(prepared, p.seen.run().input());
        assertEquals(List.of("w4", "w2"), p.seen.tokenLabels());
    }

    @Test
    void unlabelledOrBatchedInputIsNotAPluginInput() {
        Probe p = new Probe((ctx, pr) -> OK);
        Params params = p.params().defaults();
        IllegalArgumentException unlabelled = assertThrows(IllegalArgumentException.class,
                () -> AnalysisRunner.run(model, p, params, TokenInput.ofIds(1, 2), Progress.none()));
        assertTrue(unlabelled.getMessage().startsWith("the input has 0 labels for 2 positions"), unlabelled.getMessage());
        LoupeException batch = assertThrows(LoupeException.class, () -> AnalysisRunner.run(model, p, params,
                new TokenInput(new long[][] {{1}, {2}}, List.of(), List.of(List.of("w1"), List.of("w2"))), Progress.none()));
        assertEquals("test.probe: a plugin runs on one input, not a batch of 2", batch.getMessage());
    }

    @Test
    void aRecordedRunKeepsTheInputThePluginSaw() {
        Probe p = new Probe((ctx, pr) -> OK);
        PluginRegistry.LoadedPlugin loaded = new PluginRegistry.LoadedPlugin(p, p.info(), p.params(), "test");
        try (SessionStore session = SessionStore.create(tmp.resolve("recorded.loupe"))) {
            RecordedAnalysis.Outcome out = RecordedAnalysis.run(session, model, loaded, p.params().defaults(),
                    AnalysisInput.ofText("w3 w1"), Progress.none());
            long inputId = session.run(out.runId()).orElseThrow().inputId();
            assertEquals(InputRecord.of(p.seen.input()), session.input(inputId).orElseThrow());
            assertEquals(InputRecord.ofText("w3 w1", new long[] {3, 1}, List.of("w3", "w1")),
                    session.input(inputId).orElseThrow());
        }
    }

    @Test
    void inputIsTextOrTokens() {
        assertThrows(IllegalArgumentException.class, () -> AnalysisInput.ofText(""));
        assertThrows(IllegalArgumentException.class, () -> AnalysisInput.ofTokens());
        assertThrows(IllegalArgumentException.class, () -> new AnalysisInput("a", new long[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new AnalysisInput(null, null));
        long[] ids = {1, 2};
        AnalysisInput in = AnalysisInput.ofTokens(ids);
        ids[0] = 5;
        assertArrayEquals(new long[] {1, 2}, in.tokens(), "a copy");
        assertEquals(AnalysisInput.ofTokens(1, 2), in);
        assertEquals("tokens 1,2", in.describe());
        assertEquals("hi", AnalysisInput.ofText("hi").describe());
    }
}
