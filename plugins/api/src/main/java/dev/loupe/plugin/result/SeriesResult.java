package dev.loupe.plugin.result;

import java.util.List;

/** Line or bar series over a shared x axis (probability across layers, attributions per component). */
public record SeriesResult(String title, String xLabel, String yLabel, Kind kind, List<Series> series)
        implements Result {

    public enum Kind { LINE, BAR }

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
    }
}
