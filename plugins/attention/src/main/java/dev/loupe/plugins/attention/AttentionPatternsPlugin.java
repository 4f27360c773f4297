package dev.loupe.plugins.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.loupe.engine.ActivationCache;
import dev.loupe.engine.Intervention;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.plugin.AnalysisContext;
import dev.loupe.plugin.AnalysisPlugin;
import dev.loupe.plugin.PluginApi;
import dev.loupe.plugin.PluginInfo;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.params.CommonParams;
import dev.loupe.plugin.params.Param;
import dev.loupe.plugin.params.ParamSpec;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.GridResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.Result;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Attention patterns ({@code blocks.L.attn.hook_pattern}) as a layer x head grid of query x key heatmaps, or one
 * focused head; optionally averaged over heads or rolled out through the layers, and optionally as the difference
 * from a second prompt's run.
 */
public final class AttentionPatternsPlugin implements AnalysisPlugin {
    public static final String ID = "loupe.attention";

    /** How the heads are shown; stored by name, so the names are those of the first release. */
    enum Aggregate implements Param.Choice {
        NONE("none"), MEAN("mean-over-heads"), ROLLOUT("rollout");

        private final String choiceName;

        Aggregate(String choiceName) {
            this.choiceName = choiceName;
        }

        @Override
        public String choiceName() {
            return choiceName;
        }
    }

    static final Param<Aggregate> AGGREGATE = Param.choice("aggregate", "Aggregate",
            "none: every head; mean-over-heads: one map per layer; rollout: attention rollout (Abnar & "
                    + "Zuidema 2020), the head mean mixed with the residual path and multiplied through the "
                    + "layers, one map per layer. The head parameter applies only to none.",
            Aggregate.class, Aggregate.NONE);
    static final Param<Integer> LAYER = CommonParams.layer("Show only this layer, or all layers");
    static final Param<Integer> HEAD = CommonParams.head(
            "Show only this head, or all heads; with a layer too, the result is that one pattern");
    static final Param<String> COMPARE_PROMPT = Param.text("comparePrompt", "Compare with prompt",
            "When set, the model also runs on this prompt (same number of tokens) and the maps show this "
                    + "run minus that one",
            "");
    static final Param<String> COMPARE_ABLATED = Param.text("compareAblated", "Compare with heads ablated",
            "When set (e.g. L1H2, or L1H2 L1H3, or L1 for all of layer 1), the model also runs on the same "
                    + "input with those heads' outputs (hook_z) zero-ablated, and the maps show this run minus "
                    + "that one: how later heads' attention depends on them",
            "");

    private static final ParamSpec PARAMS = ParamSpec.of(AGGREGATE, LAYER, HEAD, COMPARE_PROMPT, COMPARE_ABLATED);

    @Override
    public PluginInfo info() {
        return new PluginInfo(ID, "Attention patterns", "1.1.0", PluginApi.VERSION,
                "Every layer and head's attention pattern, head means, attention rollout, and differences to another "
                        + "prompt or to the same input with heads ablated");
    }

    @Override
    public ParamSpec params() {
        return PARAMS;
    }

    @Override
    public boolean accepts(ModelInfo model) {
        return model.layers() > 0 && model.heads() > 0;
    }

    @Override
    public List<String> captures(ModelInfo model, Params params) {
        int layer = params.get(LAYER);
        // Rollout to layer L needs every layer up to L; a bad layer is reported by analyze, so capture broadly.
        if (layer >= 0 && layer < model.layers() && params.get(AGGREGATE) != Aggregate.ROLLOUT) {
            return List.of(AttentionMaths.patternHook(layer));
        }
        return List.of(AttentionMaths.PATTERN_GLOB);
    }

    @Override
    public Result analyze(AnalysisContext ctx, Params params, Progress progress) {
        LoupeModel model = ctx.model();
        ModelInfo info = model.info();
        Aggregate aggregate = params.get(AGGREGATE);
        int layer = params.get(LAYER);
        int head = params.get(HEAD);
        String compare = params.get(COMPARE_PROMPT).strip();
        if (layer >= info.layers()) {
            throw new IllegalArgumentException("layer must be all or 0.." + (info.layers() - 1)
                    + " for this model, got " + layer);
        }
        if (head >= info.heads()) {
            throw new IllegalArgumentException("head must be all or 0.." + (info.heads() - 1)
                    + " for this model, got " + head);
        }
        String ablated = params.get(COMPARE_ABLATED).strip();
        if (!compare.isEmpty() && !ablated.isEmpty()) {
            throw new IllegalArgumentException("compare with a prompt or with heads ablated, not both");
        }
        int tokens = ctx.tokens().length;
        List<String> labels = ctx.tokenLabels();
        // The run to subtract: another prompt, or this one with heads knocked out; null = no comparison.
        RunRequest other = null;
        String minus = null;
        if (!compare.isEmpty()) {
            other = RunRequest.of(encodeComparison(model, compare, tokens));
            labels = pairLabels(labels, List.of(model.tokenStrings(compare)));
            minus = "\"" + compare + "\"";
        } else if (!ablated.isEmpty()) {
            List<Intervention> knockouts = HeadSpec.zeroAblations(ablated, info, "compareAblated");
            other = RunRequest.of(ctx.tokens()).intervene(knockouts);
            minus = "with " + HeadSpec.describe(ablated) + " ablated";
        }

        int[] layers = layersNeeded(info, aggregate, layer);
        progress.begin("Attention patterns", layers.length * (other == null ? 1L : 2L));
        try (NDManager scope = ctx.manager().newSubManager()) {
            NDArray maps = maps(ctx.run().cache(), layers, aggregate, layer, head, scope, progress);
            if (other != null) {
                try (RunResult run = model.run(other.capture(captures(info, params)))) {
                    maps = maps.sub(maps(run.cache(), layers, aggregate, layer, head, scope, progress));
                }
            }
            return toResult(maps.toFloatArray(), maps.getShape().getShape(), labels, aggregate, layer, head, minus);
        }
    }

    /** Layers whose patterns the maps are made of. */
    private static int[] layersNeeded(ModelInfo info, Aggregate aggregate, int layer) {
        if (layer < 0) {
            return AttentionMaths.range(0, info.layers());
        }
        return aggregate == Aggregate.ROLLOUT ? AttentionMaths.range(0, layer + 1) : new int[] {layer};
    }

    /** The maps to show as [rows, cols, q, k]: rows are layers, cols are heads or the single aggregate. */
    private static NDArray maps(ActivationCache cache, int[] layers, Aggregate aggregate, int layer, int head,
            NDManager scope, Progress progress) {
        NDArray patterns = AttentionMaths.stackPatterns(cache, layers, scope, progress);
        return switch (aggregate) {
            case MEAN -> patterns.mean(new int[] {1}, true);
            case ROLLOUT -> {
                NDArray rolled = AttentionMaths.rollout(AttentionMaths.meanOverHeads(patterns));
                // Focused on layer L: only the rollout up to L, the last of those computed.
                yield (layer >= 0 ? rolled.get(new NDIndex("-1:")) : rolled).expandDims(1);
            }
            default -> head >= 0 ? patterns.get(new NDIndex(":, " + head + ":" + (head + 1))) : patterns;
        };
    }

    private static long[] encodeComparison(LoupeModel model, String compare, int tokens) {
        long[] ids;
        try {
            ids = model.encode(compare);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("comparePrompt could not be tokenized: " + e.getMessage(), e);
        }
        if (ids.length != tokens) {
            throw new IllegalArgumentException("comparePrompt has " + ids.length + " tokens but the input has " + tokens
                    + "; difference maps need prompts of the same token count");
        }
        return ids;
    }

    /** "a" where both prompts have the same token, "a / b" where they differ. */
    private static List<String> pairLabels(List<String> mine, List<String> theirs) {
        List<String> out = new ArrayList<>(mine.size());
        for (int i = 0; i < mine.size(); i++) {
            String other = i < theirs.size() ? theirs.get(i) : "?";
            out.add(mine.get(i).equals(other) ? mine.get(i) : mine.get(i) + " / " + other);
        }
        return out;
    }

    /** @param compare what was subtracted, in words ("\"other prompt\"", "with L1H2 ablated"), or null */
    private static Result toResult(float[] values, long[] shape, List<String> labels, Aggregate aggregate, int layer,
            int head, String compare) {
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        int t = (int) shape[2];
        boolean diff = compare != null;
        int firstLayer = layer >= 0 ? layer : 0;
        List<MatrixResult> cells = new ArrayList<>(rows * cols);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int l = firstLayer + r;
                String title = switch (aggregate) {
                    case MEAN -> "L" + l + " mean over heads";
                    case ROLLOUT -> "rollout to L" + l;
                    default -> "L" + l + "H" + (head >= 0 ? head : c);
                };
                int from = (r * cols + c) * t * t;
                float[] cell = Arrays.copyOfRange(values, from, from + t * t);
                cells.add(new MatrixResult(diff ? "Δ " + title : title, t, t, cell, labels, labels, "query", "key",
                        valueLabel(aggregate, diff), diff, diff ? Map.of("max |Δ|", maxAbs(cell)) : Map.of(), MatrixResult.ATTENTION));
            }
        }
        String title = switch (aggregate) {
            case MEAN -> "Attention, mean over heads";
            case ROLLOUT -> "Attention rollout (Abnar & Zuidema 2020)";
            default -> "Attention patterns";
        };
        if (diff) {
            title += ": this run minus " + compare;
        }
        if (layer >= 0 && (head >= 0 || aggregate != Aggregate.NONE)) {
            MatrixResult only = cells.get(0);
            return new MatrixResult(only.title() + (diff ? ": this run minus " + compare : ""), t, t,
                    only.values(), labels, labels, "query", "key", only.valueLabel(), diff, only.stats(), MatrixResult.ATTENTION);
        }
        List<String> rowLabels = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            rowLabels.add("L" + (firstLayer + r));
        }
        List<String> colLabels = switch (aggregate) {
            case MEAN -> List.of("mean");
            case ROLLOUT -> List.of("rollout");
            default -> head >= 0 ? List.of("H" + head) : AttentionMaths.labels("H", cols);
        };
        return new GridResult(title, rowLabels, colLabels, cells);
    }

    private static String valueLabel(Aggregate aggregate, boolean diff) {
        String base = aggregate == Aggregate.ROLLOUT ? "rollout" : "attention";
        return diff ? base + " difference" : base;
    }

    private static double maxAbs(float[] values) {
        double max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
