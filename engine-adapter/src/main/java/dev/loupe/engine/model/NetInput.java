package dev.loupe.engine.model;

import ai.djl.ndarray.NDArray;
import dev.loupe.engine.LoupeException;

/**
 * What a net embeds, on the pass's manager: the device form of a {@link dev.loupe.engine.input.ModelInput}. A text
 * net reads {@link TokenIds}, a vision net {@link Pixels}; each says which through {@link TransformerNet#inputKinds}.
 */
public sealed interface NetInput {

    /** Token ids [batch, pos], INT64. */
    record TokenIds(NDArray ids) implements NetInput {
    }

    /** Preprocessed pixels [batch, channels, height, width], floating point. */
    record Pixels(NDArray pixels) implements NetInput {
    }

    /** The token ids, for nets that embed tokens; the engine checks the kind first, so this is a programming error. */
    default NDArray tokenIds() {
        if (this instanceof TokenIds t) {
            return t.ids();
        }
        throw new LoupeException("this network embeds token ids, not pixels");
    }
}
