package dev.loupe.plugins.logitlens;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.model.Unembedding;
import dev.loupe.plugin.AnalysisContext;
import dev.loupe.plugin.AnalysisPlugin;
import dev.loupe.plugin.PluginApi;
import dev.loupe.plugin.PluginInfo;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.params.CommonParams;
import dev.loupe.plugin.params.Param;
import dev.loupe.plugin.params.ParamSpec;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.SeriesResult;
import java.util.ArrayList;
import java.util.List;

/**
 * One position's prediction across layers through the logit lens: the target token's probability or rank, or the
 * KL divergence of each layer's distribution from the final one. The target defaults to the model's own final
 * prediction at that position.
 */
public final class LensTrajectoryPlugin implements AnalysisPlugin {
    static final String ID = "loupe.logit-lens.trajectory";

    /** What the series plots per layer. */
    enum Metric {
        PROBABILITY, RANK, KL
    }

    static final Param<Integer> POSITION = CommonParams.position("token position to read: last, or an index (negative counts from the end)");
    static final Param<String> TARGET = Param.text("target", "Target token",
            "a single token as the model spells it, or #id; empty = the model's final prediction", "");
    static final Param<Metric> METRIC = Param.choice("metric", "Metric",
            "probability of the target, its rank (1 = top), or KL(final || layer) in nats", Metric.class,
            Metric.PROBABILITY);

    private static final ParamSpec PARAMS = ParamSpec.of(POSITION, TARGET, METRIC);

    @Override
    public PluginInfo info() {
        return new PluginInfo(ID, "Logit lens: target across layers", "1.0", PluginApi.VERSION,
                "Probability, rank or KL of one position's prediction at every layer");
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
    public List<String> captures(ModelInfo model, Params params) {
        return ResidualLayers.captures(model);
    }

    @Override
    public Result analyze(AnalysisContext ctx, Params params, Progress progress) {
        LoupeModel model = ctx.model();
        ModelInfo info = model.info();
        int pos = TargetToken.position(params.get(POSITION), ctx.tokens().length, "position");
        Unembedding readout = model.unembedding();
        List<NDArray> resids = ResidualLayers.residuals(ctx.run(), info, ctx.manager());
        progress.begin("Logit lens trajectory", 1);
        // All layers at this one position at once: [layers, d] -> [layers, vocab].
        NDList rows = new NDList();
        for (NDArray r : resids) {
            rows.add(r.get(pos));
        }
        NDArray stacked = NDArrays.stack(rows, 0);
        NDArray logp = LensReadout.logProbs(readout, stacked);
        int layers = resids.size();
        String typed = params.get(TARGET);
        long target = typed.isBlank()
                ? logp.get(layers - 1).argMax().toType(DataType.INT64, false).getLong()
                : TargetToken.resolve(model, typed, "target");
        Metric metric = params.get(METRIC);
        double[] y = new double[layers];
        if (metric == Metric.KL) {
            NDArray finalLogp = logp.get(layers - 1);
            float[] kl = finalLogp.exp().mul(finalLogp.sub(logp)).sum(new int[] {-1}).toFloatArray();
            for (int l = 0; l < layers; l++) {
                y[l] = kl[l];
            }
        } else {
            NDArray targetLogp = logp.get(":, {}", target).reshape(layers, 1);
            float[] values = metric == Metric.RANK
                    ? logp.gt(targetLogp).toType(DataType.FLOAT32, false).sum(new int[] {-1}).toFloatArray()
                    : targetLogp.exp().reshape(layers).toFloatArray();
            for (int l = 0; l < layers; l++) {
                // A rank counts from 1 (the top token), one more than the tokens ranked above the target.
                y[l] = metric == Metric.RANK ? values[l] + 1 : values[l];
            }
        }
        progress.worked(1);
        String targetLabel = TargetToken.quote(model.tokenLabels(new long[] {target}).get(0));
        String name = switch (metric) {
            case KL -> "KL(final || layer)";
            case RANK -> "rank of " + targetLabel;
            case PROBABILITY -> "P(" + targetLabel + ")";
        };
        List<String> x = new ArrayList<>(ResidualLayers.labels(info));
        return new SeriesResult(name + " at position " + pos + " (" + ctx.tokenLabels().get(pos) + ")", "layer",
                switch (metric) {
                    case KL -> "KL divergence (nats)";
                    case RANK -> "rank (1 = top)";
                    case PROBABILITY -> "probability";
                },
                metric == Metric.RANK ? SeriesResult.Kind.RANK : SeriesResult.Kind.LINE,
                List.of(new SeriesResult.Series(name, x, y)));
    }
}
