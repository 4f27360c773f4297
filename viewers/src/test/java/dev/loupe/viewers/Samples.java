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

    /** A query x key attention pattern ({@link MatrixResult#ATTENTION}) with these values. */
    public static MatrixResult matrix(String title, int rows, int cols, boolean diverging, CellValue f) {
        float[] v = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                v[r * cols + c] = f.at(r, c);
            }
        }
        return new MatrixResult(title, rows, cols, v, labels("q", rows), labels("k", cols), "query", "key",
                "attention", diverging, Map.of("max", 1.0), MatrixResult.ATTENTION);
    }

    /** Values 0 .. 1 increasing through the matrix: every cell gets its own colour. */
    public static MatrixResult ramp(int rows, int cols) {
        int n = rows * cols;
        return matrix("ramp", rows, cols, false, (r, c) -> (r * cols + c) / (float) Math.max(1, n - 1));
    }

    /**
     * A logit-lens-like layers x positions matrix: the top-1 token in each cell, its probability rising with depth
     * (so early rows are dark, late rows light), and top-3 tokens with probabilities and the entropy on hover.
     */
    public static MatrixResult lens() {
        List<String> tokens = List.of("<bos>", "The", " Eiff", "el", " Tower", " is", " in", " Paris");
        String[][] top = {
                {"\n", " first", " same", " the", " the", " a", " the", " the"},
                {"\n", " first", "el", "el", " is", " the", " the", ","},
                {",", " same", "el", " Tower", " is", " a", " Paris", ","},
                {",", " first", "el", " Tower", " is", " located", " Paris", "."},
                {",", " first", "el", " Tower", " is", " located", " Paris", ","},
                {",", " first", "el", " Tower", " was", " located", " Paris", ","}};
        int rows = top.length;
        int cols = tokens.size();
        float[] v = new float[rows * cols];
        List<String> text = new ArrayList<>();
        List<String> details = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float p = Math.min(0.98f, 0.04f + r * 0.17f + (c % 3) * 0.05f);
                v[r * cols + c] = p;
                text.add(top[r][c]);
                details.add("'" + top[r][c] + "'  " + p + "\n' the'  0.05\n' a'  0.02\nentropy " + (3 - r * 0.5f) + " nats");
            }
        }
        List<String> layers = List.of("L0", "L1", "L2", "L3", "L4", "final");
        return new MatrixResult("Logit lens (top-1 probability)", rows, cols, v, layers, tokens, "layer", "position",
                "probability", false, Map.of(), text, details);
    }

    /** A matrix of {@code rows x cols} with text in every cell (for sizes and virtualisation). */
    public static MatrixResult textMatrix(int rows, int cols, CellValue f) {
        MatrixResult plain = matrix("text", rows, cols, false, f);
        List<String> text = new ArrayList<>();
        for (int i = 0; i < rows * cols; i++) {
            text.add("t" + i);
        }
        return new MatrixResult("text", rows, cols, plain.values(), plain.rowLabels(), plain.colLabels(), "layer",
                "position", "probability", false, Map.of(), text, null);
    }

    public static List<String> labels(String prefix, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }
}
