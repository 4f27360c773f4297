package dev.loupe.plugins.attention;

import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.engine.testing.TestCheckpoints.Spec;
import java.nio.file.Path;

/** Random test checkpoints, and the patterns read straight from a run's cache with plain Java indexing. */
final class Models {
    private Models() {
    }

    static LoupeModel open(Path dir, Spec spec) {
        return LoupeModel.open(TestCheckpoints.write(dir, spec));
    }

    /** patterns[layer][head][query][key] of batch row 0. */
    static float[][][][] patterns(LoupeModel model, String prompt) {
        long[] ids = model.encode(prompt);
        int layers = model.info().layers();
        int heads = model.info().heads();
        int t = ids.length;
        float[][][][] out = new float[layers][heads][t][t];
        try (RunResult run = model.run(RunRequest.of(ids).capture("blocks.*.attn.hook_pattern"))) {
            for (int l = 0; l < layers; l++) {
                float[] v = run.cache().floats("blocks." + l + ".attn.hook_pattern");
                for (int h = 0; h < heads; h++) {
                    for (int q = 0; q < t; q++) {
                        System.arraycopy(v, (h * t + q) * t, out[l][h][q], 0, t);
                    }
                }
            }
        }
        return out;
    }

    /** Mean over heads, [layer][query][key]. */
    static float[][][] headMean(float[][][][] p) {
        int t = p[0][0].length;
        float[][][] out = new float[p.length][t][t];
        for (int l = 0; l < p.length; l++) {
            for (int q = 0; q < t; q++) {
                for (int k = 0; k < t; k++) {
                    double sum = 0;
                    for (float[][] head : p[l]) {
                        sum += head[q][k];
                    }
                    out[l][q][k] = (float) (sum / p[l].length);
                }
            }
        }
        return out;
    }
}
