package dev.loupe.engine;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a loaded model is, as the model card and {@code loupe info} show it: the transformer dimensions every family
 * has, and the input side apart in {@link #modality()}.
 *
 * @param family        the registered family that read it (gpt2, llama, bert, looped)
 * @param modelType     the config's model_type (llama, mistral, qwen2, bert, ...)
 * @param layers        applied layers (hook index range blocks.0 .. blocks.{layers-1})
 * @param blockSchedule for recurrent-depth models, the distinct block applied at each layer (e.g. A A A B B B); empty
 *                      otherwise
 * @param modality      what the model reads: a {@link TextSpec} for token models
 */
public record ModelInfo(
        String family,
        String modelType,
        int layers,
        int heads,
        int kvHeads,
        int dModel,
        int dHead,
        int dMlp,
        long parameterCount,
        String storageDtype,
        String computeDtype,
        String device,
        boolean causal,
        List<String> blockSchedule,
        Path path,
        Modality modality) {

    public ModelInfo {
        blockSchedule = List.copyOf(blockSchedule);
        Objects.requireNonNull(modality, "modality");
    }

    /** The text side; a LoupeException naming the modality for a model that does not read tokens. */
    public TextSpec text() {
        if (modality instanceof TextSpec t) {
            return t;
        }
        throw new LoupeException(path.getFileName() + " is a " + modality.kind() + " model; it reads no tokens");
    }

    public boolean isText() {
        return modality instanceof TextSpec;
    }

    /** Shorthand for {@code text().dVocab()}. */
    public int dVocab() {
        return text().dVocab();
    }

    /** Shorthand for {@code text().contextLength()}. */
    public int contextLength() {
        return text().contextLength();
    }

    /** Whether the model has an unembedding (false for a model without text output). */
    public boolean hasLmHead() {
        return modality instanceof TextSpec t && t.hasLmHead();
    }

    /** The card as JSON; a text model's fields keep the order `loupe info` has always printed. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("family", family);
        o.addProperty("model_type", modelType);
        o.addProperty("layers", layers);
        o.addProperty("heads", heads);
        o.addProperty("kv_heads", kvHeads);
        o.addProperty("d_model", dModel);
        o.addProperty("d_head", dHead);
        o.addProperty("d_mlp", dMlp);
        if (modality instanceof TextSpec t) {
            o.addProperty("d_vocab", t.dVocab());
            o.addProperty("context_length", t.contextLength());
        }
        o.addProperty("parameters", parameterCount);
        o.addProperty("dtype", storageDtype);
        o.addProperty("compute_dtype", computeDtype);
        o.addProperty("device", device);
        o.addProperty("causal", causal);
        if (modality instanceof TextSpec t) {
            o.addProperty("lm_head", t.hasLmHead());
        }
        if (!blockSchedule.isEmpty()) {
            JsonArray s = new JsonArray();
            blockSchedule.forEach(s::add);
            o.add("block_schedule", s);
        }
        o.addProperty("path", path.toAbsolutePath().toString());
        return o;
    }
}
