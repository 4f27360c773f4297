package dev.loupe.engine;

import ai.djl.ndarray.NDArray;
import dev.loupe.engine.input.ModelInput;

/**
 * The outcome of one forward pass. {@code logits} [batch, pos, d_vocab] is null for an encoder without a language
 * modelling head; {@code lastHiddenState} [batch, pos, d_model] is the output of the final block (after the final
 * norm for pre-norm models: Hugging Face's {@code last_hidden_state}). Both belong to the cache's manager.
 * {@code input} is the request's, as run.
 */
public record RunResult(ModelInput input, NDArray logits, NDArray lastHiddenState, ActivationCache cache)
        implements AutoCloseable {

    @Override
    public void close() {
        cache.close();
    }
}
