package dev.loupe.plugins.activations;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.loupe.engine.LoupeException;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.hooks.HookLayout;
import dev.loupe.plugin.AnalysisContext;
import dev.loupe.plugin.AnalysisPlugin;
import dev.loupe.plugin.PluginApi;
import dev.loupe.plugin.PluginInfo;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.params.CommonParams;
import dev.loupe.plugin.params.Param;
import dev.loupe.plugin.params.ParamSpec;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.Result;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One hook's activation as a heatmap: token positions down, dimensions across (for attention patterns and scores,
 * query tokens down and key tokens across, one head at a time), with min, max, mean, std and the mean L2 norm per
 * position. Statistics cover the whole tensor (the chosen head's part of it); only the first {@code maxDims}
 * columns are shown, so what crosses from the device to Java is bounded.
 */
public final class ActivationsPlugin implements AnalysisPlugin {
    public static final String ID = "loupe.activations";

    static final Param<String> HOOK = Param.hook("hook", "Hook",
            "the hook whose activation to show, by TransformerLens name; {last} stands for the final layer",
            "blocks.0.hook_resid_post", false);
    static final Param<Integer> HEAD = CommonParams.head(
            "for per-head hooks (attn.hook_q|k|v|z): the head to show, or all heads side by side; pattern and"
                    + " score hooks show one head (all means head 0)");
    static final Param<Integer> MAX_DIMS = Param.intParam("maxDims", "Max dimensions",
            "show at most this many columns (the first ones); statistics still cover all of them", 256, 1, 65536);

    private static final ParamSpec SPEC = ParamSpec.of(HOOK, HEAD, MAX_DIMS);

    @Override
    public PluginInfo info() {
        return new PluginInfo(ID, "Activations", "1.0.0", PluginApi.VERSION,
                "a hook's activation as a heatmap over tokens and dimensions, with summary statistics");
    }

    @Override
    public ParamSpec params() {
        return SPEC;
    }

    @Override
    public boolean accepts(ModelInfo model) {
        return true; // every model exposes hooks
    }

    @Override
    public List<String> captures(ModelInfo model, Params params) {
        return List.of(hook(model, params));
    }

    /** The hook name with {last} resolved; a pattern would capture many tensors and show one, so it is refused. */
    static String hook(ModelInfo model, Params params) {
        String hook = params.get(HOOK).replace("{last}", Integer.toString(Math.max(0, model.layers() - 1)));
        if (hook.contains("*") || hook.contains("?")) {
            throw new LoupeException("hook must name one hook, not a pattern: \"" + hook + "\"");
        }
        return hook;
    }

    @Override
    public Result analyze(AnalysisContext ctx, Params params, Progress progress) {
        String hook = hook(ctx.model().info(), params);
        int head = params.get(HEAD);
        int maxDims = params.get(MAX_DIMS);
        progress.begin("Activations of " + hook, 1);

        NDManager scope = ctx.manager();
        NDArray full = ctx.run().cache().get(hook);
        // Batch row 0, as F32 (f16 models), owned by the scratch scope; everything derived from it follows.
        NDArray x = full.get(0).toType(DataType.FLOAT32, false);
        x.attach(scope);
        long[] shape = x.getShape().getShape();
        HookLayout layout = HookLayout.forHook(hook);
        List<String> tokens = ctx.tokenLabels();

        NDArray mat;
        List<String> rowLabels;
        String title;
        String rowAxis = "token";
        String colAxis;
        String valueLabel = "activation";
        List<String> colLabels = null; // null: "d0".. over the columns shown
        if (layout == HookLayout.PATTERN) {
            // [head, q, k]: one head's query x key map.
            int h = head < 0 ? 0 : head;
            checkHead(hook, h, shape[0]);
            mat = x.get(h);
            rowLabels = labels(tokens, shape[1]);
            colLabels = labels(tokens, shape[2]);
            rowAxis = "query token";
            colAxis = "key token";
            valueLabel = hook.endsWith("hook_pattern") ? "attention" : "score";
            title = hook + ", head " + h;
        } else if (layout == HookLayout.PER_HEAD && head >= 0) {
            // [pos, head, d_head]: one head.
            checkHead(hook, head, shape[1]);
            mat = x.get(":, " + head + ", :");
            rowLabels = labels(tokens, shape[0]);
            colAxis = "dimension";
            title = hook + ", head " + head;
        } else if (layout == HookLayout.PER_HEAD) {
            // [pos, head, d_head] -> [pos, head * d_head]; columns read head:dim.
            mat = x.reshape(shape[0], -1);
            rowLabels = labels(tokens, shape[0]);
            colAxis = "head:dimension";
            colLabels = new ArrayList<>();
            int shown = (int) Math.min(maxDims, shape[1] * shape[2]);
            for (int c = 0; c < shown; c++) {
                colLabels.add("h" + c / shape[2] + ":d" + c % shape[2]);
            }
            title = hook + ", all heads";
        } else {
            if (head >= 0) {
                throw new LoupeException("head applies to per-head hooks (attn.hook_q|k|v|z, hook_pattern,"
                        + " hook_attn_scores); " + hook + " has no head axis");
            }
            mat = x.reshape(shape[0], -1);
            rowLabels = labels(tokens, shape[0]);
            colAxis = "dimension";
            title = hook;
        }

        long rows = mat.getShape().get(0);
        long cols = mat.getShape().get(1);
        int shownCols = (int) Math.min(cols, layout == HookLayout.PATTERN ? cols : maxDims);
        if (colLabels == null) {
            colLabels = new ArrayList<>();
            for (int c = 0; c < shownCols; c++) {
                colLabels.add("d" + c);
            }
        }
        if (shownCols < cols) {
            title += " (first " + shownCols + " of " + cols + " dims)";
        }

        float[] stats = stats(mat);
        progress.checkCancelled();
        NDArray shown = shownCols < cols ? mat.get(":, 0:" + shownCols) : mat;
        float[] values = shown.toFloatArray();
        progress.worked(1);

        Map<String, Double> summary = new LinkedHashMap<>();
        summary.put("min", (double) stats[0]);
        summary.put("max", (double) stats[1]);
        summary.put("mean", (double) stats[2]);
        summary.put("std", (double) stats[3]);
        summary.put("mean L2 norm", (double) stats[4]);
        // Signed data gets a colour map centred on zero; probabilities and post-ReLU values do not.
        boolean diverging = stats[0] < 0;
        // A head's query x key map is an attention pattern (heatmap and lines views); views go by this kind.
        String kind = layout == HookLayout.PATTERN ? MatrixResult.ATTENTION : MatrixResult.MATRIX;
        return new MatrixResult(title, (int) rows, shownCols, values, rowLabels, colLabels, rowAxis, colAxis,
                valueLabel, diverging, summary, kind);
    }

    /**
     * min, max, mean, std (population) and mean L2 norm of the rows, over finite entries only: attention scores
     * carry -inf where the causal mask hides a key, and those are not data. One device-to-host copy for all five.
     */
    static float[] stats(NDArray mat) {
        NDArray finite = mat.isInfinite().logicalOr(mat.isNaN()).logicalNot();
        NDArray zero = mat.zerosLike();
        NDArray vals = NDArrays.where(finite, mat, zero);
        NDArray n = finite.toType(DataType.FLOAT32, false).sum();
        NDArray min = NDArrays.where(finite, mat, mat.onesLike().mul(Float.POSITIVE_INFINITY)).min();
        NDArray max = NDArrays.where(finite, mat, mat.onesLike().mul(Float.NEGATIVE_INFINITY)).max();
        NDArray mean = vals.sum().div(n);
        NDArray std = NDArrays.where(finite, mat.sub(mean), zero).square().sum().div(n).sqrt();
        NDArray norm = vals.square().sum(new int[] {1}).sqrt().mean();
        return NDArrays.stack(new NDList(min, max, mean, std, norm)).toFloatArray();
    }

    private static void checkHead(String hook, int head, long heads) {
        if (head >= heads) {
            throw new LoupeException("head " + head + " is out of range: " + hook + " has " + heads + " heads (0.."
                    + (heads - 1) + ")");
        }
    }

    /** Token labels for the position axis; positions as numbers if the run's length differs from the labels. */
    private static List<String> labels(List<String> tokens, long positions) {
        if (tokens.size() == positions) {
            return tokens;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < positions; i++) {
            out.add(Integer.toString(i));
        }
        return out;
    }
}
