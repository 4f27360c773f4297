package dev.loupe.plugin.result;

import java.util.List;
import java.util.Map;

/**
 * A labelled matrix shown as a heatmap: values row-major [rows x cols], with axis names and per-row / per-column
 * labels (tokens, dimensions, layers). {@code diverging} asks for a colour map centred on zero (differences,
 * signed activations); {@code stats} are summary figures shown beside it.
 *
 * <p>Optional per-cell text: {@code cellText} is drawn inside each cell (the logit lens's top-1 token) and
 * {@code cellDetails} is shown on hover (its top-k tokens with probabilities). Both are null or row-major lists of
 * rows x cols entries.
 *
 * <p>{@code kind} says which view shows it: {@link #MATRIX} (a heatmap) unless the plugin says otherwise, e.g.
 * {@link #ATTENTION} for an attention pattern (heatmap and lines). Views are chosen by this, never by axis labels.
 */
public record MatrixResult(String title, int rows, int cols, float[] values, List<String> rowLabels,
        List<String> colLabels, String rowAxis, String colAxis, String valueLabel, boolean diverging,
        Map<String, Double> stats, List<String> cellText, List<String> cellDetails, String kind) implements Result {

    /** The plain heatmap view. */
    public static final String MATRIX = "matrix";
    /** An attention pattern [query x key]: heatmap and lines views. */
    public static final String ATTENTION = "attention";

    public MatrixResult {
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("a matrix needs a view kind (\"" + MATRIX + "\" for a plain heatmap)");
        }
        if (values.length != (long) rows * cols) {
            throw new IllegalArgumentException("values has " + values.length + " entries for " + rows + "x" + cols);
        }
        if (rowLabels.size() != rows || colLabels.size() != cols) {
            throw new IllegalArgumentException("labels do not match the matrix size");
        }
        if ((cellText != null && cellText.size() != values.length)
                || (cellDetails != null && cellDetails.size() != values.length)) {
            throw new IllegalArgumentException("cell text must have one entry per cell");
        }
        rowLabels = List.copyOf(rowLabels);
        colLabels = List.copyOf(colLabels);
        stats = Map.copyOf(stats);
        cellText = cellText == null ? null : List.copyOf(cellText);
        cellDetails = cellDetails == null ? null : List.copyOf(cellDetails);
    }

    /** A plain heatmap ({@link #MATRIX}), with per-cell text. */
    public MatrixResult(String title, int rows, int cols, float[] values, List<String> rowLabels,
            List<String> colLabels, String rowAxis, String colAxis, String valueLabel, boolean diverging,
            Map<String, Double> stats, List<String> cellText, List<String> cellDetails) {
        this(title, rows, cols, values, rowLabels, colLabels, rowAxis, colAxis, valueLabel, diverging, stats, cellText,
                cellDetails, MATRIX);
    }

    /** A matrix without per-cell text, shown as {@code kind} (e.g. {@link #ATTENTION}). */
    public MatrixResult(String title, int rows, int cols, float[] values, List<String> rowLabels,
            List<String> colLabels, String rowAxis, String colAxis, String valueLabel, boolean diverging,
            Map<String, Double> stats, String kind) {
        this(title, rows, cols, values, rowLabels, colLabels, rowAxis, colAxis, valueLabel, diverging, stats, null, null,
                kind);
    }

    /** A plain heatmap without per-cell text. */
    public MatrixResult(String title, int rows, int cols, float[] values, List<String> rowLabels,
            List<String> colLabels, String rowAxis, String colAxis, String valueLabel, boolean diverging,
            Map<String, Double> stats) {
        this(title, rows, cols, values, rowLabels, colLabels, rowAxis, colAxis, valueLabel, diverging, stats, null, null, MATRIX);
    }

    public float get(int row, int col) {
        return values[row * cols + col];
    }

    public boolean hasCellText() {
        return cellText != null;
    }

    @Override
    public String viewKind() {
        return kind;
    }

    /** The same matrix shown as another kind of view. */
    public MatrixResult withKind(String newKind) {
        return new MatrixResult(title, rows, cols, values, rowLabels, colLabels, rowAxis, colAxis, valueLabel, diverging,
                stats, cellText, cellDetails, newKind);
    }
}
