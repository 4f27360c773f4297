package dev.loupe.engine;

/**
 * What a model reads and what it says, beyond the transformer dimensions every family shares: the part of
 * {@link ModelInfo} that depends on the input kind. Text models have a {@link TextSpec}; vision models will add
 * their own record here (image size, patch size, registers), and code that needs one modality asks for it by
 * type rather than reading fields that mean nothing for the other.
 */
public sealed interface Modality permits TextSpec {

    /** "text", as messages and the model card name the input kind. */
    String kind();
}
