package dev.loupe.plugins.attention;

import com.google.gson.JsonPrimitive;
import dev.loupe.plugin.params.ParamMigration;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.loupe.engine.ModelInfo;
import dev.loupe.plugin.AnalysisContext;
import dev.loupe.plugin.AnalysisPlugin;
import dev.loupe.plugin.PluginApi;
import dev.loupe.plugin.PluginInfo;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.params.Param;
import dev.loupe.plugin.params.ParamSpec;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.TableResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Per-head summaries that find heads worth a look: entropy (diffuse vs sharp), mass on the first token (attention
 * sinks), previous-token score and induction score. The first three describe the user's input; induction needs a
 * repeated sequence, which the plugin generates itself (see {@link InductionScores}).
 */
public final class HeadStatisticsPlugin implements AnalysisPlugin {
    public static final String ID = "loupe.head-stats";

    /** What to show; a statistic's choice name is also its table column. */
    enum Show {
        TABLE, ENTROPY, SINK, PREV_TOKEN, INDUCTION;

        String column() {
            return Param.choiceName(this);
        }
    }

    static final Param<Show> SHOW = Param.choice("show", "Show",
            "table: every statistic per layer and head; or one statistic as a layer x head heatmap", Show.class,
            Show.TABLE);
    static final Param<Integer> SEQ_LEN = Param.intParam("seqLen", "Induction sequence length",
            "Length of the random sequence that is repeated twice for the induction score", 20, 2, 100_000);
    static final Param<Integer> SEED = Param.intParam("seed", "Induction seed", "Seed of the random sequence", 0, 0,
            Integer.MAX_VALUE);
    static final Param<Integer> MIN_TOKEN = Param.intParam("minToken", "Lowest token id",
            "Random tokens are drawn from [minToken, vocabulary size), e.g. to skip special tokens", 0, 0,
            Integer.MAX_VALUE);
    /** "model": the config's bos_token_id (none if it has none); "none"; or a token id. */
    static final Param<String> BOS = Param.text("bos", "BOS token",
            "Token put before the repeated sequence: model (the checkpoint's own bos_token_id), none, or a token id",
            "model");

    // Version 2: bos became "model" / "none" / an id (it was an int with -1 for none, and ignored the model's BOS).
    private static final ParamSpec PARAMS = ParamSpec.of(2, SHOW, SEQ_LEN, SEED, MIN_TOKEN, BOS)
            .migrateFrom(1, ParamMigration.convert("bos", old -> new JsonPrimitive(
                    old.isJsonPrimitive() && old.getAsJsonPrimitive().isNumber() && old.getAsLong() < 0
                            ? "none" : old.getAsString())));

    @Override
    public PluginInfo info() {
        return new PluginInfo(ID, "Head statistics", "1.0.0", PluginApi.VERSION,
                "Entropy, attention-sink mass and previous-token score of every head on the input, and induction "
                        + "score on a generated repeated random sequence");
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
        // The induction score runs its own input; the other statistics read the host's run.
        return params.get(SHOW) == Show.INDUCTION ? List.of() : List.of(AttentionMaths.PATTERN_GLOB);
    }

    /** The BOS id the parameter names, or -1 for none. */
    static long bosToken(dev.loupe.engine.LoupeModel model, String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("model")) {
            long id = model.bosTokenId();
            if (id >= model.info().dVocab()) {
                throw new IllegalArgumentException("bos: the model's bos_token_id " + id + " is outside its vocabulary of "
                        + model.info().dVocab() + " tokens (config.json); set bos to none or a token id");
            }
            return id;
        }
        if (t.equals("none")) {
            return -1;
        }
        try {
            long id = Long.parseLong(t.startsWith("#") ? t.substring(1) : t);
            if (id < 0) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bos must be model, none or a token id, got \"" + text + "\"");
        }
    }

    @Override
    public Result analyze(AnalysisContext ctx, Params params, Progress progress) {
        ModelInfo info = ctx.model().info();
        Show show = params.get(SHOW);
        int seqLen = params.get(SEQ_LEN);
        int seed = params.get(SEED);
        int minToken = params.get(MIN_TOKEN);
        long bos = bosToken(ctx.model(), params.get(BOS));
        boolean wantInput = show != Show.INDUCTION;
        boolean wantInduction = show == Show.TABLE || show == Show.INDUCTION;
        if (wantInduction) {
            InductionScores.check(info, seqLen, minToken, bos); // fail before any work
        }
        int layers = info.layers();
        int heads = info.heads();
        progress.begin("Head statistics", (wantInput ? layers : 0) + (wantInduction ? layers : 0));

        float[][] entropy = null;
        float[][] sink = null;
        float[][] prev = null;
        if (wantInput) {
            try (NDManager scope = ctx.manager().newSubManager()) {
                NDArray p = AttentionMaths.stackPatterns(ctx.run().cache(), AttentionMaths.range(0, layers), scope,
                        progress);
                int t = (int) p.getShape().get(3);
                entropy = AttentionMaths.toMatrix(AttentionMaths.meanEntropy(p));
                sink = AttentionMaths.toMatrix(AttentionMaths.meanSink(p));
                // A single token has no previous token: NaN, shown as "no value" rather than a misleading 0.
                prev = t > 1 ? AttentionMaths.toMatrix(AttentionMaths.diagonalMean(p, -1, 1, t)) : nan(layers, heads);
            }
        }
        float[][] induction = null;
        if (wantInduction) {
            progress.message("Induction: running the model on a repeated random sequence");
            // Drawn from the ordinary vocabulary: a special token in the middle of a sequence is nothing the model
            // was trained on, and drags the scores down.
            induction = InductionScores.compute(ctx.model(), seqLen, seed, minToken, bos,
                    ctx.model().specialTokenIds(), progress);
        }

        String inductionNote = "induction on a random sequence of " + seqLen + " tokens repeated twice (seed " + seed
                + (bos >= 0 ? ", after BOS " + bos : "") + ")";
        return switch (show) {
            case ENTROPY -> heatmap("Attention entropy per head, mean over query positions (on the input)", entropy,
                    "entropy (nats)");
            case SINK -> heatmap("Attention to the first token per head (on the input)", sink, "mass on first token");
            case PREV_TOKEN -> heatmap("Previous-token score per head (on the input)", prev, "attention to i-1");
            case INDUCTION -> heatmap("Induction score per head (" + inductionNote + ")", induction,
                    "induction score");
            case TABLE -> table("Head statistics: entropy, sink and prev_token on the input; " + inductionNote, entropy,
                    sink, prev, induction);
        };
    }

    private static TableResult table(String title, float[][] entropy, float[][] sink, float[][] prev,
            float[][] induction) {
        List<List<Object>> rows = new ArrayList<>();
        for (int l = 0; l < entropy.length; l++) {
            for (int h = 0; h < entropy[l].length; h++) {
                rows.add(List.of(l, h, (double) entropy[l][h], (double) sink[l][h], (double) prev[l][h],
                        (double) induction[l][h]));
            }
        }
        return new TableResult(title, List.of("layer", "head", Show.ENTROPY.column(), Show.SINK.column(),
                Show.PREV_TOKEN.column(), Show.INDUCTION.column()), rows);
    }

    private static MatrixResult heatmap(String title, float[][] values, String valueLabel) {
        int layers = values.length;
        int heads = values[0].length;
        float[] flat = new float[layers * heads];
        double max = Double.NEGATIVE_INFINITY;
        int argLayer = 0;
        int argHead = 0;
        for (int l = 0; l < layers; l++) {
            System.arraycopy(values[l], 0, flat, l * heads, heads);
            for (int h = 0; h < heads; h++) {
                if (values[l][h] > max) {
                    max = values[l][h];
                    argLayer = l;
                    argHead = h;
                }
            }
        }
        Map<String, Double> stats = Double.isFinite(max)
                ? Map.of("max", max, "max at layer", (double) argLayer, "max at head", (double) argHead)
                : Map.of();
        return new MatrixResult(title, layers, heads, flat, AttentionMaths.labels("L", layers),
                AttentionMaths.labels("H", heads), "layer", "head", valueLabel, false, stats);
    }

    private static float[][] nan(int layers, int heads) {
        float[][] out = new float[layers][heads];
        for (float[] row : out) {
            java.util.Arrays.fill(row, Float.NaN);
        }
        return out;
    }
}
