package dev.loupe.samples;

import com.google.gson.JsonArray;

/** How the sample trainers write figures into metrics.json: four decimals, matrices as arrays of rows. */
final class MetricsJson {
    private MetricsJson() {
    }

    static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    static JsonArray matrix(double[][] values) {
        JsonArray rows = new JsonArray();
        for (double[] row : values) {
            JsonArray r = new JsonArray();
            for (double v : row) {
                r.add(round(v));
            }
            rows.add(r);
        }
        return rows;
    }
}
