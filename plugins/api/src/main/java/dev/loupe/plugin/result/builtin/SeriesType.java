package dev.loupe.plugin.result.builtin;

import com.google.gson.JsonArray;
import dev.loupe.plugin.result.CsvWriter;
import dev.loupe.plugin.result.ResultReader;
import dev.loupe.plugin.result.ResultType;
import dev.loupe.plugin.result.ResultWriter;
import dev.loupe.plugin.result.SeriesResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code "series"}: axis labels, kind (line, bar, rank), series of name, x labels and y. CSV: {@code x,name,y}. */
public final class SeriesType implements ResultType<SeriesResult> {

    @Override
    public String type() {
        return "series";
    }

    @Override
    public Class<SeriesResult> resultClass() {
        return SeriesResult.class;
    }

    @Override
    public void write(SeriesResult s, ResultWriter o) {
        o.text("xLabel", s.xLabel());
        o.text("yLabel", s.yLabel());
        o.text("kind", s.kind().name().toLowerCase(Locale.ROOT));
        o.json("series", new JsonArray());
        for (SeriesResult.Series one : s.series()) {
            ResultWriter j = o.element("series");
            j.text("name", one.name());
            j.strings("xLabels", one.xLabels());
            j.doubles("y", one.y());
        }
    }

    @Override
    public SeriesResult read(String title, ResultReader f) {
        String xLabel = f.text("xLabel");
        String yLabel = f.text("yLabel");
        SeriesResult.Kind kind = f.choice("kind", SeriesResult.Kind.class);
        List<SeriesResult.Series> series = new ArrayList<>();
        for (ResultReader s : f.objects("series")) {
            String name = s.string("name");
            List<String> xs = s.strings("xLabels");
            double[] y = s.doubles("y");
            series.add(s.guarded("y", () -> new SeriesResult.Series(name, xs, y)));
        }
        return new SeriesResult(title, xLabel, yLabel, kind, series);
    }

    @Override
    public boolean hasCsv(SeriesResult result) {
        return true;
    }

    @Override
    public void writeCsv(SeriesResult s, CsvWriter csv) throws IOException {
        csv.row(List.of("x", "name", "y"));
        for (SeriesResult.Series one : s.series()) {
            for (int i = 0; i < one.y().length; i++) {
                csv.text(one.xLabels().get(i));
                csv.text(one.name());
                csv.number(one.y()[i]);
                csv.end();
            }
        }
    }
}
