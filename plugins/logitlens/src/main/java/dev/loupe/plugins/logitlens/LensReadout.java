package dev.loupe.plugins.logitlens;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.model.Unembedding;
import dev.loupe.plugin.AnalysisContext;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.params.CommonParams;
import dev.loupe.plugin.params.Param;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.MatrixResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The lens read-out: residual streams put through the model's final norm and unembedding, as log-probabilities,
 * and the layer x position grid of top-1 tokens that the logit lens and the tuned lens show (the tuned lens
 * rewrites each layer with its translator first). The grid reads several layers in one [rows, d] x [d, vocab]
 * product on the model's device, then top-k, softmax and entropy there too in few passes ({@link #winners}); only the
 * [layers, pos, k] winners come back to Java.
 *
 * @param colourBy what the grid's colours show
 * @param topK how many tokens each cell lists on hover (at most the vocabulary)
 */
record LensReadout(ColourBy colourBy, int topK) {

    /** What a grid cell's colour shows. */
    enum ColourBy {
        /** The top-1 token's probability. */
        PROBABILITY,
        /** The whole distribution's entropy, in nats. */
        ENTROPY
    }

    static final Param<ColourBy> COLOUR_BY = Param.choice("colorBy", "Colour by",
            "probability of the top-1 token, or entropy of the whole distribution (nats)", ColourBy.class,
            ColourBy.PROBABILITY);
    static final Param<Integer> TOP_K = CommonParams.topK("tokens listed on hover");

    /** The read-out a plugin's parameters ask for; its spec must hold {@link #COLOUR_BY} and {@link #TOP_K}. */
    static LensReadout of(Params params) {
        return new LensReadout(params.get(COLOUR_BY), params.get(TOP_K));
    }

    /** Rewrites a layer's residual before the read-out: the identity for the logit lens, a translator for the tuned lens. */
    interface Translator {
        Translator IDENTITY = (layer, resid) -> resid;

        NDArray apply(int layer, NDArray resid);
    }

    /** Log-probabilities over the vocabulary of residual rows [rows, d] -> [rows, vocab], as F32. */
    static NDArray logProbs(Unembedding unembedding, NDArray rows) {
        return unembedding.apply(rows).toType(DataType.FLOAT32, false).logSoftmax(-1);
    }

    /** Per row of logits: the k most likely token ids, their probabilities, and the distribution's entropy. */
    record Winners(long[] topIds, float[] topP, float[] entropy) {
    }

    /**
     * The read-out's statistics from logits [rows, vocab] in few passes over them and one [rows, vocab] temporary
     * (the softmax p) instead of the four that logSoftmax, exp and a product make: top-k on the logits themselves
     * (the same tokens as on log-probabilities); the logits shifted in place by their row maximum z_1, so that
     * log Z = -log p_1; and the entropy as log Z - sum_j p_j (z_j - z_1), that sum one batched dot product per row.
     * The shift keeps the dot product's terms small, so float rounding stays near that of the textbook formula.
     * {@code logits} is overwritten.
     */
    static Winners winners(NDArray logits, int k) {
        long rows = logits.getShape().get(0);
        long vocab = logits.getShape().get(1);
        NDList top = logits.topK(k, -1, true, true);
        NDArray topLogits = top.get(0); // [rows, k], largest first
        NDArray shifted = logits.subi(topLogits.get(":, 0:1")); // max 0 per row
        NDArray p = shifted.softmax(-1);
        NDArray logZ = p.max(new int[] {-1}).log().neg(); // the shifted row's log-partition: p_1 = exp(0) / Z
        NDArray topP = topLogits.sub(topLogits.get(":, 0:1")).sub(logZ.reshape(rows, 1)).exp();
        NDArray expected = p.reshape(rows, 1, vocab).batchMatMul(shifted.reshape(rows, vocab, 1)).reshape(rows);
        // Rounding can leave a near-certain row a hair below zero; entropy is never negative.
        NDArray entropy = logZ.sub(expected).maximum(0f);
        return new Winners(top.get(1).toType(DataType.INT64, false).toLongArray(), topP.toFloatArray(),
                entropy.toFloatArray());
    }

    /** "entropy" or "top-1 probability": the colouring as titles name it. */
    String colourName() {
        return colourBy == ColourBy.ENTROPY ? "entropy" : "top-1 probability";
    }

    /** The layer x position grid of top-1 tokens of the context's run, each layer read through {@code translator}. */
    MatrixResult grid(AnalysisContext ctx, Progress progress, String name, Translator translator,
            Map<String, Double> extraStats) {
        LoupeModel model = ctx.model();
        ModelInfo info = model.info();
        boolean byEntropy = colourBy == ColourBy.ENTROPY;
        int k = Math.min(topK, info.dVocab());
        Unembedding unembedding = model.unembedding();
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
            Winners w = winners(unembedding.apply(stacked).toType(DataType.FLOAT32, false), k);
            float[] topP = w.topP();
            long[] topIds = w.topIds();
            float[] entropy = w.entropy();
            List<String> labels = model.tokenLabels(topIds);
            for (int row = 0; row < count * positions; row++) {
                int cell = first * positions + row;
                values[cell] = byEntropy ? entropy[row] : topP[row * k];
                cellText.add(labels.get(row * k));
                StringBuilder hover = new StringBuilder();
                for (int j = 0; j < k; j++) {
                    hover.append(String.format(Locale.ROOT, "%s  %.3f%n", TargetToken.quote(labels.get(row * k + j)),
                            topP[row * k + j]));
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
        Map<String, Double> stats = new HashMap<>(extraStats);
        stats.put(byEntropy ? "mean final entropy" : "mean final top-1 probability", finalTop / positions);
        return new MatrixResult(name + " (" + colourName() + ")", layers, positions,
                values, ResidualLayers.labels(info), ctx.tokenLabels(), "layer", "position",
                byEntropy ? "entropy (nats)" : "probability", false, stats, cellText, cellDetails);
    }
}
