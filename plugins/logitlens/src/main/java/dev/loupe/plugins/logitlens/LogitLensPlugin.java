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
import dev.loupe.plugin.params.ParamDef;
import dev.loupe.plugin.params.ParamSpec;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The logit lens (nostalgebraist, 2020): every layer's residual stream read through the model's final norm and
 * unembedding, shown as a layer x position grid of top-1 tokens coloured by their probability (or by the
 * distribution's entropy), with the top-k on hover.
 *
 * <p>Each layer is one [pos, d] x [d, vocab] matmul on the model's device, then softmax, entropy and top-k there
 * too; only the [layers, pos, k] winners come back to Java.
 */
public final class LogitLensPlugin implements AnalysisPlugin {
    static final String ID = "loupe.logit-lens";

    private static final ParamSpec PARAMS = ParamSpec.of(
            new ParamDef.ChoiceParam("colorBy", "Colour by",
                    "probability of the top-1 token, or entropy of the whole distribution (nats)", "probability",
                    List.of("probability", "entropy")),
            new ParamDef.IntParam("topK", "Top k", "tokens listed on hover", 5, 1, 50));

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
        return lensGrid(ctx, params, progress, "Logit lens", (layer, resid) -> resid, Map.of());
    }

    /** Rewrites a layer's residual before the read-out: the identity for the logit lens, a translator for the tuned lens. */
    interface Translator {
        NDArray apply(int layer, NDArray resid);
    }

    /** The layer x position grid of top-1 tokens, shared by the logit lens and the tuned lens. */
    static MatrixResult lensGrid(AnalysisContext ctx, Params params, Progress progress, String name,
            Translator translator, Map<String, Double> extraStats) {
        LoupeModel model = ctx.model();
        ModelInfo info = model.info();
        boolean byEntropy = params.getString("colorBy").equals("entropy");
        int k = Math.min(params.getInt("topK"), info.dVocab());
        Unembedding readout = model.unembedding();
        List<NDArray> resids = ResidualLayers.residuals(ctx.run(), info, ctx.manager());
        int layers = resids.size();
        int positions = ctx.tokens().length;
        float[] values = new float[layers * positions];
        List<String> cellText = new ArrayList<>(values.length);
        List<String> cellDetails = new ArrayList<>(values.length);
        progress.begin(name, layers);
        // Several layers per read-out: one large GEMM runs closer to the machine's peak than many thin ones. The
        // group is bounded so that its [rows, vocab] logits stay within ~64M floats (256 MB) for long inputs.
        int perGroup = (int) Math.max(1, Math.min(layers, (64L << 20) / ((long) positions * info.dVocab())));
        for (int first = 0; first < layers; first += perGroup) {
            progress.checkCancelled();
            int count = Math.min(perGroup, layers - first);
            NDList group = new NDList();
            for (int l = first; l < first + count; l++) {
                group.add(translator.apply(l, resids.get(l)));
            }
            NDArray stacked = count == 1 ? group.head() : NDArrays.concat(group, 0); // [count * pos, d]
            NDArray logp = readout.apply(stacked).toType(DataType.FLOAT32, false).logSoftmax(-1);
            NDList top = logp.topK(k, -1, true, true);
            float[] topP = top.get(0).exp().toFloatArray();
            long[] topIds = top.get(1).toType(DataType.INT64, false).toLongArray();
            float[] entropy = logp.exp().mul(logp).sum(new int[] {-1}).neg().toFloatArray();
            List<String> labels = model.tokenLabels(topIds);
            for (int row = 0; row < count * positions; row++) {
                int cell = first * positions + row;
                values[cell] = byEntropy ? entropy[row] : topP[row * k];
                cellText.add(labels.get(row * k));
                StringBuilder hover = new StringBuilder();
                for (int j = 0; j < k; j++) {
                    hover.append(String.format(Locale.ROOT, "%s  %.3f%n", quote(labels.get(row * k + j)), topP[row * k + j]));
                }
                hover.append(String.format(Locale.ROOT, "entropy %.3f nats", entropy[row]));
                cellDetails.add(hover.toString());
            }
            progress.worked(count);
        }
        double finalTop = 0;
        for (int p = 0; p < positions; p++) {
            finalTop += values[(layers - 1) * positions + p];
        }
        Map<String, Double> stats = new java.util.HashMap<>(extraStats);
        stats.put(byEntropy ? "mean final entropy" : "mean final top-1 probability", finalTop / positions);
        return new MatrixResult(name + " (" + (byEntropy ? "entropy" : "top-1 probability") + ")", layers, positions,
                values, ResidualLayers.labels(info), ctx.tokenLabels(), "layer", "position",
                byEntropy ? "entropy (nats)" : "probability", false, stats, cellText, cellDetails);
    }

    static String quote(String token) {
        return "'" + token.replace("\n", "\\n") + "'";
    }
}
