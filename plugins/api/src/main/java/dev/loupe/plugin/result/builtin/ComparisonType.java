package dev.loupe.plugin.result.builtin;

import com.google.gson.JsonArray;
import dev.loupe.plugin.result.ComparisonResult;
import dev.loupe.plugin.result.CsvWriter;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.ResultReader;
import dev.loupe.plugin.result.ResultType;
import dev.loupe.plugin.result.ResultWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code "comparison"}: {@code panels}, matrices written as a grid's cells are, each with its own title. CSV: the
 * panels one block after another, {@code panel,row,col,row_label,col_label,value}, each line labelled with its
 * panel's title (so {@code df[df.panel == "Tuned lens"]} picks one), then {@code cell_text} / {@code cell_details}
 * when any panel has them (empty for panels without).
 */
public final class ComparisonType implements ResultType<ComparisonResult> {

    @Override
    public String type() {
        return "comparison";
    }

    @Override
    public Class<ComparisonResult> resultClass() {
        return ComparisonResult.class;
    }

    @Override
    public void write(ComparisonResult c, ResultWriter o) {
        o.json("panels", new JsonArray());
        for (MatrixResult m : c.panels()) {
            ResultWriter p = o.element("panels");
            p.text("title", m.title());
            MatrixType.writeMatrix(m, p);
        }
    }

    @Override
    public ComparisonResult read(String title, ResultReader f) {
        List<MatrixResult> panels = new ArrayList<>();
        for (ResultReader p : f.objects("panels")) {
            panels.add(MatrixType.readMatrix(p, p.text("title")));
        }
        return f.guarded("panels", () -> new ComparisonResult(title, panels));
    }

    @Override
    public boolean hasCsv(ComparisonResult result) {
        return true;
    }

    @Override
    public void writeCsv(ComparisonResult c, CsvWriter csv) throws IOException {
        boolean text = c.panels().stream().anyMatch(m -> m.cellText() != null);
        boolean details = c.panels().stream().anyMatch(m -> m.cellDetails() != null);
        List<String> header = new ArrayList<>(List.of("panel", "row", "col", "row_label", "col_label", "value"));
        if (text) {
            header.add("cell_text");
        }
        if (details) {
            header.add("cell_details");
        }
        csv.row(header);
        for (int p = 0; p < c.panels().size(); p++) {
            MatrixResult m = c.panels().get(p);
            // A panel without a title is still told apart from the others.
            String panel = m.title() == null || m.title().isBlank() ? "panel " + p : m.title();
            for (int r = 0; r < m.rows(); r++) {
                for (int col = 0; col < m.cols(); col++) {
                    int i = r * m.cols() + col;
                    csv.text(panel);
                    csv.integer(r);
                    csv.integer(col);
                    csv.text(m.rowLabels().get(r));
                    csv.text(m.colLabels().get(col));
                    csv.number(m.values()[i]);
                    if (text) {
                        csv.text(m.cellText() == null ? "" : m.cellText().get(i));
                    }
                    if (details) {
                        csv.text(m.cellDetails() == null ? "" : m.cellDetails().get(i));
                    }
                    csv.end();
                }
            }
        }
    }
}
