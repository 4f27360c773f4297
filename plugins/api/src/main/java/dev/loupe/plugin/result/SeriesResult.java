package dev.loupe.plugin.result;

import java.util.List;

/** Line or bar series over a shared x axis (probability across layers, attributions per component). */
public record SeriesResult(String title, String xLabel, String yLabel, Kind kind, List<Series> series)
        implements Result {

    /**
     * How the series are drawn: lines, bars, or a line of ranks (1 = best, e.g. a target token's rank at each layer),
     * which viewers draw on a log axis with rank 1 at the top.
     */
    public enum Kind { LINE, BAR, RANK }

    public record Series(String name, List<String> xLabels, double[] y) {
        public Series {
            xLabels = List.copyOf(xLabels);
            if (xLabels.size() != y.length) {
                throw new IllegalArgumentException("one y per x label in series " + name);
            }
        }
    }

    public SeriesResult {
        series = List.copyOf(series);
        if (kind == Kind.RANK) {
            for (Series one : series) {
                for (int i = 0; i < one.y().length; i++) {
                    double y = one.y()[i];
                    if (Double.isFinite(y) && y < 1) {
                        throw new IllegalArgumentException("series '" + one.name() + "' is a rank series (1 = top), but its"
                                + " value at '" + one.xLabels().get(i) + "' is " + y);
                    }
                }
            }
        }
    }
}
