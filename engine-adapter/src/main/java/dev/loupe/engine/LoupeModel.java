package dev.loupe.engine;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

/** SKELETON: signatures are the contract; bodies being written. */
public final class LoupeModel implements AutoCloseable {

    public static LoupeModel open(Path dir) {
        return open(dir, ModelOptions.defaults());
    }

    public static LoupeModel open(Path dir, ModelOptions options) {
        throw new UnsupportedOperationException("in progress");
    }

    public ModelInfo info() {
        throw new UnsupportedOperationException();
    }

    public boolean hasTokenizer() {
        throw new UnsupportedOperationException();
    }

    /** Token ids for text, as the checkpoint's tokenizer.json encodes it (special tokens as the tokenizer adds them). */
    public long[] encode(String text) {
        throw new UnsupportedOperationException();
    }

    public String decode(long[] ids) {
        throw new UnsupportedOperationException();
    }

    /** Every hook name this model exposes, in forward order. */
    public List<String> hookNames() {
        throw new UnsupportedOperationException();
    }

    public RunResult run(RunRequest request) {
        throw new UnsupportedOperationException();
    }

    /** onToken is called with each new token id as it is produced (may be null). */
    public Generation generate(GenerateRequest request, LongConsumer onToken) {
        throw new UnsupportedOperationException();
    }

    public NDManager manager() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
