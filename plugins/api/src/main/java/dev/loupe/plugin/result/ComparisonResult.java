package dev.loupe.plugin.result;

import java.util.List;
import java.util.Objects;

/**
 * Matrices over the same axes shown side by side, so that where they differ is seen at a glance: the logit lens
 * beside the tuned lens, one prompt beside another. Every panel has the same size and the same row and column
 * labels (viewers line the panels up cell for cell and follow one selected row across them); panels with the same
 * value label and colour kind share one colour scale, so equal values look equal in every panel.
 */
public record ComparisonResult(String title, List<MatrixResult> panels) implements Result {

    public ComparisonResult {
        panels = List.copyOf(panels);
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("a comparison needs at least one panel");
        }
        MatrixResult first = panels.get(0);
        for (int i = 1; i < panels.size(); i++) {
            MatrixResult p = panels.get(i);
            if (p.rows() != first.rows() || p.cols() != first.cols()) {
                throw new IllegalArgumentException("panel " + i + " is " + p.rows() + "x" + p.cols() + ", panel 0 is "
                        + first.rows() + "x" + first.cols() + ": compared panels must have the same size");
            }
            if (!p.rowLabels().equals(first.rowLabels()) || !p.colLabels().equals(first.colLabels())) {
                throw new IllegalArgumentException("panel " + i + " has other row or column labels than panel 0:"
                        + " compared panels must share their axes");
            }
        }
    }

    /** Whether every panel has the same value label and colour kind, so one colour scale serves them all. */
    public boolean sharesScale() {
        MatrixResult first = panels.get(0);
        return panels.stream().allMatch(p -> p.diverging() == first.diverging()
                && Objects.equals(p.valueLabel(), first.valueLabel()));
    }
}
