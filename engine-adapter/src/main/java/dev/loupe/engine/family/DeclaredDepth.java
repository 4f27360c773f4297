package dev.loupe.engine.family;

import dev.loupe.engine.format.HfConfig;
import dev.loupe.engine.format.TensorSource;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The depth a config declares, checked against the weights before anything is allocated. A config saying
 * {@code n_layer: 1000000000} on a 4-layer checkpoint would otherwise size per-layer arrays and hook lists by the
 * billion and end, a minute later, in an out-of-memory message that blames the heap.
 */
final class DeclaredDepth {
    /** More applied layers than this (a recurrent schedule repeating blocks) is refused: no model is that deep. */
    static final int MAX_APPLIED_LAYERS = 10_000;

    private DeclaredDepth() {
    }

    /**
     * The number of distinct layers the first present of {@code fields} declares, after checking that the
     * checkpoint holds tensors for each: {@code layerSegment} is the name part before a layer's index ("h" for
     * GPT-2's h.3.attn..., "layers" for Llama, "layer" for BERT's encoder.layer.3...).
     */
    static int layers(HfConfig c, TensorSource source, String layerSegment, String... fields) {
        String field = null;
        for (String f : fields) {
            if (c.has(f)) {
                field = f;
                break;
            }
        }
        if (field == null) {
            return c.requireIntAlias(fields); // says which field is missing
        }
        int declared = c.requireInt(field, 1);
        Pattern layer = Pattern.compile("(?:^|\\.)" + Pattern.quote(layerSegment) + "\\.(\\d{1,9})\\.");
        int stored = 0;
        for (String name : source.names()) {
            Matcher m = layer.matcher(name);
            if (m.find()) {
                stored = Math.max(stored, Integer.parseInt(m.group(1)) + 1);
            }
        }
        if (declared > stored) {
            throw c.bad(field, "is " + declared + ", but the weights hold " + stored + " layer" + (stored == 1 ? "" : "s")
                    + (stored == 0 ? "" : " (" + layerSegment + ".0 .. " + layerSegment + "." + (stored - 1) + ")"));
        }
        return declared;
    }

    /** A recurrent block_schedule's length, refused past {@link #MAX_APPLIED_LAYERS} before it is read. */
    static void checkSchedule(HfConfig c) {
        if (c.json().has("block_schedule") && c.json().get("block_schedule").isJsonArray()) {
            int n = c.json().getAsJsonArray("block_schedule").size();
            if (n > MAX_APPLIED_LAYERS) {
                throw c.bad("block_schedule", "has " + n + " entries; Loupe runs at most " + MAX_APPLIED_LAYERS
                        + " applied layers");
            }
        }
    }
}
