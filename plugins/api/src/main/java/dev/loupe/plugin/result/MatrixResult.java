package dev.loupe.plugin.result;

import java.util.List;
import java.util.Map;

/**
 * A labelled matrix shown as a heatmap: values row-major [rows x cols], with axis names and per-row / per-column
 * labels (tokens, dimensions, layers). {@code diverging} asks for a colour map centred on zero (differences,
 * signed activations); {@code stats} are summary figures shown beside it.
 */
public record MatrixResult(String title, int rows, int cols, float[] values, List<String> rowLabels,
        List<String> colLabels, String rowAxis, String colAxis, String valueLabel, boolean diverging,
        Map<String, Double> stats) implements Result {

    public MatrixResult {
        if (values.length != (long) rows * cols) {
            throw new IllegalArgumentException("values has " + values.length + " entries for " + rows + "x" + cols);
        }
        if (rowLabels.size() != rows || colLabels.size() != cols) {
            throw new IllegalArgumentException("labels do not match the matrix size");
        }
        rowLabels = List.copyOf(rowLabels);
        colLabels = List.copyOf(colLabels);
        stats = Map.copyOf(stats);
    }

    public float get(int row, int col) {
        return values[row * cols + col];
    }
}
