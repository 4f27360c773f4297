package dev.loupe.plugin;

import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.input.InputKind;
import dev.loupe.plugin.params.ParamSpec;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.Result;
import java.util.List;
import java.util.Set;

/**
 * A view's computation: discovered with {@link java.util.ServiceLoader} (register the class in
 * META-INF/services/dev.loupe.plugin.AnalysisPlugin), run headless by the CLI and on a background task by the app.
 * Implementations keep no state between calls.
 */
public interface AnalysisPlugin {
    PluginInfo info();

    ParamSpec params();

    /** Whether the plugin can work on this model (e.g. causal LMs only). */
    boolean accepts(ModelInfo model);

    /** Why {@link #accepts} said no, in words for the user. */
    default String whyNot(ModelInfo model) {
        return info().name() + " does not work on " + model.modelType() + " models";
    }

    /** The input kinds {@link #analyze} works on; the host refuses any other before running. Text unless said. */
    default Set<InputKind> inputKinds() {
        return Set.of(InputKind.TEXT);
    }

    /** Hook globs the host's run must capture for {@link #analyze}. */
    List<String> captures(ModelInfo model, Params params);

    Result analyze(AnalysisContext context, Params params, Progress progress) throws Exception;
}
