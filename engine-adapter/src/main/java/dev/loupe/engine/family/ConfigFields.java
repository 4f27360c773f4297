package dev.loupe.engine.family;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import dev.loupe.engine.format.HfConfig;
import dev.loupe.engine.model.RopeSpec;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * config.json fields whose spelling changed between transformers 4 and 5, read in either layout, and the fields
 * that change a forward pass in ways Loupe does not implement, refused by name. The families share these; what
 * each family implements is listed in docs/decisions/0001-registered-model-families.md.
 */
final class ConfigFields {
    private ConfigFields() {
    }

    /** A field that changes the maths when it is present with any value other than {@code harmless}. */
    private record Unimplemented(String field, JsonPrimitive harmless, String what) {
    }

    /**
     * Fields of other architectures (Gemma 2, Granite, OLMo 2, Qwen 3, GPT-NeoX, ...) that a config of a family
     * Loupe runs could carry; transformers' modelling code for that family would ignore some of them, but a
     * checkpoint that has them was almost certainly made for a model that uses them.
     */
    private static final List<Unimplemented> FOREIGN = List.of(
            new Unimplemented("attn_logit_softcapping", null, "attention logit soft-capping"),
            new Unimplemented("final_logit_softcapping", null, "final logit soft-capping"),
            new Unimplemented("query_pre_attn_scalar", null, "a query scale other than 1/sqrt(head_dim)"),
            new Unimplemented("attention_multiplier", null, "an attention multiplier"),
            new Unimplemented("embedding_multiplier", null, "an embedding multiplier"),
            new Unimplemented("residual_multiplier", null, "a residual multiplier"),
            new Unimplemented("logits_scaling", null, "logit scaling"),
            new Unimplemented("use_qk_norm", new JsonPrimitive(false), "query/key norms"),
            new Unimplemented("qk_layernorm", new JsonPrimitive(false), "query/key norms"),
            new Unimplemented("qk_norm", new JsonPrimitive(false), "query/key norms"),
            new Unimplemented("use_parallel_residual", new JsonPrimitive(false), "parallel attention and MLP"),
            new Unimplemented("rotary_pct", new JsonPrimitive(1.0), "partial rotary embeddings"),
            new Unimplemented("partial_rotary_factor", new JsonPrimitive(1.0), "partial rotary embeddings"));

    /** Refuses every {@link #FOREIGN} field present with a value that changes the forward pass. */
    static void refuseForeign(HfConfig c, String family) {
        for (Unimplemented u : FOREIGN) {
            refuseUnless(c, u.field(), u.harmless(), u.what() + ", which Loupe's " + family + " family does not implement");
        }
    }

    /** Refuses {@code field} when present, not null and not equal to {@code harmless} (null: any value refuses). */
    static void refuseUnless(HfConfig c, String field, JsonPrimitive harmless, String why) {
        if (!c.has(field)) {
            return;
        }
        JsonElement v = c.json().get(field);
        boolean same = harmless != null && v.isJsonPrimitive() && (harmless.isNumber() && v.getAsJsonPrimitive().isNumber()
                ? harmless.getAsDouble() == v.getAsDouble() : harmless.equals(v));
        if (!same) {
            throw c.bad(field, "is " + v + ": " + why);
        }
    }

    private static final Set<String> DTYPES = Set.of("float32", "float16", "bfloat16", "float64", "auto");

    /**
     * The declared parameter dtype: transformers 5's {@code dtype}, else transformers 4's {@code torch_dtype}. Loupe
     * takes each tensor's dtype from the safetensors header and computes in the precision asked for, so this is
     * only checked to be a dtype.
     */
    static void checkDtype(HfConfig c) {
        for (String field : new String[] {"dtype", "torch_dtype"}) {
            if (c.has(field)) {
                String v = c.requireString(field).replace("torch.", "");
                if (!DTYPES.contains(v)) {
                    throw c.bad(field, "is \"" + v + "\"; expected one of " + String.join(", ", DTYPES.stream().sorted().toList()));
                }
            }
        }
    }

    /** The rope types Rotary implements, with the fields each needs beyond rope_type and rope_theta. */
    private static final Map<String, List<String>> ROPE_TYPES = Map.of(
            "default", List.of(),
            "linear", List.of("factor"),
            "dynamic", List.of("factor"),
            "llama3", List.of("factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings"));

    /** The fields of a rotary section Loupe reads; any other key holding an object is a per-layer-type section. */
    private static final Set<String> ROPE_FIELDS = Set.of("rope_type", "type", "rope_theta", "factor", "low_freq_factor",
            "high_freq_factor", "original_max_position_embeddings", "partial_rotary_factor");

    /**
     * Rotary settings in either layout: transformers 5's {@code rope_parameters} ({"rope_type", "rope_theta", scaling
     * fields}), or transformers 4's top-level {@code rope_theta} with an optional {@code rope_scaling} ({"type" or
     * "rope_type", scaling fields}). rope_theta defaults to 10000 when neither layout gives one, as in both versions.
     */
    static RopeSpec rope(HfConfig c) {
        HfConfig v5 = c.optSection("rope_parameters");
        HfConfig v4 = c.optSection("rope_scaling");
        if (v5 != null && v4 != null) {
            throw c.bad("rope_scaling", "is given beside rope_parameters; a config should use one layout (transformers 5 writes rope_parameters)");
        }
        HfConfig section = v5 != null ? v5 : v4;
        if (v5 != null) {
            for (String key : v5.json().keySet()) {
                if (v5.json().get(key).isJsonObject() && !ROPE_FIELDS.contains(key)) {
                    throw v5.bad(key, "gives rotary settings per layer type; Loupe applies one rotary setting to every layer");
                }
            }
        }
        double theta = section != null && section.has("rope_theta") ? section.requireDouble("rope_theta")
                : c.optDouble("rope_theta", 10000.0);
        if (!(theta > 0) || Double.isInfinite(theta)) {
            throw (section != null && section.has("rope_theta") ? section : c).bad("rope_theta", "must be a positive number, found " + theta);
        }
        if (section == null) {
            return RopeSpec.standard(theta);
        }
        if (section.has("partial_rotary_factor") && section.requireDouble("partial_rotary_factor") != 1.0) {
            throw section.bad("partial_rotary_factor", "is " + section.requireDouble("partial_rotary_factor")
                    + ": partial rotary embeddings are not part of the Llama layout Loupe implements");
        }
        String key = section.has("rope_type") ? "rope_type" : "type";
        String type = section.optString(key, "default").toLowerCase(Locale.ROOT);
        List<String> needs = ROPE_TYPES.get(type);
        if (needs == null) {
            throw section.bad(key, "is \"" + type + "\", which Loupe does not implement (it implements "
                    + String.join(", ", ROPE_TYPES.keySet().stream().sorted().toList()) + ")");
        }
        for (String n : needs) {
            if (!section.has(n)) {
                throw section.bad(n, "is missing: rope_type " + type + " needs " + String.join(", ", needs));
            }
        }
        double factor = needs.contains("factor") ? positive(section, "factor") : 1.0;
        if (type.equals("llama3")) {
            return new RopeSpec(type, theta, factor, positive(section, "low_freq_factor"),
                    positive(section, "high_freq_factor"), positive(section, "original_max_position_embeddings"));
        }
        return new RopeSpec(type, theta, factor, Double.NaN, Double.NaN, Double.NaN);
    }

    private static double positive(HfConfig section, String field) {
        double v = section.requireDouble(field);
        if (!(v > 0) || Double.isInfinite(v)) {
            throw section.bad(field, "must be a positive number, found " + v);
        }
        return v;
    }

    /**
     * transformers 5's per-layer attention kinds, each checked against {@code implemented}; null when the config
     * has no layer_types (transformers 4 configs, and families without them).
     */
    static String[] layerTypes(HfConfig c, int layers, Set<String> implemented) {
        if (!c.has("layer_types")) {
            return null;
        }
        JsonElement types = c.json().get("layer_types");
        if (!types.isJsonArray() || types.getAsJsonArray().size() != layers) {
            throw c.bad("layer_types", "must list one attention type per layer (" + layers + "), found " + types);
        }
        String[] out = new String[layers];
        for (int l = 0; l < layers; l++) {
            JsonElement e = types.getAsJsonArray().get(l);
            String t = e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
            if (t == null || !implemented.contains(t)) {
                throw c.bad("layer_types", "entry " + l + " is " + e + ", which Loupe does not implement here (it implements "
                        + String.join(", ", implemented.stream().sorted().toList()) + ")");
            }
            out[l] = t;
        }
        return out;
    }
}
