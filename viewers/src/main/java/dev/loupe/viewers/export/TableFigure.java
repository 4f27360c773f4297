package dev.loupe.viewers.export;

import dev.loupe.plugin.result.TableResult;
import dev.loupe.viewers.color.NiceTicks;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.util.ArrayList;
import java.util.List;

/** A {@link TableResult} as a booktabs-style table (top, middle and bottom rules; numbers right-aligned). */
public final class TableFigure implements Figure {
    /** Rows beyond this are summarised in a note: a figure is not the place for a long table (the CSV is). */
    public static final int MAX_ROWS = 200;
    private static final Font HEADER = new Font(Draw.FAMILY, Font.BOLD, 12);
    private static final Font CELL = new Font(Draw.FAMILY, Font.PLAIN, 12);
    private static final double ROW_H = 20;
    private static final double COL_GAP = 18;

    private final TableResult t;
    private final List<String[]> cells = new ArrayList<>();
    private final double[] colWidth;

    public TableFigure(TableResult t) {
        this.t = t;
        int n = t.columns().size();
        colWidth = new double[n];
        for (int c = 0; c < n; c++) {
            colWidth[c] = Draw.width(HEADER, Labels.display(t.columns().get(c), 30));
        }
        for (List<Object> row : t.rows().subList(0, Math.min(MAX_ROWS, t.rows().size()))) {
            String[] s = new String[n];
            for (int c = 0; c < n; c++) {
                s[c] = format(row.get(c));
                colWidth[c] = Math.min(260, Math.max(colWidth[c], Draw.width(CELL, s[c])));
            }
            cells.add(s);
        }
    }

    /** How a table cell reads: numbers to four significant digits, text as a label. */
    public static String format(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Number num) {
            return NiceTicks.value(num.doubleValue());
        }
        return Labels.display(v.toString(), 40);
    }

    private double top() {
        return Draw.MARGIN + (t.title().isBlank() ? 0 : Draw.lineHeight(Draw.TITLE) + 10);
    }

    @Override
    public Dimension preferredSize() {
        double w = 2 * Draw.MARGIN;
        for (double cw : colWidth) {
            w += cw + COL_GAP;
        }
        w = Math.max(w, Draw.width(Draw.TITLE, t.title()) + 2 * Draw.MARGIN);
        double h = top() + ROW_H * (cells.size() + 1) + 8 + (t.rows().size() > MAX_ROWS ? ROW_H : 0) + Draw.MARGIN;
        return new Dimension((int) Math.ceil(w), (int) Math.ceil(h));
    }

    @Override
    public void paint(Graphics2D g, double width, double height) {
        Draw.setup(g);
        Draw.background(g, width, height);
        g.setColor(Draw.TEXT);
        if (!t.title().isBlank()) {
            Draw.text(g, Draw.TITLE, t.title(), Draw.MARGIN, Draw.MARGIN, 0, Draw.V.TOP);
        }
        double y = top();
        double tableW = 0;
        for (double cw : colWidth) {
            tableW += cw + COL_GAP;
        }
        tableW -= COL_GAP;
        double x0 = Draw.MARGIN;
        boolean[] numeric = new boolean[colWidth.length];
        for (int c = 0; c < numeric.length; c++) {
            final int col = c;
            numeric[c] = !t.rows().isEmpty() && t.rows().stream().allMatch(r -> r.get(col) == null || r.get(col) instanceof Number);
        }
        g.setStroke(new java.awt.BasicStroke(1.2f));
        g.draw(new Line2D.Double(x0, y, x0 + tableW, y));
        double x = x0;
        for (int c = 0; c < colWidth.length; c++) {
            String h = Labels.display(t.columns().get(c), 30);
            Draw.text(g, HEADER, h, numeric[c] ? x + colWidth[c] : x, y + ROW_H / 2 + 2, numeric[c] ? 1 : 0, Draw.V.MIDDLE);
            x += colWidth[c] + COL_GAP;
        }
        y += ROW_H + 4;
        g.setStroke(Draw.HAIRLINE);
        g.draw(new Line2D.Double(x0, y, x0 + tableW, y));
        for (String[] row : cells) {
            x = x0;
            for (int c = 0; c < row.length; c++) {
                Draw.text(g, CELL, row[c], numeric[c] ? x + colWidth[c] : x, y + ROW_H / 2 + 1, numeric[c] ? 1 : 0, Draw.V.MIDDLE);
                x += colWidth[c] + COL_GAP;
            }
            y += ROW_H;
        }
        y += 4;
        g.setStroke(new java.awt.BasicStroke(1.2f));
        g.draw(new Line2D.Double(x0, y, x0 + tableW, y));
        if (t.rows().size() > MAX_ROWS) {
            g.setColor(Draw.SUBTLE);
            Draw.text(g, Draw.SMALL, "\u2026 and " + (t.rows().size() - MAX_ROWS) + " more rows", x0, y + 6, 0, Draw.V.TOP);
        }
    }
}
