package dev.loupe.plugin.result;

import java.util.List;

/** One score per token (e.g. a probe, a saliency), shown as coloured text. */
public record TokenScoresResult(String title, List<String> tokens, float[] scores, String scoreLabel, boolean diverging)
        implements Result {
    public TokenScoresResult {
        tokens = List.copyOf(tokens);
        if (scores.length != tokens.size()) {
            throw new IllegalArgumentException("one score per token");
        }
    }
}
