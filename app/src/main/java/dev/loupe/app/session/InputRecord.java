package dev.loupe.app.session;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A model input: a prompt and/or the token ids it became, with the tokens' display labels (what the views show on
 * their axes). A run given token ids directly has no text.
 */
public record InputRecord(String text, long[] tokenIds, List<String> tokenLabels) {

    public InputRecord {
        if (text == null && tokenIds == null) {
            throw new IllegalArgumentException("an input needs its text or its token ids");
        }
        tokenIds = tokenIds == null ? null : tokenIds.clone();
        tokenLabels = tokenLabels == null ? List.of() : List.copyOf(tokenLabels);
        if (!tokenLabels.isEmpty() && (tokenIds == null || tokenLabels.size() != tokenIds.length)) {
            throw new IllegalArgumentException("token labels need one label per token id");
        }
    }

    public static InputRecord ofText(String text, long[] tokenIds, List<String> tokenLabels) {
        return new InputRecord(Objects.requireNonNull(text, "text"), tokenIds, tokenLabels);
    }

    public static InputRecord ofTokens(long[] tokenIds, List<String> tokenLabels) {
        return new InputRecord(null, Objects.requireNonNull(tokenIds, "tokenIds"), tokenLabels);
    }

    @Override
    public long[] tokenIds() {
        return tokenIds == null ? null : tokenIds.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputRecord r && Objects.equals(text, r.text) && Arrays.equals(tokenIds, r.tokenIds)
                && tokenLabels.equals(r.tokenLabels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(text, Arrays.hashCode(tokenIds), tokenLabels);
    }

    @Override
    public String toString() {
        return "InputRecord[text=" + text + ", tokenIds=" + Arrays.toString(tokenIds) + ", tokenLabels=" + tokenLabels + "]";
    }
}
