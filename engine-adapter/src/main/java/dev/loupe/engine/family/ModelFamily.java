package dev.loupe.engine.family;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.loupe.engine.Modality;
import dev.loupe.engine.TextSpec;
import dev.loupe.engine.format.HfConfig;
import dev.loupe.engine.format.TensorSource;
import dev.loupe.engine.model.NetSpec;
import dev.loupe.engine.model.TransformerNet;
import dev.loupe.engine.model.Weights;
import java.util.List;
import java.util.Set;

/**
 * One architecture Loupe runs natively: which config.json it reads, what in that config it refuses, and how it
 * builds its network. Families are discovered by {@link ModelFamilies} through {@link java.util.ServiceLoader}
 * (the built-ins are declared in this module's META-INF/services), so adding one is one class and one line.
 *
 * <p>Implementations are stateless and need a public no-argument constructor.
 */
public interface ModelFamily {

    /** The network a family built: its weights (for the parameter count and storage dtype) and its input side. */
    record Built(TransformerNet net, Weights weights, Modality modality) {

        /** A token model: its modality comes from the net's vocabulary, context and head. */
        public static Built text(TransformerNet net, Weights weights) {
            NetSpec s = net.spec();
            return new Built(net, weights, new TextSpec(s.dVocab(), s.contextLength(), s.hasLmHead()));
        }
    }

    /** The family's name, as {@link dev.loupe.engine.ModelInfo#family()} reports it for plain models. */
    String name();

    /** The config.json model_type values this family reads, in lower case. */
    Set<String> modelTypes();

    /**
     * For a config without model_type: whether this family reads a model whose architectures list names
     * {@code architecture} (e.g. "GPT2LMHeadModel").
     */
    default boolean readsArchitecture(String architecture) {
        return false;
    }

    /**
     * Refuses, with a ModelFormatException naming the field, every config field that would change the forward pass
     * in a way this family does not implement. Called before any weight is read.
     */
    void validate(HfConfig config);

    /**
     * Builds the network from a validated config and the checkpoint's tensors, on {@code manager}, computing in
     * {@code computeType}.
     *
     * @param modelType the config's model_type, lower case (one of {@link #modelTypes()}, or this family's name
     *                  for a config that has none)
     */
    Built build(HfConfig config, String modelType, TensorSource source, NDManager manager, DataType computeType);

    /**
     * The hooks a model built by this family exposes, in forward order (TransformerLens names; per-family extras
     * such as Llama's attn.hook_rot_q or BERT's embed.ln.hook_normalized).
     */
    default List<String> hookNames(Built built) {
        return built.net().hookNames();
    }
}
