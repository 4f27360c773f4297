package dev.loupe.engine.input;

import dev.loupe.engine.LoupeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Token ids in equal-length batch rows, with the text each row was encoded from (none when ids were given) and a
 * display label per token (none for an unlabelled input such as {@code RunRequest.of(ids)}). Made labelled by the
 * model ({@code LoupeModel.prepareText} / {@code prepareTokens}), which knows its tokenizer.
 *
 * @param ids    batch rows of token ids, all the same non-zero length
 * @param texts  one text per row, or empty when the input was given as ids
 * @param rowLabels one list of labels per row (one label per id), or empty when unlabelled
 */
public record TokenInput(long[][] ids, List<String> texts, List<List<String>> rowLabels) implements ModelInput {

    public TokenInput {
        Objects.requireNonNull(ids, "ids");
        if (ids.length == 0 || ids[0] == null || ids[0].length == 0) {
            throw new LoupeException("the input has no tokens");
        }
        long[][] copy = new long[ids.length][];
        for (int r = 0; r < ids.length; r++) {
            if (ids[r] == null || ids[r].length != ids[0].length) {
                throw new LoupeException("batch rows must have equal length: row " + r + " has "
                        + (ids[r] == null ? 0 : ids[r].length) + " tokens, row 0 has " + ids[0].length);
            }
            copy[r] = ids[r].clone();
        }
        ids = copy;
        texts = List.copyOf(texts);
        if (!texts.isEmpty() && texts.size() != ids.length) {
            throw new LoupeException(texts.size() + " texts for " + ids.length + " batch rows");
        }
        for (String t : texts) {
            if (t.isEmpty()) {
                throw new LoupeException("the prompt is empty");
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (List<String> row : rowLabels) {
            rows.add(List.copyOf(row));
        }
        rowLabels = List.copyOf(rows);
        if (!rowLabels.isEmpty()) {
            if (rowLabels.size() != ids.length) {
                throw new LoupeException(rowLabels.size() + " label rows for " + ids.length + " batch rows");
            }
            for (int r = 0; r < ids.length; r++) {
                if (rowLabels.get(r).size() != ids[r].length) {
                    throw new LoupeException(rowLabels.get(r).size() + " token labels for " + ids[r].length
                            + " tokens (row " + r + ")");
                }
            }
        }
    }

    /** Ids without text or labels: what the engine's own tests and sweeps run. */
    public static TokenInput ofIds(long... ids) {
        return new TokenInput(new long[][] {ids}, List.of(), List.of());
    }

    /** Batch rows without text or labels. */
    public static TokenInput ofBatch(long[][] rows) {
        return new TokenInput(rows, List.of(), List.of());
    }

    /** One row with its labels and, when it came from a prompt, its text (null for ids given directly). */
    public static TokenInput of(String text, long[] ids, List<String> labels) {
        return new TokenInput(new long[][] {ids}, text == null ? List.of() : List.of(text), List.of(labels));
    }

    @Override
    public InputKind kind() {
        return InputKind.TEXT;
    }

    @Override
    public long[][] ids() {
        long[][] copy = new long[ids.length][];
        for (int r = 0; r < ids.length; r++) {
            copy[r] = ids[r].clone();
        }
        return copy;
    }

    /** Row 0's token ids. */
    public long[] tokens() {
        return ids[0].clone();
    }

    /** Row 0's text, or null when the ids were given directly. */
    public String text() {
        return texts.isEmpty() ? null : texts.get(0);
    }

    @Override
    public int batchSize() {
        return ids.length;
    }

    @Override
    public int positions() {
        return ids[0].length;
    }

    @Override
    public List<String> labels() {
        return rowLabels.isEmpty() ? List.of() : rowLabels.get(0);
    }

    /** Row-major copy of every row's ids, the [batch, pos] layout the engine creates its array from. */
    public long[] flatIds() {
        long[] out = new long[ids.length * ids[0].length];
        for (int r = 0; r < ids.length; r++) {
            System.arraycopy(ids[r], 0, out, r * ids[0].length, ids[0].length);
        }
        return out;
    }

    @Override
    public String describe() {
        if (!texts.isEmpty()) {
            return texts.size() == 1 ? texts.get(0) : texts.size() + " prompts";
        }
        String row0 = Arrays.stream(ids[0]).mapToObj(Long::toString).collect(Collectors.joining(","));
        return ids.length == 1 ? "tokens " + row0 : ids.length + " rows of tokens";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenInput t && Arrays.deepEquals(ids, t.ids) && texts.equals(t.texts)
                && rowLabels.equals(t.rowLabels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.deepHashCode(ids), texts, rowLabels);
    }

    @Override
    public String toString() {
        return "TokenInput[" + describe() + "]";
    }
}
