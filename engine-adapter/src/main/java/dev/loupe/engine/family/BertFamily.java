package dev.loupe.engine.family;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonPrimitive;
import dev.loupe.engine.format.HfConfig;
import dev.loupe.engine.format.TensorSource;
import dev.loupe.engine.model.BertNet;
import dev.loupe.engine.model.Weights;
import java.util.Set;

/** BERT-style post-LN encoders (BertModel, BertForMaskedLM, MiniLM sentence encoders). */
public class BertFamily implements ModelFamily {

    @Override
    public String name() {
        return "bert";
    }

    @Override
    public Set<String> modelTypes() {
        return Set.of("bert");
    }

    @Override
    public boolean readsArchitecture(String architecture) {
        return architecture.contains("Bert");
    }

    @Override
    public void validate(HfConfig c) {
        ConfigFields.checkDtype(c);
        ConfigFields.refuseForeign(c, name());
        // position_embedding_type (only "absolute" is implemented) is checked by BertNet.spec.
        ConfigFields.refuseUnless(c, "is_decoder", new JsonPrimitive(false),
                "a causal BERT decoder is not implemented (Loupe runs BERT as a bidirectional encoder)");
        ConfigFields.refuseUnless(c, "add_cross_attention", new JsonPrimitive(false),
                "cross-attention is not implemented");
    }

    @Override
    public Built build(HfConfig config, String modelType, TensorSource source, NDManager manager, DataType compute) {
        DeclaredDepth.layers(config, source, "layer", "num_hidden_layers");
        Weights weights = new Weights(source, manager, compute, "bert", "embeddings.word_embeddings.weight",
                BertNet.prefixes());
        return Built.text(new BertNet(config, weights), weights);
    }
}
