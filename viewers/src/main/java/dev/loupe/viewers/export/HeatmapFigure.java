package dev.loupe.viewers.export;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.ViewStates;
import dev.loupe.viewers.color.ColorRaster;
import dev.loupe.viewers.color.ColorScale;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGHints;

/**
 * A {@link MatrixResult} as a paper figure: title, summary statistics, labelled and titled axes (column labels
 * rotated), the cells, and a colour bar with ticks. Up to {@link #MAX_VECTOR_CELLS} cells are one rectangle each
 * (true vector in SVG, in a group with id {@code cells}); larger matrices are drawn from a block-averaged raster.
 *
 * <p>A matrix with cell text (the logit lens) gets wider cells and each cell's text centred in it, black or white by
 * the cell's brightness, when cells are at least {@link #TEXT_MIN_W} x {@link #TEXT_MIN_H} and there are at most
 * {@link #MAX_TEXT_CELLS} of them (in SVG one {@code <text>} per cell, in a group with id {@code cell-text}).
 */
public final class HeatmapFigure implements Figure {

    /** Above this many cells an SVG of one rectangle per cell gets too large to open comfortably. */
    public static final int MAX_VECTOR_CELLS = 65_536;
    /** Above this many cells the text is unreadable at any sensible figure size, and bloats the SVG. */
    public static final int MAX_TEXT_CELLS = 8_192;
    public static final double TEXT_MIN_W = 28;
    public static final double TEXT_MIN_H = 14;
    // A figure with cell text aims at cells this large (figure units), within the size caps below.
    private static final double TEXT_CELL_W = 60;
    private static final double TEXT_CELL_H = 24;

    private static final double LABEL_CAP = 150;
    private static final double LABEL_GAP = 6;
    private static final double BAR_GAP = 18;
    // Adjacent rectangles overlap slightly: anti-aliasing SVG renderers otherwise show hairline seams between cells.
    private static final double OVERLAP = 0.3;

    private final MatrixResult m;
    private final ColorScale scale;
    // Set when the figure is one panel of several (ComparisonFigure): SVG ids stay unique, one colour bar serves all.
    private final String idPrefix;
    private final boolean colorBar;
    private final List<String> rowText;
    private final List<String> colText;
    private final double rowLabelWidth;
    private final double colLabelHeight;
    // Wide text cells have room for the tokens side by side, as nostalgebraist's plots show them: easier to read.
    private final boolean flatColLabels;

    /** The figure as a heatmap view with this state shows it: clipped colours when the state says so. */
    public static HeatmapFigure asShown(MatrixResult m, JsonObject viewState) {
        return ViewStates.getBoolean(viewState, FigureExporter.CLIP_OUTLIERS, false)
                ? new HeatmapFigure(m, ColorScale.clipped(m.values(), m.diverging()))
                : new HeatmapFigure(m);
    }

    public HeatmapFigure(MatrixResult m) {
        this(m, ColorScale.forValues(m.values(), m.diverging()));
    }

    public HeatmapFigure(MatrixResult m, ColorScale scale) {
        this(m, scale, "", true);
    }

    /** A panel of a larger figure: its SVG group ids start with {@code idPrefix}; without its own colour bar if asked. */
    HeatmapFigure(MatrixResult m, ColorScale scale, String idPrefix, boolean colorBar) {
        this.m = m;
        this.scale = scale;
        this.idPrefix = idPrefix;
        this.colorBar = colorBar;
        rowText = m.rowLabels().stream().map(s -> Labels.display(s, 20)).toList();
        colText = m.colLabels().stream().map(s -> Labels.display(s, 20)).toList();
        rowLabelWidth = Draw.maxWidth(Draw.LABEL, rowText, LABEL_CAP);
        double widest = Draw.maxWidth(Draw.LABEL, colText, LABEL_CAP);
        flatColLabels = hasText() && widest + 6 <= Math.min(TEXT_CELL_W, 1600.0 / Math.max(1, m.cols()));
        colLabelHeight = flatColLabels ? Draw.lineHeight(Draw.LABEL) : widest;
    }

    public ColorScale scale() {
        return scale;
    }

    @Override
    public Dimension preferredSize() {
        boolean text = hasText();
        double pw = Math.max(160, Math.min(text ? 1600 : 640, m.cols() * (text ? TEXT_CELL_W : 28.0)));
        double ph = Math.max(160, Math.min(text ? 960 : 640, m.rows() * (text ? TEXT_CELL_H : 28.0)));
        double left = left();
        double top = top();
        double bottom = bottom();
        double right = right(ph);
        double w = Math.max(left + pw + right, Draw.width(Draw.TITLE, m.title()) + 2 * Draw.MARGIN);
        return new Dimension((int) Math.ceil(w), (int) Math.ceil(top + ph + bottom));
    }

    /** Where the cells go in a figure of this size (figure units). */
    public Rectangle2D plotBounds(double width, double height) {
        double left = left();
        double top = top();
        double bottom = bottom();
        double right = right(height - top - bottom);
        return new Rectangle2D.Double(left, top, Math.max(10, width - left - right), Math.max(10, height - top - bottom));
    }

    private double top() {
        double t = Draw.MARGIN;
        if (!m.title().isBlank()) {
            t += Draw.lineHeight(Draw.TITLE) + 4;
        }
        if (!m.stats().isEmpty()) {
            t += Draw.lineHeight(Draw.SMALL) + 4;
        }
        return t + 6;
    }

    private double left() {
        double axis = blank(m.rowAxis()) ? 0 : Draw.lineHeight(Draw.AXIS_TITLE) + 8;
        return Draw.MARGIN + axis + rowLabelWidth + LABEL_GAP;
    }

    private double bottom() {
        double axis = blank(m.colAxis()) ? 0 : Draw.lineHeight(Draw.AXIS_TITLE) + 8;
        return LABEL_GAP + colLabelHeight + axis + Draw.MARGIN;
    }

    private double right(double plotHeight) {
        return colorBar ? BAR_GAP + ColorBarPainter.verticalWidth(scale, plotHeight, scale.barLabel(m.valueLabel(), m.values())) + Draw.MARGIN
                : Draw.MARGIN;
    }

    @Override
    public void paint(Graphics2D g, double width, double height) {
        Draw.setup(g);
        Draw.background(g, width, height);
        Rectangle2D p = plotBounds(width, height);

        g.setColor(Draw.TEXT);
        double y = Draw.MARGIN;
        double titleX = Draw.width(Draw.TITLE, m.title()) < p.getWidth() ? p.getCenterX() : width / 2;
        if (!m.title().isBlank()) {
            Draw.text(g, Draw.TITLE, m.title(), titleX, y, 0.5, Draw.V.TOP);
            y += Draw.lineHeight(Draw.TITLE) + 4;
        }
        if (!m.stats().isEmpty()) {
            g.setColor(Draw.SUBTLE);
            Draw.text(g, Draw.SMALL, Labels.statsLine(m.stats(), "    "), titleX, y, 0.5, Draw.V.TOP);
        }

        paintCells(g, p);
        if (hasText()) {
            paintCellText(g, p);
        }
        g.setColor(Draw.FRAME);
        g.setStroke(Draw.HAIRLINE);
        g.draw(p);

        double cw = p.getWidth() / m.cols();
        double ch = p.getHeight() / m.rows();
        double lh = Draw.lineHeight(Draw.LABEL);
        int rowStep = (int) Math.max(1, Math.ceil(lh * 1.1 / ch));
        for (int r = 0; r < m.rows(); r += rowStep) {
            double cy = p.getY() + (r + 0.5) * ch;
            g.setColor(Draw.FRAME);
            g.draw(new Line2D.Double(p.getX() - 3, cy, p.getX(), cy));
            g.setColor(Draw.TEXT);
            Draw.text(g, Draw.LABEL, rowText.get(r), p.getX() - LABEL_GAP, cy, 1, Draw.V.MIDDLE);
        }
        int colStep = (int) Math.max(1, Math.ceil(lh * 1.1 / cw));
        for (int c = 0; c < m.cols(); c += flatColLabels ? 1 : colStep) {
            double cx = p.getX() + (c + 0.5) * cw;
            g.setColor(Draw.FRAME);
            g.draw(new Line2D.Double(cx, p.getMaxY(), cx, p.getMaxY() + 3));
            g.setColor(Draw.TEXT);
            if (flatColLabels) {
                Draw.text(g, Draw.LABEL, fit(colText.get(c), cw - 2), cx, p.getMaxY() + LABEL_GAP, 0.5, Draw.V.TOP);
            } else {
                Draw.textUp(g, Draw.LABEL, colText.get(c), cx, p.getMaxY() + LABEL_GAP, 1, Draw.V.MIDDLE);
            }
        }

        g.setColor(Draw.TEXT);
        if (!blank(m.rowAxis())) {
            Draw.textUp(g, Draw.AXIS_TITLE, Labels.display(m.rowAxis(), 40), Draw.MARGIN, p.getCenterY(), 0.5, Draw.V.TOP);
        }
        if (!blank(m.colAxis())) {
            Draw.text(g, Draw.AXIS_TITLE, Labels.display(m.colAxis(), 40), p.getCenterX(),
                    p.getMaxY() + LABEL_GAP + colLabelHeight + 8, 0.5, Draw.V.TOP);
        }
        if (colorBar) {
            ColorBarPainter.paintVertical(g, scale, p.getMaxX() + BAR_GAP, p.getY(), p.getHeight(), scale.barLabel(m.valueLabel(), m.values()));
        }
    }

    private void paintCells(Graphics2D g, Rectangle2D p) {
        paintMatrix(g, m.values(), m.rows(), m.cols(), scale, p, (long) m.rows() * m.cols() <= MAX_VECTOR_CELLS,
                idPrefix + "cells");
    }

    private boolean hasText() {
        return m.hasCellText() && (long) m.rows() * m.cols() <= MAX_TEXT_CELLS;
    }

    private void paintCellText(Graphics2D g, Rectangle2D p) {
        double cw = p.getWidth() / m.cols();
        double ch = p.getHeight() / m.rows();
        if (cw < TEXT_MIN_W || ch < TEXT_MIN_H) {
            return;
        }
        boolean svg = g instanceof SVGGraphics2D;
        if (svg) {
            g.setRenderingHint(SVGHints.KEY_BEGIN_GROUP, idPrefix + "cell-text");
        }
        for (int r = 0; r < m.rows(); r++) {
            for (int c = 0; c < m.cols(); c++) {
                int i = r * m.cols() + c;
                String s = fit(Labels.display(m.cellText().get(i), 40), cw - 6);
                if (!s.isEmpty()) {
                    g.setColor(Draw.textOn(scale.argb(m.values()[i])));
                    Draw.text(g, Draw.LABEL, s, p.getX() + (c + 0.5) * cw, p.getY() + (r + 0.5) * ch, 0.5, Draw.V.MIDDLE);
                }
            }
        }
        if (svg) {
            g.setRenderingHint(SVGHints.KEY_END_GROUP, "true");
        }
    }

    /** The longest prefix that fits {@code room} with an ellipsis; empty when not even the ellipsis fits. */
    static String fit(String s, double room) {
        if (Draw.width(Draw.LABEL, s) <= room) {
            return s;
        }
        int n = s.codePointCount(0, s.length());
        for (int keep = n - 1; keep >= 0; keep--) {
            String cut = s.substring(0, s.offsetByCodePoints(0, keep)) + "\u2026";
            if (Draw.width(Draw.LABEL, cut) <= room) {
                return cut;
            }
        }
        return "";
    }

    /** Cells as rectangles (vector) or from a raster sized to the output's resolution. Shared with the grid figure. */
    static void paintMatrix(Graphics2D g, float[] values, int rows, int cols, ColorScale scale, Rectangle2D p,
            boolean vector, String groupId) {
        boolean svg = g instanceof SVGGraphics2D;
        if (svg && groupId != null) {
            g.setRenderingHint(SVGHints.KEY_BEGIN_GROUP, groupId);
        }
        Object aa = g.getRenderingHint(RenderingHints.KEY_ANTIALIASING);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        if (vector) {
            double cw = p.getWidth() / cols;
            double ch = p.getHeight() / rows;
            Map<Integer, Color> colors = new HashMap<>();
            Rectangle2D.Double cell = new Rectangle2D.Double();
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    int argb = scale.argb(values[r * cols + c]);
                    g.setColor(colors.computeIfAbsent(argb, Color::new));
                    cell.setRect(p.getX() + c * cw, p.getY() + r * ch,
                            cw + (c < cols - 1 ? OVERLAP : 0), ch + (r < rows - 1 ? OVERLAP : 0));
                    g.fill(cell);
                }
            }
        } else {
            AffineTransform t = g.getTransform();
            int maxW = svg ? 1024 : (int) Math.ceil(p.getWidth() * Math.max(1, Math.abs(t.getScaleX())));
            int maxH = svg ? 1024 : (int) Math.ceil(p.getHeight() * Math.max(1, Math.abs(t.getScaleY())));
            ColorRaster raster = ColorRaster.fitting(values, rows, cols, scale, maxW, maxH);
            BufferedImage img = new BufferedImage(raster.width(), raster.height(), BufferedImage.TYPE_INT_ARGB);
            img.setRGB(0, 0, raster.width(), raster.height(), raster.argb(), 0, raster.width());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            AffineTransform place = AffineTransform.getTranslateInstance(p.getX(), p.getY());
            place.scale(p.getWidth() / raster.width(), p.getHeight() / raster.height());
            g.drawImage(img, place, null);
        }
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, aa);
        if (svg && groupId != null) {
            g.setRenderingHint(SVGHints.KEY_END_GROUP, "true");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
