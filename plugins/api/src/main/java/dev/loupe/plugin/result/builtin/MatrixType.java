package dev.loupe.plugin.result.builtin;

import dev.loupe.plugin.result.CsvWriter;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.ResultReader;
import dev.loupe.plugin.result.ResultType;
import dev.loupe.plugin.result.ResultWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code "matrix"}: rows, cols, values (row-major), labels, axes, value label, diverging, stats, and the optional
 * {@code cellText} / {@code cellDetails} (one string per cell, left out when null, so documents of matrices without
 * cell text are unchanged). The view kind is kept in sessions only (see {@link ResultWriter#presentation}).
 *
 * <p>CSV: wide (a corner cell with the row axis, the column labels, then one row per matrix row starting with its
 * label, so {@code pandas.read_csv(f, index_col=0)} gives the matrix back); with cell text, long format
 * {@code row,col,row_label,col_label,value,cell_text,cell_details} (text does not fit a wide table).
 */
public final class MatrixType implements ResultType<MatrixResult> {

    @Override
    public String type() {
        return "matrix";
    }

    @Override
    public Class<MatrixResult> resultClass() {
        return MatrixResult.class;
    }

    @Override
    public void write(MatrixResult m, ResultWriter o) {
        writeMatrix(m, o);
    }

    @Override
    public MatrixResult read(String title, ResultReader f) {
        return readMatrix(f, title);
    }

    @Override
    public boolean hasCsv(MatrixResult result) {
        return true;
    }

    @Override
    public void writeCsv(MatrixResult m, CsvWriter csv) throws IOException {
        if (m.cellText() != null || m.cellDetails() != null) {
            writeLong(m, csv);
            return;
        }
        List<String> header = new ArrayList<>();
        header.add(m.rowAxis() == null ? "" : m.rowAxis());
        header.addAll(m.colLabels());
        csv.row(header);
        for (int r = 0; r < m.rows(); r++) {
            csv.text(m.rowLabels().get(r));
            for (int c = 0; c < m.cols(); c++) {
                csv.number(m.get(r, c));
            }
            csv.end();
        }
    }

    /** A matrix's fields, also for the matrices inside grids and comparisons. */
    static void writeMatrix(MatrixResult m, ResultWriter o) {
        o.integer("rows", m.rows());
        o.integer("cols", m.cols());
        o.floats("values", m.values());
        o.strings("rowLabels", m.rowLabels());
        o.strings("colLabels", m.colLabels());
        o.text("rowAxis", m.rowAxis());
        o.text("colAxis", m.colAxis());
        o.text("valueLabel", m.valueLabel());
        o.bool("diverging", m.diverging());
        o.numbers("stats", m.stats());
        if (m.cellText() != null) {
            o.strings("cellText", m.cellText());
        }
        if (m.cellDetails() != null) {
            o.strings("cellDetails", m.cellDetails());
        }
        if (!MatrixResult.MATRIX.equals(m.kind())) {
            o.presentation("kind", m.kind());
        }
    }

    static MatrixResult readMatrix(ResultReader f, String title) {
        int rows = f.integer("rows", 0, Integer.MAX_VALUE);
        int cols = f.integer("cols", 0, Integer.MAX_VALUE);
        float[] values = f.floats("values");
        if (values.length != (long) rows * cols) {
            throw f.bad("values", "has " + values.length + " entries for " + rows + "x" + cols);
        }
        List<String> rowLabels = f.strings("rowLabels");
        List<String> colLabels = f.strings("colLabels");
        if (rowLabels.size() != rows) {
            throw f.bad("rowLabels", "has " + rowLabels.size() + " labels for " + rows + " rows");
        }
        if (colLabels.size() != cols) {
            throw f.bad("colLabels", "has " + colLabels.size() + " labels for " + cols + " columns");
        }
        String rowAxis = f.text("rowAxis");
        String colAxis = f.text("colAxis");
        String valueLabel = f.text("valueLabel");
        boolean diverging = f.bool("diverging");
        var stats = f.numberMap("stats");
        List<String> cellText = cellStrings(f, "cellText", rows, cols);
        List<String> cellDetails = cellStrings(f, "cellDetails", rows, cols);
        String kind = f.has("kind") ? f.string("kind") : MatrixResult.MATRIX;
        if (kind.isBlank()) {
            throw f.bad("kind", "must not be blank");
        }
        return new MatrixResult(title, rows, cols, values, rowLabels, colLabels, rowAxis, colAxis, valueLabel,
                diverging, stats, cellText, cellDetails, kind);
    }

    /** Optional per-cell text: absent or null means none; otherwise one string per cell, row-major. */
    private static List<String> cellStrings(ResultReader f, String field, int rows, int cols) {
        if (!f.has(field)) {
            return null;
        }
        List<String> out = f.strings(field);
        if (out.size() != (long) rows * cols) {
            throw f.bad(field, "has " + out.size() + " entries for " + rows + "x" + cols + " cells (one per cell, row-major)");
        }
        return out;
    }

    private static void writeLong(MatrixResult m, CsvWriter csv) throws IOException {
        List<String> header = new ArrayList<>(List.of("row", "col", "row_label", "col_label", "value"));
        if (m.cellText() != null) {
            header.add("cell_text");
        }
        if (m.cellDetails() != null) {
            header.add("cell_details");
        }
        csv.row(header);
        for (int r = 0; r < m.rows(); r++) {
            for (int c = 0; c < m.cols(); c++) {
                int i = r * m.cols() + c;
                csv.integer(r);
                csv.integer(c);
                csv.text(m.rowLabels().get(r));
                csv.text(m.colLabels().get(c));
                csv.number(m.values()[i]);
                if (m.cellText() != null) {
                    csv.text(m.cellText().get(i));
                }
                if (m.cellDetails() != null) {
                    csv.text(m.cellDetails().get(i));
                }
                csv.end();
            }
        }
    }
}
