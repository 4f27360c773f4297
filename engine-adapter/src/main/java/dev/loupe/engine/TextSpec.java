package dev.loupe.engine;

/**
 * The text side of a model: token ids in, and (for language models) next-token logits out.
 *
 * @param dVocab        vocabulary size; token ids are 0..dVocab-1
 * @param contextLength the most tokens one input may have
 * @param hasLmHead     whether the model has an unembedding (causal LMs, BERT with its MLM head)
 */
public record TextSpec(int dVocab, int contextLength, boolean hasLmHead) implements Modality {
    @Override
    public String kind() {
        return "text";
    }
}
