package dev.loupe.plugin.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.loupe.engine.LoupeException;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.input.ImageInput;
import dev.loupe.engine.input.TokenInput;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.plugin.AnalysisContext;
import dev.loupe.plugin.AnalysisPlugin;
import dev.loupe.plugin.ArtifactStore;
import dev.loupe.plugin.PluginApi;
import dev.loupe.plugin.PluginInfo;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.host.PluginRun;
import dev.loupe.plugin.params.ParamSpec;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.TableResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kit gives a plugin what the host gives it: the prepared input, its captures, a scope closed afterwards. */
class PluginHarnessTest {
    @TempDir
    static Path tmp;
    static Path checkpoint;

    @BeforeAll
    static void write() {
        checkpoint = TestCheckpoints.write(tmp.resolve("gpt2"), TestCheckpoints.Spec.gpt2());
    }

    /** Remembers what it was given; its analyze does whatever the test says. */
    static final class Recorder implements AnalysisPlugin {
        interface Body {
            Result analyze(AnalysisContext ctx) throws Exception;
        }

        final Body body;
        AnalysisContext seen;
        NDManager scope;

        Recorder(Body body) {
            this.body = body;
        }

        @Override
        public PluginInfo info() {
            return new PluginInfo("test.recorder", "Recorder", "1", PluginApi.VERSION, "");
        }

        @Override
        public ParamSpec params() {
            return ParamSpec.of();
        }

        @Override
        public boolean accepts(ModelInfo model) {
            return true;
        }

        @Override
        public List<String> captures(ModelInfo model, Params params) {
            return List.of("blocks.1.hook_resid_post");
        }

        @Override
        public Result analyze(AnalysisContext ctx, Params params, Progress progress) throws Exception {
            seen = ctx;
            scope = ctx.manager();
            return body.analyze(ctx);
        }
    }

    static final Result OK = new TableResult("ok", List.of("a"), List.of());

    @Test
    void aPromptIsPreparedByTheModelAndRunWithThePluginsCaptures() throws Exception {
        Recorder r = new Recorder(ctx -> {
            assertEquals(java.util.Set.of("blocks.1.hook_resid_post"), ctx.run().cache().names());
            return OK;
        });
        try (PluginHarness h = PluginHarness.open(checkpoint)) {
            assertSame(OK, h.run(r, "w3 w9 w2", Map.of()));
            assertEquals("w3 w9 w2", r.seen.prompt());
            assertArrayEquals(h.model().encode("w3 w9 w2"), r.seen.tokens());
            assertEquals(List.of("w3", "w9", "w2"), r.seen.tokenLabels());
            assertEquals(h.text("w3 w9 w2"), r.seen.input());
            assertFalse(r.scope.isOpen(), "the scratch scope is closed after analyze");
        }
    }

    @Test
    void thePluginsOwnExceptionComesOutAsThrownAndTheArtifactStoreIsTheOneGiven() throws Exception {
        ArtifactStore store = ArtifactStore.inMemory();
        Recorder r = new Recorder(ctx -> {
            ctx.artifacts().put("k", new byte[] {1});
            throw new IllegalArgumentException("layer must be 0..1");
        });
        try (PluginHarness h = PluginHarness.open(checkpoint)) {
            TokenInput in = h.tokens(1, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> h.run(r, in, r.params().defaults(), store, Progress.none()));
            assertEquals("layer must be 0..1", e.getMessage(), "not wrapped: the test asserts on its own message");
            assertArrayEquals(new byte[] {1}, store.get("k").orElseThrow());
            assertFalse(r.scope.isOpen());
        }
    }

    @Test
    void theHostsChecksStillApply() throws Exception {
        Recorder r = new Recorder(ctx -> OK);
        try (PluginHarness h = PluginHarness.open(checkpoint)) {
            ImageInput picture = new ImageInput(Path.of("cat.png"), "ab".repeat(32), 8, 8, new float[3 * 4 * 4],
                    new int[] {3, 4, 4}, ImageInput.tokenLabels(true, 0, 2, 2));
            LoupeException kind = assertThrows(LoupeException.class, () -> h.run(r, picture, r.params().defaults()));
            assertEquals("test.recorder does not take image input (it takes text)", kind.getMessage());
            LoupeException vocab = assertThrows(LoupeException.class,
                    () -> h.run(r, h.tokens(1, 999), r.params().defaults()));
            assertTrue(vocab.getMessage().startsWith("token id 999 at position 1 is out of range"), vocab.getMessage());
        }
    }

    @Test
    void aPreparedRunIsTheContextThePluginWouldGet() throws Exception {
        Recorder r = new Recorder(ctx -> OK);
        LoupeModel borrowed = LoupeModel.open(checkpoint);
        try (borrowed; PluginHarness h = PluginHarness.on(borrowed)) {
            NDManager cache;
            try (PluginRun run = h.prepare(r, h.text("w1 w2"), r.params().defaults(), ArtifactStore.none())) {
                assertEquals("test.recorder", run.pluginId());
                assertSame(OK, r.analyze(run.context(), r.params().defaults(), Progress.none()));
                cache = run.context().run().cache().manager();
                assertTrue(cache.isOpen());
            }
            assertFalse(cache.isOpen(), "closing the prepared run frees its activations");
            h.close();
            assertEquals(2, borrowed.prepareText("w1 w2").positions(), "a borrowed model stays open");
        }
    }
}
