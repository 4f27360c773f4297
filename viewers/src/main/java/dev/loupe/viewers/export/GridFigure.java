package dev.loupe.viewers.export;

import dev.loupe.plugin.result.GridResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.color.ColorScale;
import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.List;

/**
 * A {@link GridResult} as small multiples (e.g. every layer x head attention pattern): one shared colour scale so
 * cells compare, row labels left, column labels on top, a colour bar. Cells are vector rectangles while the whole
 * grid stays under {@link HeatmapFigure#MAX_VECTOR_CELLS}, rasters otherwise.
 */
public final class GridFigure implements Figure {

    private static final double BAR_GAP = 18;

    private final GridResult grid;
    private final ColorScale scale;
    private final List<String> rowText;
    private final List<String> colText;
    private final boolean vector;

    public GridFigure(GridResult grid) {
        this(grid, scaleOf(grid));
    }

    public GridFigure(GridResult grid, ColorScale scale) {
        this.grid = grid;
        this.scale = scale;
        rowText = grid.rowLabels().stream().map(s -> Labels.display(s, 16)).toList();
        colText = grid.colLabels().stream().map(s -> Labels.display(s, 16)).toList();
        long cells = grid.cells().stream().mapToLong(c -> (long) c.rows() * c.cols()).sum();
        vector = cells <= HeatmapFigure.MAX_VECTOR_CELLS;
    }

    /** One scale over every cell, diverging if any cell asks for it. */
    public static ColorScale scaleOf(GridResult grid) {
        boolean diverging = grid.cells().stream().anyMatch(MatrixResult::diverging);
        return ColorScale.forValues(grid.cells().stream().map(MatrixResult::values).toList(), diverging);
    }

    public ColorScale scale() {
        return scale;
    }

    @Override
    public Dimension preferredSize() {
        int n = Math.max(grid.rowLabels().size(), grid.colLabels().size());
        double thumb = Math.max(16, Math.min(56, 720.0 / Math.max(1, n)));
        double gw = grid.colLabels().size() * thumb * 1.1;
        double gh = grid.rowLabels().size() * thumb * 1.1;
        double w = left() + gw + right(gh);
        w = Math.max(w, Draw.width(Draw.TITLE, grid.title()) + 2 * Draw.MARGIN);
        return new Dimension((int) Math.ceil(w), (int) Math.ceil(top() + gh + Draw.MARGIN));
    }

    private double top() {
        double t = Draw.MARGIN;
        if (!grid.title().isBlank()) {
            t += Draw.lineHeight(Draw.TITLE) + 8;
        }
        return t + Draw.lineHeight(Draw.LABEL) + 4;
    }

    private double left() {
        return Draw.MARGIN + Draw.maxWidth(Draw.LABEL, rowText, 120) + 6;
    }

    private double right(double height) {
        String label = grid.cells().isEmpty() ? "" : grid.cells().get(0).valueLabel();
        return BAR_GAP + ColorBarPainter.verticalWidth(scale, height, label) + Draw.MARGIN;
    }

    /** The area the grid of cells takes in a figure of this size. */
    public Rectangle2D gridBounds(double width, double height) {
        double top = top();
        double gh = height - top - Draw.MARGIN;
        double left = left();
        return new Rectangle2D.Double(left, top, Math.max(10, width - left - right(gh)), Math.max(10, gh));
    }

    @Override
    public void paint(Graphics2D g, double width, double height) {
        Draw.setup(g);
        Draw.background(g, width, height);
        Rectangle2D area = gridBounds(width, height);
        int rows = grid.rowLabels().size();
        int cols = grid.colLabels().size();
        double pitchX = area.getWidth() / cols;
        double pitchY = area.getHeight() / rows;
        double gapX = pitchX * 0.1;
        double gapY = pitchY * 0.1;

        g.setColor(Draw.TEXT);
        if (!grid.title().isBlank()) {
            Draw.text(g, Draw.TITLE, grid.title(), width / 2, Draw.MARGIN, 0.5, Draw.V.TOP);
        }
        double lh = Draw.lineHeight(Draw.LABEL);
        int colStep = labelStep(colText, pitchX);
        for (int c = 0; c < cols; c += colStep) {
            Draw.text(g, Draw.LABEL, colText.get(c), area.getX() + (c + 0.45) * pitchX, area.getY() - 4, 0.5, Draw.V.BOTTOM);
        }
        int rowStep = (int) Math.max(1, Math.ceil(lh * 1.1 / pitchY));
        for (int r = 0; r < rows; r += rowStep) {
            Draw.text(g, Draw.LABEL, rowText.get(r), area.getX() - 6, area.getY() + (r + 0.45) * pitchY, 1, Draw.V.MIDDLE);
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                MatrixResult cell = grid.cell(r, c);
                Rectangle2D box = new Rectangle2D.Double(area.getX() + c * pitchX, area.getY() + r * pitchY,
                        pitchX - gapX, pitchY - gapY);
                HeatmapFigure.paintMatrix(g, cell.values(), cell.rows(), cell.cols(), scale, box, vector,
                        "cell-" + r + "-" + c);
                g.setColor(Draw.FRAME);
                g.setStroke(Draw.HAIRLINE);
                g.draw(box);
            }
        }
        String label = grid.cells().isEmpty() ? "" : grid.cells().get(0).valueLabel();
        ColorBarPainter.paintVertical(g, scale, area.getMaxX() + BAR_GAP, area.getY(), area.getHeight() - gapY, label);
    }

    private static int labelStep(List<String> labels, double pitch) {
        double w = Draw.maxWidth(Draw.LABEL, labels, 200) + 4;
        return (int) Math.max(1, Math.ceil(w / pitch));
    }
}
