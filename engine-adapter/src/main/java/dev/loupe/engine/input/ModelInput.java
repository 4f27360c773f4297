package dev.loupe.engine.input;

import java.util.List;

/**
 * One forward pass's input, prepared for the model: token ids with their text, or an image's pixels. Plain data (no
 * NDArrays), so hosts can hand it to plugins, record it in a session and pass it to the engine unchanged; the
 * engine moves it to the device when it runs.
 *
 * <p>Each kind's preparation and position labels live with its record: {@link TokenInput} (the model's tokenizer,
 * see {@code LoupeModel.prepareText}), {@link ImageInput} (CLS / register / patch labels).
 */
public sealed interface ModelInput permits TokenInput, ImageInput {

    InputKind kind();

    /** Rows run side by side in one pass (1 for a single prompt or image). */
    int batchSize();

    /** Positions (tokens) per row as the model's blocks see them. */
    int positions();

    /** A display label per position of row 0 (" Paris", "CLS", "patch 3,4"); empty when the input is unlabelled. */
    List<String> labels();

    /** One line for logs and provenance: the prompt, "tokens 1,2,3", or the image's file name. */
    String describe();
}
