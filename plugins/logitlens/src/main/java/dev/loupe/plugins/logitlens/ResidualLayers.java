package dev.loupe.plugins.logitlens;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.RunResult;
import java.util.ArrayList;
import java.util.List;

/**
 * The residual stream the lens reads: resid_pre of every block, then the output of the last block ("final"), as
 * nostalgebraist's logit lens and tuned-lens do. Row 0 is the embedding, row L the model's own output.
 */
final class ResidualLayers {
    private ResidualLayers() {
    }

    static List<String> captures(ModelInfo info) {
        return List.of("blocks.*.hook_resid_pre", "blocks." + (info.layers() - 1) + ".hook_resid_post");
    }

    static List<String> labels(ModelInfo info) {
        List<String> out = new ArrayList<>();
        for (int l = 0; l < info.layers(); l++) {
            out.add(l == 0 ? "embed" : "L" + l + " pre");
        }
        out.add("final");
        return out;
    }

    /** Batch row 0 of each residual, [pos, d_model], created in the plugin's scratch scope. */
    static List<NDArray> residuals(RunResult run, ModelInfo info, NDManager scratch) {
        List<NDArray> out = new ArrayList<>();
        NDIndex row0 = new NDIndex("0");
        for (int l = 0; l < info.layers(); l++) {
            out.add(run.cache().get("blocks." + l + ".hook_resid_pre").get(scratch, row0));
        }
        out.add(run.cache().get("blocks." + (info.layers() - 1) + ".hook_resid_post").get(scratch, row0));
        return out;
    }

    static boolean accepts(ModelInfo info) {
        return info.causal() && info.hasLmHead();
    }
}
