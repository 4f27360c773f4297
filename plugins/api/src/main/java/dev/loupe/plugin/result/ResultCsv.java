package dev.loupe.plugin.result;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * A result's data as CSV (RFC 4180 quoting, "\n" line ends) for pandas, R and spreadsheets:
 * <ul>
 * <li>matrix: a header of column labels after a corner cell holding the row axis name, then one row per matrix
 *     row starting with its label (so {@code pandas.read_csv(f, index_col=0)} gives the matrix back);</li>
 * <li>matrix with per-cell text (the logit lens): long format {@code row,col,row_label,col_label,value} followed by
 *     {@code cell_text} and/or {@code cell_details}, whichever the matrix has, one line per cell in row-major order
 *     (text does not fit a wide table, and positions keep repeated token labels apart); details keep their line
 *     breaks inside quotes, which pandas and R read;</li>
 * <li>comparison: the panels one block after another in one long table,
 *     {@code panel,row,col,row_label,col_label,value}, each line labelled with its panel's title in the first column
 *     (so {@code df[df.panel == "Tuned lens"]} picks one), then {@code cell_text} / {@code cell_details} when any
 *     panel has them (empty for panels without);</li>
 * <li>grid: long format {@code row,col,q,k,value}: the grid cell's row and column labels, then the query and key
 *     positions inside the cell (positions, not tokens: token labels repeat and would make a pivot ambiguous);</li>
 * <li>series: long format {@code x,name,y};</li>
 * <li>token scores: {@code position,token,score};</li>
 * <li>table: its columns and rows;</li>
 * <li>image: long format {@code x,y,r,g,b,a}.</li>
 * </ul>
 * Floats print in Java's shortest round-trip form; non-finite values as {@code NaN}, {@code inf}, {@code -inf}, which
 * numpy and pandas read. A {@link CustomResult} has no tabular form ({@link #supports} says so).
 */
public final class ResultCsv {
    private ResultCsv() {
    }

    public static boolean supports(Result result) {
        return !(result instanceof CustomResult);
    }

    public static void write(Result result, Writer out) throws IOException {
        Csv csv = new Csv(out);
        if (result instanceof MatrixResult m && (m.cellText() != null || m.cellDetails() != null)) {
            writeLongMatrix(m, csv);
        } else if (result instanceof MatrixResult m) {
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
        } else if (result instanceof ComparisonResult c) {
            writeComparison(c, csv);
        } else if (result instanceof GridResult g) {
            csv.row(List.of("row", "col", "q", "k", "value"));
            for (int gr = 0; gr < g.rowLabels().size(); gr++) {
                for (int gc = 0; gc < g.colLabels().size(); gc++) {
                    MatrixResult m = g.cell(gr, gc);
                    for (int q = 0; q < m.rows(); q++) {
                        for (int k = 0; k < m.cols(); k++) {
                            csv.text(g.rowLabels().get(gr));
                            csv.text(g.colLabels().get(gc));
                            csv.raw(Integer.toString(q));
                            csv.raw(Integer.toString(k));
                            csv.number(m.get(q, k));
                            csv.end();
                        }
                    }
                }
            }
        } else if (result instanceof SeriesResult s) {
            csv.row(List.of("x", "name", "y"));
            for (SeriesResult.Series one : s.series()) {
                for (int i = 0; i < one.y().length; i++) {
                    csv.text(one.xLabels().get(i));
                    csv.text(one.name());
                    csv.number(one.y()[i]);
                    csv.end();
                }
            }
        } else if (result instanceof TokenScoresResult t) {
            csv.row(List.of("position", "token", "score"));
            for (int i = 0; i < t.scores().length; i++) {
                csv.raw(Integer.toString(i));
                csv.text(t.tokens().get(i));
                csv.number(t.scores()[i]);
                csv.end();
            }
        } else if (result instanceof TableResult t) {
            csv.row(t.columns());
            for (List<Object> row : t.rows()) {
                for (Object cell : row) {
                    if (cell instanceof Float f) {
                        csv.number(f);
                    } else if (cell instanceof Double d) {
                        csv.number(d);
                    } else if (cell instanceof Number n) {
                        csv.raw(n.toString());
                    } else {
                        csv.text(cell == null ? "" : cell.toString());
                    }
                }
                csv.end();
            }
        } else if (result instanceof ImageResult img) {
            csv.row(List.of("x", "y", "r", "g", "b", "a"));
            for (int y = 0; y < img.height(); y++) {
                for (int x = 0; x < img.width(); x++) {
                    int p = img.argb()[y * img.width() + x];
                    csv.raw(Integer.toString(x));
                    csv.raw(Integer.toString(y));
                    csv.raw(Integer.toString(p >> 16 & 0xFF));
                    csv.raw(Integer.toString(p >> 8 & 0xFF));
                    csv.raw(Integer.toString(p & 0xFF));
                    csv.raw(Integer.toString(p >>> 24));
                    csv.end();
                }
            }
        } else {
            throw new IllegalArgumentException("a " + ResultCodec.typeName(result)
                    + " result has no CSV form; export it as JSON");
        }
        out.flush();
    }

    private static void writeLongMatrix(MatrixResult m, Csv csv) throws IOException {
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
                csv.raw(Integer.toString(r));
                csv.raw(Integer.toString(c));
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

    private static void writeComparison(ComparisonResult c, Csv csv) throws IOException {
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
                    csv.raw(Integer.toString(r));
                    csv.raw(Integer.toString(col));
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

    /** Quotes a field when it holds a comma, quote, line break, or edge spaces that readers would trim. */
    static String quote(String s) {
        boolean needs = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0
                || !s.isEmpty() && (Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1)));
        return needs ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    private static final class Csv {
        private final Writer out;
        private boolean first = true;

        Csv(Writer out) {
            this.out = out;
        }

        void row(List<String> cells) throws IOException {
            for (String c : cells) {
                text(c);
            }
            end();
        }

        void text(String s) throws IOException {
            raw(quote(s));
        }

        void number(float v) throws IOException {
            raw(Float.isFinite(v) ? Float.toString(v) : nonFinite(v));
        }

        void number(double v) throws IOException {
            raw(Double.isFinite(v) ? Double.toString(v) : nonFinite(v));
        }

        void raw(String s) throws IOException {
            if (!first) {
                out.write(',');
            }
            out.write(s);
            first = false;
        }

        void end() throws IOException {
            out.write('\n');
            first = true;
        }

        private static String nonFinite(double v) {
            return Double.isNaN(v) ? "NaN" : v > 0 ? "inf" : "-inf";
        }
    }
}
