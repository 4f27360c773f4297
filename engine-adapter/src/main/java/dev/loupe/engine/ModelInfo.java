package dev.loupe.engine;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;

/**
 * What a loaded model is, as the model card and {@code loupe info} show it.
 *
 * @param family        gpt2, llama, bert or looped
 * @param modelType     the config's model_type (llama, mistral, qwen2, bert, ...)
 * @param layers        applied layers (hook index range blocks.0 .. blocks.{layers-1})
 * @param blockSchedule for recurrent-depth models, the distinct block applied at each layer (e.g. A A A B B B); empty
 *                      otherwise
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
        int dVocab,
        int contextLength,
        long parameterCount,
        String storageDtype,
        String computeDtype,
        String device,
        boolean causal,
        boolean hasLmHead,
        List<String> blockSchedule,
        Path path) {

    public ModelInfo {
        blockSchedule = List.copyOf(blockSchedule);
    }

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
        o.addProperty("d_vocab", dVocab);
        o.addProperty("context_length", contextLength);
        o.addProperty("parameters", parameterCount);
        o.addProperty("dtype", storageDtype);
        o.addProperty("compute_dtype", computeDtype);
        o.addProperty("device", device);
        o.addProperty("causal", causal);
        o.addProperty("lm_head", hasLmHead);
        if (!blockSchedule.isEmpty()) {
            JsonArray s = new JsonArray();
            blockSchedule.forEach(s::add);
            o.add("block_schedule", s);
        }
        o.addProperty("path", path.toAbsolutePath().toString());
        return o;
    }
}
