package dev.loupe.plugin.testkit;

import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.input.ModelInput;
import dev.loupe.engine.input.TokenInput;
import dev.loupe.plugin.AnalysisPlugin;
import dev.loupe.plugin.ArtifactStore;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.host.AnalysisRunner;
import dev.loupe.plugin.host.PluginRun;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.Result;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Runs an analysis plugin headless the way Loupe's host does, for the plugin's own tests: the input prepared by
 * the model (a prompt tokenized and labelled once), the model and input-kind checks, one forward pass with the
 * plugin's captures, {@code analyze} in a scratch scope that is closed afterwards, with the artifact store given
 * (none unless given, as a host without a session). The steps are the host's own ({@link AnalysisRunner}); only
 * errors differ: the plugin's exceptions come out as it threw them, where the app would wrap them in one line
 * naming the plugin, so a test can assert on its own messages.
 *
 * <pre>{@code
 * try (PluginHarness h = PluginHarness.open(checkpointDir)) {
 *     MatrixResult m = (MatrixResult) h.run(new MyPlugin(), "The cat sat", Map.of("layer", "1"));
 * }
 * }</pre>
 */
public final class PluginHarness implements AutoCloseable {
    private final LoupeModel model;
    private final boolean ownsModel;

    private PluginHarness(LoupeModel model, boolean ownsModel) {
        this.model = Objects.requireNonNull(model, "model");
        this.ownsModel = ownsModel;
    }

    /** Opens a checkpoint folder; closing the harness closes the model. */
    public static PluginHarness open(Path checkpoint) {
        return new PluginHarness(LoupeModel.open(checkpoint), true);
    }

    /** Runs on a model the caller opened (and closes): tests that share one model between many runs. */
    public static PluginHarness on(LoupeModel model) {
        return new PluginHarness(model, false);
    }

    public LoupeModel model() {
        return model;
    }

    /** A prompt as the host prepares it: tokenized by the model, each token labelled. */
    public TokenInput text(String prompt) {
        return model.prepareText(prompt);
    }

    /** Token ids given directly, labelled as the host labels them. */
    public TokenInput tokens(long... ids) {
        return model.prepareTokens(ids);
    }

    /** Runs on a prompt with parameters given as text, as the CLI's {@code --param key=value} does. */
    public Result run(AnalysisPlugin plugin, String prompt, Map<String, String> params) throws Exception {
        return run(plugin, text(prompt), plugin.params().parse(params));
    }

    public Result run(AnalysisPlugin plugin, ModelInput input, Params params) throws Exception {
        return run(plugin, input, params, ArtifactStore.none(), Progress.none());
    }

    /** @param artifacts the store the host would give (a session's, or an in-memory one) */
    public Result run(AnalysisPlugin plugin, ModelInput input, Params params, ArtifactStore artifacts,
            Progress progress) throws Exception {
        return AnalysisRunner.runAsThrown(model, plugin, params, input, progress, artifacts);
    }

    /**
     * The host's steps up to {@code analyze}: the checks, the forward pass with the plugin's captures and a scratch
     * scope, as the context the plugin would get. For timing {@code analyze} alone or comparing a result with the
     * very run it came from; close it to free the run.
     */
    public PluginRun prepare(AnalysisPlugin plugin, ModelInput input, Params params, ArtifactStore artifacts)
            throws Exception {
        return AnalysisRunner.openAsThrown(model, plugin, params, input, Progress.none(), artifacts);
    }

    @Override
    public void close() {
        if (ownsModel) {
            model.close();
        }
    }
}
