package dev.loupe.samples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter) with global-norm gradient clipping, updating parameters in place.
 *
 * <p>Written out rather than taken from DJL's optimizers because DJL's Adam applies weight decay as an L2 term in
 * the gradient, not decoupled. Decay applies to matrices only (weights and embeddings), not to biases or layer-norm
 * gains, as GPT-2 training recipes do. Call with gradient recording off: in-place updates of leaf tensors that
 * require gradients are refused by PyTorch while it records.
 */
final class AdamW {

    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final float clipNorm;
    private final Map<String, NDArray[]> moments = new LinkedHashMap<>();
    private int step;

    /** The sample trainers' learning rate at {@code step}: linear warm-up, then cosine decay to a tenth of the peak. */
    static float warmupCosine(int step, float peak, int warmupSteps, int steps) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, steps - warmupSteps);
        return (float) (peak * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress))));
    }

    AdamW(float beta1, float beta2, float epsilon, float weightDecay, float clipNorm) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
    }

    /**
     * Applies one update from the gradients autograd left on the parameters, then zeroes them (PyTorch
     * accumulates gradients across backward passes). Temporaries belong to the caller's NDScope.
     *
     * @return the global gradient norm before clipping
     */
    float step(Map<String, NDArray> params, float learningRate, NDManager stateManager) {
        step++;
        Map<String, NDArray> grads = new LinkedHashMap<>();
        double squares = 0;
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray g = e.getValue().getGradient();
            grads.put(e.getKey(), g);
            squares += g.square().sum().getFloat();
        }
        float norm = (float) Math.sqrt(squares);
        if (!Double.isFinite(norm)) {
            StringBuilder bad = new StringBuilder();
            grads.forEach((name, g) -> {
                if (!Float.isFinite(g.abs().max().getFloat())) {
                    bad.append(' ').append(name);
                }
            });
            throw new IllegalStateException("gradient norm is " + norm + " at step " + step + ", non-finite in:" + bad);
        }
        float clip = norm > clipNorm ? clipNorm / norm : 1f;
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        // Folding both bias corrections into the step size: lr * sqrt(c2) / c1 * m / (sqrt(v) + eps').
        float stepSize = (float) (learningRate * Math.sqrt(correction2) / correction1);
        float eps = (float) (epsilon * Math.sqrt(correction2));
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray w = e.getValue();
            NDArray g = grads.get(e.getKey()).mul(clip);
            NDArray[] mv = moments.computeIfAbsent(e.getKey(), k -> {
                NDArray[] state = {stateManager.zeros(w.getShape()), stateManager.zeros(w.getShape())};
                NDScope.unregister(state); // optimizer state outlives the step's scope
                return state;
            });
            mv[0].muli(beta1).addi(g.mul(1 - beta1));
            mv[1].muli(beta2).addi(g.square().muli(1 - beta2));
            if (weightDecay > 0 && w.getShape().dimension() >= 2) {
                w.muli(1 - learningRate * weightDecay);
            }
            w.subi(mv[0].div(mv[1].sqrt().addi(eps)).muli(stepSize));
            grads.get(e.getKey()).muli(0);
        }
        return norm;
    }
}
