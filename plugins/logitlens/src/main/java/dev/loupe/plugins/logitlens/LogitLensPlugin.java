package dev.loupe.plugins.logitlens;

import dev.loupe.engine.ModelInfo;
import dev.loupe.plugin.AnalysisContext;
import dev.loupe.plugin.AnalysisPlugin;
import dev.loupe.plugin.PluginApi;
import dev.loupe.plugin.PluginInfo;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.params.ParamSpec;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.Result;
import java.util.List;
import java.util.Map;

/**
 * The logit lens (nostalgebraist, 2020): every layer's residual stream read through the model's final norm and
 * unembedding, shown as a layer x position grid of top-1 tokens coloured by their probability (or by the
 * distribution's entropy), with the top-k on hover. The read-out itself is {@link LensReadout}.
 */
public final class LogitLensPlugin implements AnalysisPlugin {
    static final String ID = "loupe.logit-lens";

    private static final ParamSpec PARAMS = ParamSpec.of(LensReadout.COLOUR_BY, LensReadout.TOP_K);

    @Override
    public PluginInfo info() {
        return new PluginInfo(ID, "Logit lens", "1.0", PluginApi.VERSION,
                "Each layer's residual stream decoded by the final norm and unembedding");
    }

    @Override
    public ParamSpec params() {
        return PARAMS;
    }

    @Override
    public boolean accepts(ModelInfo model) {
        return ResidualLayers.accepts(model);
    }

    @Override
    public String whyNot(ModelInfo model) {
        return "the logit lens needs a causal language model with an unembedding; " + model.modelType() + " has none";
    }

    @Override
    public List<String> captures(ModelInfo model, Params params) {
        return ResidualLayers.captures(model);
    }

    @Override
    public Result analyze(AnalysisContext ctx, Params params, Progress progress) {
        return LensReadout.of(params).grid(ctx, progress, "Logit lens", LensReadout.Translator.IDENTITY, Map.of());
    }
}
