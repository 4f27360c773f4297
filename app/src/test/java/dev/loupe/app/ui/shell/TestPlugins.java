package dev.loupe.app.ui.shell;

import dev.loupe.app.plugins.PluginRegistry.LoadedPlugin;
import dev.loupe.app.plugins.PluginRegistry;
import dev.loupe.engine.LoupeException;
import dev.loupe.engine.ModelInfo;
import dev.loupe.plugin.AnalysisContext;
import dev.loupe.plugin.AnalysisPlugin;
import dev.loupe.plugin.PluginApi;
import dev.loupe.plugin.PluginInfo;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.params.ParamSpec;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.TableResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The class path's real plugins plus three test plugins: one that waits to be cancelled, one that fails, one that
 * ignores its cancel.
 */
final class TestPlugins {
    static final String BLOCKING = "test.blocking";
    static final String FAILING = "test.failing";
    static final String DEAF = "test.deaf";

    /** Counted down when the blocking plugin has started; it then loops until cancelled. */
    static volatile CountDownLatch started = new CountDownLatch(1);

    /** The deaf plugin counts this down once it runs, and returns a result only when {@link #deafRelease} is. */
    static volatile CountDownLatch deafStarted = new CountDownLatch(1);
    static volatile CountDownLatch deafRelease = new CountDownLatch(1);
    /** The thread the deaf plugin last ran on (the lane thread it holds). */
    static volatile Thread deafThread;

    private TestPlugins() {
    }

    static List<LoadedPlugin> all() {
        List<LoadedPlugin> list = new ArrayList<>(PluginRegistry.discover(null).plugins());
        list.add(loaded(new Blocking()));
        list.add(loaded(new Failing()));
        list.add(loaded(new Deaf()));
        return list;
    }

    private static LoadedPlugin loaded(AnalysisPlugin p) {
        return new LoadedPlugin(p, p.info(), p.params(), "test");
    }

    /** What both test plugins share: no parameters, any model, no captures; only analyze differs. */
    private abstract static class TestPlugin implements AnalysisPlugin {
        private final PluginInfo info;

        TestPlugin(String id, String name, String description) {
            this.info = new PluginInfo(id, name, "1.0", PluginApi.VERSION, description);
        }

        @Override
        public PluginInfo info() {
            return info;
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
            return List.of();
        }
    }

    /** Stands for a long analysis: checks for cancellation between "layers", as real plugins do. */
    static final class Blocking extends TestPlugin {
        Blocking() {
            super(BLOCKING, "Zz blocking", "waits until cancelled");
        }

        @Override
        public Result analyze(AnalysisContext context, Params params, Progress progress) throws Exception {
            progress.begin("waiting", 1000);
            started.countDown();
            for (int i = 0; i < 60_000; i++) {
                progress.checkCancelled();
                progress.worked(1);
                TimeUnit.MILLISECONDS.sleep(5);
            }
            throw new AssertionError("the blocking plugin was never cancelled");
        }
    }

    static final class Failing extends TestPlugin {
        Failing() {
            super(FAILING, "Zz failing", "always fails");
        }

        @Override
        public Result analyze(AnalysisContext context, Params params, Progress progress) {
            throw new LoupeException("this input is not supported\n(second line never shown)");
        }
    }

    /** Never checks for cancel (nor heeds an interrupt): ends with a result once released. */
    static final class Deaf extends TestPlugin {
        Deaf() {
            super(DEAF, "Zz deaf", "ignores cancel");
        }

        @Override
        public Result analyze(AnalysisContext context, Params params, Progress progress) {
            deafThread = Thread.currentThread();
            CountDownLatch release = deafRelease;
            deafStarted.countDown();
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // deaf
                }
            }
            return new TableResult("late", List.of("a"), List.of());
        }
    }
}
