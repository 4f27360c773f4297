package dev.loupe.plugin.result.builtin;

import com.google.gson.JsonArray;
import dev.loupe.plugin.result.CsvWriter;
import dev.loupe.plugin.result.GridResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.ResultReader;
import dev.loupe.plugin.result.ResultType;
import dev.loupe.plugin.result.ResultWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code "grid"}: row and column labels and {@code cells}, matrices each with its own title. CSV: long format
 * {@code row,col,q,k,value}, the grid cell's labels then the positions inside the cell (positions, not tokens: token
 * labels repeat and would make a pivot ambiguous).
 */
public final class GridType implements ResultType<GridResult> {

    @Override
    public String type() {
        return "grid";
    }

    @Override
    public Class<GridResult> resultClass() {
        return GridResult.class;
    }

    @Override
    public void write(GridResult g, ResultWriter o) {
        o.strings("rowLabels", g.rowLabels());
        o.strings("colLabels", g.colLabels());
        o.json("cells", new JsonArray());
        for (MatrixResult m : g.cells()) {
            ResultWriter c = o.element("cells");
            c.text("title", m.title());
            MatrixType.writeMatrix(m, c);
        }
    }

    @Override
    public GridResult read(String title, ResultReader f) {
        List<String> rowLabels = f.strings("rowLabels");
        List<String> colLabels = f.strings("colLabels");
        List<MatrixResult> cells = new ArrayList<>();
        for (ResultReader c : f.objects("cells")) {
            cells.add(MatrixType.readMatrix(c, c.text("title")));
        }
        return f.guarded("cells", () -> new GridResult(title, rowLabels, colLabels, cells));
    }

    @Override
    public boolean hasCsv(GridResult result) {
        return true;
    }

    @Override
    public void writeCsv(GridResult g, CsvWriter csv) throws IOException {
        csv.row(List.of("row", "col", "q", "k", "value"));
        for (int gr = 0; gr < g.rowLabels().size(); gr++) {
            for (int gc = 0; gc < g.colLabels().size(); gc++) {
                MatrixResult m = g.cell(gr, gc);
                for (int q = 0; q < m.rows(); q++) {
                    for (int k = 0; k < m.cols(); k++) {
                        csv.text(g.rowLabels().get(gr));
                        csv.text(g.colLabels().get(gc));
                        csv.integer(q);
                        csv.integer(k);
                        csv.number(m.get(q, k));
                        csv.end();
                    }
                }
            }
        }
    }
}
