package dev.loupe.plugins.logitlens;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
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
 * Direct logit attribution: how much each component's write to the residual stream (the embeddings, every
 * block's attention, per head if asked, and MLP) pushes the logit of a target token, minus a contrast token's if
 * one is given. Each write is put through the final norm linearised at the final residual (its centring and
 * the final scale, frozen), as TransformerLens does, so the bars add up exactly to the logit (difference) the
 * model produced.
 */
public final class DirectLogitAttributionPlugin implements AnalysisPlugin {
    static final String ID = "loupe.dla";

    /** One bar per attention layer, or per head. */
    enum Granularity {
        LAYER, HEAD
    }

    static final Param<Integer> POSITION = CommonParams.position(
            "token position whose prediction is explained: last, or an index (negative counts from the end)");
    static final Param<String> TARGET = Param.text("target", "Target token",
            "single token or #id; empty = the model's prediction", "");
    static final Param<String> CONTRAST = Param.text("contrast", "Contrast token",
            "subtract this token's logit (empty = none)", "");
    static final Param<Granularity> GRANULARITY = Param.choice("granularity", "Granularity",
            "one bar per attention layer or per head", Granularity.class, Granularity.LAYER);

    private static final ParamSpec PARAMS = ParamSpec.of(POSITION, TARGET, CONTRAST, GRANULARITY);

    @Override
    public PluginInfo info() {
        return new PluginInfo(ID, "Direct logit attribution", "1.0", PluginApi.VERSION,
                "What each block and head writes toward a target token");
    }

    @Override
    public ParamSpec params() {
        return PARAMS;
    }

    @Override
    public boolean accepts(ModelInfo model) {
        return ResidualLayers.accepts(model) && !model.family().equals("bert");
    }

    @Override
    public List<String> captures(ModelInfo model, Params params) {
        return List.of("blocks.0.hook_resid_pre", "blocks.*.hook_attn_out", "blocks.*.hook_mlp_out",
                "blocks.*.attn.hook_z", "blocks." + (model.layers() - 1) + ".hook_resid_post");
    }

    @Override
    public Result analyze(AnalysisContext ctx, Params params, Progress progress) {
        LoupeModel model = ctx.model();
        ModelInfo info = model.info();
        NDManager m = ctx.manager();
        int pos = TargetToken.position(params.get(POSITION), ctx.tokens().length, "position");
        boolean perHead = params.get(GRANULARITY) == Granularity.HEAD;
        var cache = ctx.run().cache();
        Unembedding readout = model.unembedding();
        progress.begin("Direct logit attribution", info.layers());

        NDArray finalResid = row(cache.get("blocks." + (info.layers() - 1) + ".hook_resid_post"), pos, m);
        String typed = params.get(TARGET);
        long target = typed.isBlank()
                ? readout.apply(finalResid).argMax().toType(DataType.INT64, false).getLong()
                : TargetToken.resolve(model, typed, "target");
        String contrastText = params.get(CONTRAST);
        Long contrast = contrastText.isBlank() ? null : TargetToken.resolve(model, contrastText, "contrast");

        // direction u = W_U[:, target] (- W_U[:, contrast]); the norm's weight folds into it.
        NDArray wU = readout.weight();
        // get(manager, index) creates the column on our scope, not on the model's (which lives as long as the model).
        NDArray direction = wU.get(m, new NDIndex(":, {}", target)).toType(DataType.FLOAT32, false);
        if (contrast != null) {
            direction = direction.sub(wU.get(m, new NDIndex(":, {}", contrast)).toType(DataType.FLOAT32, false));
        }
        boolean layerNorm = readout.kind() == Unembedding.NormKind.LAYER_NORM;
        NDArray centredFinal = layerNorm ? finalResid.sub(finalResid.mean()) : finalResid;
        NDArray scale = centredFinal.square().mean().add((float) readout.eps()).sqrt();
        NDArray weighted = direction.mul(local(readout.normWeight(), m)).div(scale);

        List<String> names = new ArrayList<>();
        NDList writes = new NDList();
        names.add("embed");
        writes.add(row(cache.get("blocks.0.hook_resid_pre"), pos, m));
        for (int l = 0; l < info.layers(); l++) {
            progress.checkCancelled();
            if (perHead) {
                NDArray[] wo = model.attentionOutput(l);
                int h = info.heads();
                int dh = info.dHead();
                NDArray z = row(cache.get("blocks." + l + ".attn.hook_z"), pos, m); // [h, dh]
                NDArray woHeads = local(wo[0], m).reshape(h, dh, info.dModel());
                NDArray perHeadWrites = z.reshape(h, 1, dh).matMul(woHeads).reshape(h, info.dModel());
                for (int head = 0; head < h; head++) {
                    names.add("L" + l + "H" + head);
                    writes.add(perHeadWrites.get(head));
                }
                if (wo[1] != null) {
                    names.add("L" + l + " attn bias");
                    writes.add(local(wo[1], m));
                }
            } else {
                names.add("L" + l + " attn");
                writes.add(row(cache.get("blocks." + l + ".hook_attn_out"), pos, m));
            }
            names.add("L" + l + " mlp");
            writes.add(row(cache.get("blocks." + l + ".hook_mlp_out"), pos, m));
            progress.worked(1);
        }
        NDArray stacked = NDArrays.stack(writes, 0).toType(DataType.FLOAT32, false); // [components, d]
        if (layerNorm) {
            stacked = stacked.sub(stacked.mean(new int[] {1}, true));
        }
        float[] contributions = stacked.matMul(weighted.toType(DataType.FLOAT32, false)).toFloatArray();
        List<String> x = new ArrayList<>(names);
        double[] y = new double[contributions.length + (layerNorm ? 1 : 0)];
        for (int i = 0; i < contributions.length; i++) {
            y[i] = contributions[i];
        }
        if (layerNorm && readout.normBias() != null) {
            // The final LayerNorm's bias writes b . u regardless of the input: its own bar, so the bars sum exactly.
            x.add("final norm bias");
            y[y.length - 1] = local(readout.normBias(), m).mul(direction).sum().toType(DataType.FLOAT32, false).getFloat();
        }
        List<String> tokenLabel = model.tokenLabels(contrast == null ? new long[] {target} : new long[] {target, contrast});
        String what = "logit of " + TargetToken.quote(tokenLabel.get(0))
                + (contrast == null ? "" : " - " + TargetToken.quote(tokenLabel.get(1)));
        return new SeriesResult("Direct logit attribution to the " + what + " at position " + pos, "component",
                what, SeriesResult.Kind.BAR, List.of(new SeriesResult.Series(what, x, y)));
    }

    /** Batch 0, position {@code pos} of a cached activation, created in the plugin's scratch scope as F32. */
    private static NDArray row(NDArray activation, int pos, NDManager m) {
        return activation.get(m, new NDIndex("0, {}", pos)).toType(DataType.FLOAT32, false);
    }

    /** A handle on {@code a} owned by the plugin's scratch scope, so arithmetic on it lands there. */
    private static NDArray local(NDArray a, NDManager m) {
        NDArray copy = a.duplicate();
        copy.attach(m);
        return copy.toType(DataType.FLOAT32, false);
    }
}
