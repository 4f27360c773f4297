package dev.loupe.engine.family;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.loupe.engine.format.HfConfig;
import dev.loupe.engine.format.TensorSource;
import dev.loupe.engine.model.LlamaNet;
import dev.loupe.engine.model.RopeSpec;
import dev.loupe.engine.model.Weights;
import java.util.Set;

/**
 * The Llama layout: llama, mistral and qwen2 (RMSNorm, rotary embeddings, grouped-query attention, SwiGLU), with
 * rotary settings and per-layer attention kinds read from transformers 4 or 5 configs.
 */
public class LlamaFamily implements ModelFamily {
    private static final String FULL = "full_attention";
    private static final String SLIDING = "sliding_attention";
    private static final int MISTRAL_DEFAULT_WINDOW = 4096;

    @Override
    public String name() {
        return "llama";
    }

    @Override
    public Set<String> modelTypes() {
        return Set.of("llama", "mistral", "qwen2");
    }

    @Override
    public boolean readsArchitecture(String architecture) {
        return architecture.contains("Llama") || architecture.contains("Mistral") || architecture.contains("Qwen2");
    }

    @Override
    public void validate(HfConfig c) {
        ConfigFields.checkDtype(c);
        ConfigFields.refuseForeign(c, name());
        ConfigFields.rope(c);
        String type = c.optString("model_type", name()).toLowerCase(java.util.Locale.ROOT);
        int layers = LlamaNet.spec(c, type).layers();
        // The per-layer check sizes arrays by the declared depth; a hostile depth is refused by build(), against
        // the weights, before anything that size exists.
        if (layers <= DeclaredDepth.MAX_APPLIED_LAYERS) {
            slidingWindows(c, type, layers);
        }
    }

    @Override
    public Built build(HfConfig c, String modelType, TensorSource source, NDManager manager, DataType compute) {
        DeclaredDepth.layers(c, source, "layers", "num_hidden_layers");
        RopeSpec rope = ConfigFields.rope(c);
        int[] windows = slidingWindows(c, modelType, LlamaNet.spec(c, modelType).layers());
        Weights weights = new Weights(source, manager, compute, modelType, "embed_tokens.weight", LlamaNet.prefixes());
        return Built.text(new LlamaNet(c, modelType, rope, windows, weights), weights);
    }

    /**
     * Per-layer sliding window (0 = full causal attention), as transformers' models apply it. Llama: none, and
     * layer_types may only say full_attention. Mistral: sliding_window on every layer (4096 when absent, none when
     * null); layer_types, which MistralModel ignores, must agree. Qwen2: only with use_sliding_window, then on the
     * layers layer_types marks sliding_attention, or, in transformers 4 configs without layer_types, from
     * max_window_layers (default 28) on.
     */
    static int[] slidingWindows(HfConfig c, String modelType, int layers) {
        int[] out = new int[layers];
        switch (modelType) {
            case "mistral" -> {
                int window = window(c, MISTRAL_DEFAULT_WINDOW);
                String expected = window > 0 ? SLIDING : FULL;
                ConfigFields.layerTypes(c, layers, Set.of(expected));
                java.util.Arrays.fill(out, window);
            }
            case "qwen2" -> {
                boolean sliding = c.optBoolean("use_sliding_window", false);
                int window = sliding ? window(c, MISTRAL_DEFAULT_WINDOW) : 0;
                String[] types = ConfigFields.layerTypes(c, layers, Set.of(FULL, SLIDING));
                int from = c.optInt("max_window_layers", 28);
                for (int l = 0; l < layers; l++) {
                    boolean slides = types != null ? types[l].equals(SLIDING) : l >= from;
                    out[l] = slides ? window : 0;
                }
            }
            default -> ConfigFields.layerTypes(c, layers, Set.of(FULL));
        }
        return out;
    }

    /** sliding_window: {@code absent} when the field is missing, 0 (none) when it is null. */
    private static int window(HfConfig c, int absent) {
        if (c.json().has("sliding_window") && c.json().get("sliding_window").isJsonNull()) {
            return 0;
        }
        return c.has("sliding_window") ? c.requireInt("sliding_window", 1) : absent;
    }
}
