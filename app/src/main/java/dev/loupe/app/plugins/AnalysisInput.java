package dev.loupe.app.plugins;

import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.input.ModelInput;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What the user asked a plugin to run on, before the model has seen it: a prompt or token ids given directly.
 * Exactly one is set. {@link #prepare} turns it into the model's input once per run; the session records that
 * prepared input and the plugin runs on it.
 */
public record AnalysisInput(String text, long[] tokens) {

    public AnalysisInput {
        if ((text == null) == (tokens == null)) {
            throw new IllegalArgumentException("an input is either text or token ids");
        }
        if (text != null && text.isEmpty()) {
            throw new IllegalArgumentException("the prompt is empty");
        }
        if (tokens != null) {
            if (tokens.length == 0) {
                throw new IllegalArgumentException("the input has no tokens");
            }
            tokens = tokens.clone();
        }
    }

    public static AnalysisInput ofText(String prompt) {
        return new AnalysisInput(prompt, null);
    }

    public static AnalysisInput ofTokens(long... ids) {
        return new AnalysisInput(null, ids);
    }

    public boolean isText() {
        return text != null;
    }

    @Override
    public long[] tokens() {
        return tokens == null ? null : tokens.clone();
    }

    /** The input as this model runs it: the prompt tokenized and labelled, or the ids labelled. */
    public ModelInput prepare(LoupeModel model) {
        return isText() ? model.prepareText(text) : model.prepareTokens(tokens);
    }

    /** For logs and provenance: the prompt, or "tokens 1,2,3". */
    public String describe() {
        return isText() ? text : "tokens " + Arrays.stream(tokens).mapToObj(Long::toString).collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AnalysisInput a && java.util.Objects.equals(text, a.text) && Arrays.equals(tokens, a.tokens);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Objects.hashCode(text) + Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "AnalysisInput[" + describe() + "]";
    }
}
