package dev.loupe.viewers;

import dev.loupe.plugin.result.MatrixResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Results for tests, with values that make every cell distinguishable. */
public final class Samples {
    private Samples() {
    }

    public interface CellValue {
        float at(int row, int col);
    }

    public static MatrixResult matrix(String title, int rows, int cols, boolean diverging, CellValue f) {
        float[] v = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                v[r * cols + c] = f.at(r, c);
            }
        }
        return new MatrixResult(title, rows, cols, v, labels("q", rows), labels("k", cols), "query", "key",
                "attention", diverging, Map.of("max", 1.0));
    }

    /** Values 0 .. 1 increasing through the matrix: every cell gets its own colour. */
    public static MatrixResult ramp(int rows, int cols) {
        int n = rows * cols;
        return matrix("ramp", rows, cols, false, (r, c) -> (r * cols + c) / (float) Math.max(1, n - 1));
    }

    public static List<String> labels(String prefix, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }
}
