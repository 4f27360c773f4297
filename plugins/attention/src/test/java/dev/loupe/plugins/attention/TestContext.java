package dev.loupe.plugins.attention;

import ai.djl.ndarray.NDManager;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.plugin.AnalysisContext;
import dev.loupe.plugin.AnalysisPlugin;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.Result;
import java.util.List;

/** What the host gives a plugin, made the way the host does: one run with the plugin's captures, a scratch scope. */
record TestContext(LoupeModel model, long[] tokens, List<String> tokenLabels, String prompt, RunResult run,
        NDManager manager) implements AnalysisContext, AutoCloseable {

    static TestContext of(LoupeModel model, String prompt, AnalysisPlugin plugin, Params params) {
        long[] ids = model.encode(prompt);
        RunResult run = model.run(RunRequest.of(ids).capture(plugin.captures(model.info(), params)));
        return new TestContext(model, ids, List.of(model.tokenStrings(prompt)), prompt, run,
                model.manager().newSubManager());
    }

    /** Runs the plugin as the host would and closes everything it was given. */
    static Result analyze(LoupeModel model, String prompt, AnalysisPlugin plugin, Params params) throws Exception {
        try (TestContext ctx = of(model, prompt, plugin, params)) {
            return plugin.analyze(ctx, params, Progress.none());
        }
    }

    @Override
    public void close() {
        manager.close();
        run.close();
    }
}
