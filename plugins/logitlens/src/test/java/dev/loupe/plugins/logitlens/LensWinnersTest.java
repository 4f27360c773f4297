package dev.loupe.plugins.logitlens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.engine.runtime.PyTorchRuntime;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fused read-out against the textbook formulas in double precision, row by row in plain Java. */
class LensWinnersTest {

    @Test
    void topTokensProbabilitiesAndEntropyMatchTheDefinitions() {
        int rows = 6;
        int vocab = 5000;
        int k = 4;
        Random random = new Random(3);
        float[] z = new float[rows * vocab];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < vocab; j++) {
                z[r * vocab + j] = switch (r) {
                    case 0 -> 0f; // uniform: entropy log(vocab)
                    case 1 -> j == 17 ? 60f : (float) random.nextGaussian(); // near-certain: entropy ~ 0
                    default -> (float) (random.nextGaussian() * (1 + r));
                };
            }
        }
        LensReadout.Winners w;
        try (NDManager m = PyTorchRuntime.engine().newBaseManager()) {
            w = LensReadout.winners(m.create(z, new Shape(rows, vocab)), k);
        }
        double worst = 0;
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < vocab; j++) {
                max = Math.max(max, z[r * vocab + j]);
            }
            double sum = 0;
            for (int j = 0; j < vocab; j++) {
                sum += Math.exp(z[r * vocab + j] - max);
            }
            double logZ = max + Math.log(sum);
            double h = 0;
            for (int j = 0; j < vocab; j++) {
                double lp = z[r * vocab + j] - logZ;
                h -= Math.exp(lp) * lp;
            }
            worst = Math.max(worst, Math.abs(h - w.entropy()[r]));
            // Float rounding of a 5000-term dot product: about 20 ulps here (logSoftmax, exp and a sum: about 4).
            assertEquals(h, w.entropy()[r], 1e-5 * Math.max(1, h), "entropy of row " + r);
            for (int i = 0; i < k; i++) {
                long id = w.topIds()[r * k + i];
                double p = Math.exp(z[(int) (r * vocab + id)] - logZ);
                assertEquals(p, w.topP()[r * k + i], 1e-6, "p of top-" + (i + 1) + " in row " + r);
                if (i > 0 && r != 0) {
                    long prev = w.topIds()[r * k + i - 1];
                    assertTrue(z[(int) (r * vocab + prev)] >= z[(int) (r * vocab + id)], "top-k sorted in row " + r);
                }
            }
        }
        System.out.printf("lens read-out: worst entropy error %.2e nats over %d rows of %d logits%n", worst, rows, vocab);
        assertEquals(Math.log(vocab), w.entropy()[0], 1e-5, "a uniform row");
        assertEquals(17, w.topIds()[k], "the near-certain row's winner");
    }
}
