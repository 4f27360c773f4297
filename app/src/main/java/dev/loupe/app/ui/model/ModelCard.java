package dev.loupe.app.ui.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.loupe.app.ui.Formats;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.TextSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The model card's rows, from ModelInfo alone (also used for a session's model that is no longer on disk). */
public final class ModelCard {
    public record Row(String name, String value) {
    }

    private ModelCard() {
    }

    static List<Row> rows(ModelInfo m) {
        List<Row> rows = new ArrayList<>();
        String family = m.family().equals(m.modelType()) ? m.family() : m.family() + " (" + m.modelType() + ")";
        rows.add(new Row("Family", family + (m.causal() ? ", causal" : ", encoder")));
        rows.add(new Row("Layers", m.blockSchedule().isEmpty() ? Integer.toString(m.layers())
                : m.layers() + " (schedule " + String.join(" ", m.blockSchedule()) + ")"));
        rows.add(new Row("Heads", Integer.toString(m.heads())));
        rows.add(new Row("KV heads", Integer.toString(m.kvHeads())));
        rows.add(new Row("d_model", m.dModel() + " (d_head " + m.dHead() + ", d_mlp " + m.dMlp() + ")"));
        rows.add(new Row("Vocabulary", Formats.grouped(m.dVocab())));
        rows.add(new Row("Context", Formats.grouped(m.contextLength()) + " tokens"));
        rows.add(new Row("Parameters", Formats.count(m.parameterCount()) + " (" + Formats.grouped(m.parameterCount()) + ")"));
        rows.add(new Row("Device", m.device()));
        rows.add(new Row("dtype", m.storageDtype().equals(m.computeDtype()) ? m.storageDtype()
                : m.storageDtype() + " stored, " + m.computeDtype() + " compute"));
        rows.add(new Row("Memory", "≈ " + Formats.bytes(weightBytes(m)) + " of weights"));
        return rows;
    }

    /**
     * A model card as a session stored it ({@code ModelInfo.toJson()}), for a model that is no longer on disk;
     * null when the stored card lacks what the card shows.
     */
    public static ModelInfo infoFromJson(JsonObject o, Path path) {
        try {
            List<String> schedule = new ArrayList<>();
            if (o.get("block_schedule") instanceof JsonArray a) {
                a.forEach(e -> schedule.add(e.getAsString()));
            }
            return new ModelInfo(o.get("family").getAsString(), o.get("model_type").getAsString(),
                    o.get("layers").getAsInt(), o.get("heads").getAsInt(), o.get("kv_heads").getAsInt(),
                    o.get("d_model").getAsInt(), o.get("d_head").getAsInt(), o.get("d_mlp").getAsInt(),
                    o.get("parameters").getAsLong(), o.get("dtype").getAsString(),
                    o.get("compute_dtype").getAsString(), o.get("device").getAsString(),
                    o.get("causal").getAsBoolean(), schedule, path,
                    new TextSpec(o.get("d_vocab").getAsInt(), o.get("context_length").getAsInt(),
                            o.get("lm_head").getAsBoolean()));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** What the weights take on the device in the compute dtype; activations of a run come on top. */
    static long weightBytes(ModelInfo m) {
        return m.parameterCount() * ("F16".equals(m.computeDtype()) || "BF16".equals(m.computeDtype()) ? 2 : 4);
    }
}
