package dev.loupe.engine.family;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonPrimitive;
import dev.loupe.engine.format.HfConfig;
import dev.loupe.engine.format.TensorSource;
import dev.loupe.engine.model.Gpt2Net;
import dev.loupe.engine.model.Weights;
import java.util.Set;

/** GPT-2 (GPT2LMHeadModel): learned positions, pre-LN blocks, Conv1D weights. */
public class Gpt2Family implements ModelFamily {

    @Override
    public String name() {
        return "gpt2";
    }

    @Override
    public Set<String> modelTypes() {
        return Set.of("gpt2");
    }

    @Override
    public boolean readsArchitecture(String architecture) {
        return architecture.contains("GPT2");
    }

    @Override
    public void validate(HfConfig c) {
        ConfigFields.checkDtype(c);
        ConfigFields.refuseForeign(c, name());
        // Implemented: scale_attn_by_inverse_layer_idx; reorder_and_upcast_attn only changes rounding (Loupe's F32
        // attention is already upcast).
        ConfigFields.refuseUnless(c, "scale_attn_weights", new JsonPrimitive(true),
                "unscaled attention scores are not implemented (Loupe divides by sqrt(d_head), as GPT-2 does)");
        ConfigFields.refuseUnless(c, "add_cross_attention", new JsonPrimitive(false),
                "cross-attention (an encoder-decoder GPT-2) is not implemented");
    }

    @Override
    public Built build(HfConfig config, String modelType, TensorSource source, NDManager manager, DataType compute) {
        DeclaredDepth.layers(config, source, "h", "n_layer", "num_hidden_layers");
        DeclaredDepth.checkSchedule(config);
        Weights weights = new Weights(source, manager, compute, "gpt2", "wte.weight", Gpt2Net.prefixes());
        return Built.text(new Gpt2Net(config, weights), weights);
    }
}
