package dev.loupe.engine.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.loupe.engine.format.ModelFormatException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A checkpoint's tokenizer.json, run by Hugging Face's tokenizers library (through DJL's bundled native build).
 * Special tokens are added as the file's post-processor says (BERT's [CLS] ... [SEP]); nothing is truncated.
 */
public final class ModelTokenizer implements AutoCloseable {
    private final Path file;
    private final HuggingFaceTokenizer tokenizer;

    private ModelTokenizer(Path file, HuggingFaceTokenizer tokenizer) {
        this.file = file;
        this.tokenizer = tokenizer;
    }

    public static ModelTokenizer load(Path file) {
        try {
            HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(file,
                    Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
            return new ModelTokenizer(file, t);
        } catch (Exception | UnsatisfiedLinkError e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new ModelFormatException(file + ": not a tokenizer Loupe can load (" + why + ")", e);
        }
    }

    public Path file() {
        return file;
    }

    public long[] encode(String text) {
        return tokenizer.encode(text).getIds();
    }

    /**
     * The tokens of {@code text} alone, without the special tokens the post-processor adds around a whole input
     * (BOS, [CLS] ... [SEP]): how a word typed as a target or a steering term reads inside a prompt.
     */
    public long[] encodePiece(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    /** The token strings the tokenizer produced for {@code text}, aligned with {@link #encode}. */
    public String[] tokens(String text) {
        Encoding e = tokenizer.encode(text);
        return e.getTokens();
    }

    public String decode(long[] ids) {
        return tokenizer.decode(ids, false);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
