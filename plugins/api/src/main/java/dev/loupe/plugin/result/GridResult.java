package dev.loupe.plugin.result;

import java.util.List;

/**
 * A grid of small matrices (e.g. every layer x head attention pattern), shown as thumbnails that open one cell
 * as a full {@link MatrixResult}.
 */
public record GridResult(String title, List<String> rowLabels, List<String> colLabels, List<MatrixResult> cells)
        implements Result {
    public GridResult {
        rowLabels = List.copyOf(rowLabels);
        colLabels = List.copyOf(colLabels);
        cells = List.copyOf(cells);
        if (cells.size() != rowLabels.size() * colLabels.size()) {
            throw new IllegalArgumentException("a grid of " + rowLabels.size() + "x" + colLabels.size() + " needs that many cells");
        }
    }

    public MatrixResult cell(int row, int col) {
        return cells.get(row * colLabels.size() + col);
    }
}
