package dev.loupe.plugins.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.loupe.engine.ActivationCache;
import dev.loupe.plugin.Progress;
import java.util.ArrayList;
import java.util.List;

/**
 * Batched attention maths on the model's device. Patterns are [..., query, key] with rows that sum to 1; every
 * function works on any leading shape (usually [layers, heads]) so a whole model is one set of tensor ops.
 */
final class AttentionMaths {
    static final String PATTERN_GLOB = "blocks.*.attn.hook_pattern";

    /** Below the smallest probability a float softmax yields that is not 0, so that 0·log(0) comes out as 0. */
    private static final float LOG_FLOOR = 1e-30f;

    private AttentionMaths() {
    }

    static String patternHook(int layer) {
        return "blocks." + layer + ".attn.hook_pattern";
    }

    static List<String> labels(String prefix, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    /**
     * The captured patterns of {@code layers}, batch row 0, stacked as F32 [layers, heads, q, k] in {@code scope}.
     * Each slice is moved into the scope as soon as it exists, so nothing we make is left in the run's cache.
     */
    static NDArray stackPatterns(ActivationCache cache, int[] layers, NDManager scope, Progress progress) {
        NDList list = new NDList(layers.length);
        for (int l : layers) {
            progress.checkCancelled();
            NDArray one = cache.get(patternHook(l)).get(0);
            one.attach(scope);
            list.add(one);
            progress.worked(1);
        }
        NDArray stacked = NDArrays.stack(list);
        // F16 models give F16 patterns; entropy logs and rollout products want F32.
        return stacked.toType(DataType.FLOAT32, false);
    }

    static int[] range(int from, int to) {
        int[] out = new int[to - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }

    /** [L, H, q, k] -> [L, q, k]. */
    static NDArray meanOverHeads(NDArray patterns) {
        return patterns.mean(new int[] {1});
    }

    /**
     * Attention rollout (Abnar & Zuidema 2020) of head-averaged patterns [L, T, T]: each layer becomes
     * 0.5·A + 0.5·I (the residual path) with rows renormalised, and layer l's rollout is Ã_l·Ã_{l-1}···Ã_0.
     * Returns [L, T, T], the rollout up to each layer.
     */
    static NDArray rollout(NDArray meanPatterns) {
        long t = meanPatterns.getShape().get(1);
        NDArray eye = meanPatterns.getManager().eye((int) t, (int) t, 0, DataType.FLOAT32, meanPatterns.getDevice());
        NDArray mixed = meanPatterns.mul(0.5f).add(eye.mul(0.5f));
        // Rows already sum to 1, but renormalise as the method prescribes (and against float drift).
        mixed = mixed.div(mixed.sum(new int[] {-1}, true));
        int layers = (int) meanPatterns.getShape().get(0);
        NDList rolled = new NDList(layers);
        NDArray acc = mixed.get(0);
        rolled.add(acc);
        for (int l = 1; l < layers; l++) {
            acc = mixed.get(l).matMul(acc);
            rolled.add(acc);
        }
        return NDArrays.stack(rolled);
    }

    /** Shannon entropy in nats of each row, averaged over query positions: [..., q, k] -> [...]. */
    static NDArray meanEntropy(NDArray patterns) {
        NDArray logs = patterns.clip(LOG_FLOOR, 1f).log();
        return patterns.mul(logs).sum(new int[] {-1}).neg().mean(new int[] {-1});
    }

    /** Attention paid to the first token, averaged over query positions: [..., q, k] -> [...]. */
    static NDArray meanSink(NDArray patterns) {
        return patterns.get(new NDIndex("..., 0")).mean(new int[] {-1});
    }

    /**
     * Mean of {@code P[..., q, q + offset]} over queries q in [fromQuery, toQuery): the previous-token score is
     * offset -1 over q in [1, T). Read as one strided slice of the flattened [q·k] plane, where consecutive
     * entries of a diagonal lie T+1 apart, so no index tensors or loops are needed.
     */
    static NDArray diagonalMean(NDArray patterns, int offset, int fromQuery, int toQuery) {
        Shape shape = patterns.getShape();
        int dims = shape.dimension();
        long t = shape.get(dims - 1);
        if (shape.get(dims - 2) != t) {
            throw new IllegalArgumentException("pattern must be square in its last two axes, got " + shape);
        }
        if (fromQuery >= toQuery || fromQuery + offset < 0 || toQuery - 1 + offset >= t || toQuery > t) {
            throw new IllegalArgumentException("diagonal " + offset + " over queries " + fromQuery + ".." + (toQuery - 1)
                    + " lies outside a " + t + "x" + t + " pattern");
        }
        Shape flatShape = shape.slice(0, dims - 2).add(t * t);
        long start = fromQuery * (t + 1) + offset;
        long stop = (toQuery - 1) * (t + 1) + offset + 1;
        NDArray diag = patterns.reshape(flatShape).get(new NDIndex("..., " + start + ":" + stop + ":" + (t + 1)));
        return diag.mean(new int[] {-1});
    }

    /** Copies a [rows, cols] F32 array to the heap as float[rows][cols]. */
    static float[][] toMatrix(NDArray a) {
        Shape s = a.getShape();
        int rows = (int) s.get(0);
        int cols = (int) s.get(1);
        float[] flat = a.toType(DataType.FLOAT32, false).toFloatArray();
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = java.util.Arrays.copyOfRange(flat, r * cols, (r + 1) * cols);
        }
        return out;
    }
}
