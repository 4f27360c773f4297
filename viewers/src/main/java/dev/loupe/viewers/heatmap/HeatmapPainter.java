package dev.loupe.viewers.heatmap;

import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.color.ColorRaster;
import dev.loupe.viewers.color.ColorScale;
import dev.loupe.viewers.export.Labels;
import dev.loupe.viewers.fx.Fx;
import dev.loupe.viewers.heatmap.HeatmapView.DrawMode;
import dev.loupe.viewers.heatmap.HeatmapView.RenderStats;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;

/**
 * Paints a heatmap's visible part onto a canvas: cells one by one when they are large, else a colour raster of the
 * matrix (block-downsampled by powers of two per axis when cells are below a pixel), cell text, the selected row,
 * the frame and the axis labels. Rasters, colours and fitted cell text are cached; {@link #setScale} drops them.
 */
final class HeatmapPainter {
    private static final Font LABEL_FONT = Font.font(11);
    private static final Font LABEL_FONT_BOLD = Font.font(null, FontWeight.BOLD, 11);
    private static final Font AXIS_FONT = Font.font(12);
    private static final Font CELL_FONT = Font.font(12);
    // Tried before cutting a token with an ellipsis: fitted cells are narrower than the text's comfortable width.
    private static final Font SMALL_CELL_FONT = Font.font(10);
    private static final double LABEL_CAP = 140;

    private final MatrixResult m;
    private ColorScale scale;
    private final List<String> rowText;
    private final List<String> colText;
    private final double rowLabelWidth;
    private final double rotatedLabelHeight;
    // Text cells are wide: column labels that fit the fitted cells read side by side instead of rotated, as in the
    // logit-lens plots; chosen at layout (flatColLabelWidth 0 means rotated).
    private final double flatLabelRoom;
    private double flatColLabelWidth;
    private final Map<Long, WritableImage> rasters = new HashMap<>();
    private final Map<Integer, Color> colors = new HashMap<>();
    // Cell text cut to fit the current cell width; measuring text is the costly part of a redraw, so keep it.
    private final Map<Integer, Fitted> fittedText = new HashMap<>();
    private final Text measure = new Text();
    private double fittedWidth = -1;
    private RenderStats stats = new RenderStats(DrawMode.CELLS, 0, 0, 0, 0, 0, 1, 1, 0);

    HeatmapPainter(MatrixResult m, ColorScale scale) {
        this.m = m;
        this.scale = scale;
        rowText = m.rowLabels().stream().map(s -> Labels.display(s, 20)).toList();
        colText = m.colLabels().stream().map(s -> Labels.display(s, 20)).toList();
        rowLabelWidth = Fx.maxTextWidth(rowText, LABEL_FONT_BOLD, LABEL_CAP);
        double widest = Fx.maxTextWidth(colText, LABEL_FONT, LABEL_CAP);
        flatLabelRoom = m.hasCellText() ? widest + 8 : Double.POSITIVE_INFINITY;
        rotatedLabelHeight = widest;
    }

    ColorScale scale() {
        return scale;
    }

    void setScale(ColorScale newScale) {
        scale = newScale;
        rasters.clear();
        colors.clear();
    }

    /** What the last {@link #paint} did. */
    RenderStats stats() {
        return stats;
    }

    /** Places the plot on a canvas of this size, leaving room for the labels and axis names. */
    void layout(HeatmapViewport vp, double w, double h) {
        double axis = Fx.lineHeight(AXIS_FONT) + 6;
        double left = 6 + (blank(m.rowAxis()) ? 0 : axis) + rowLabelWidth + 8;
        double top = 8;
        double plotW = Math.max(1, w - left - 8);
        // Side by side when every label fits its fitted cell (a zoom does not flip them), else rotated. A trial plot
        // must not clamp the zoom the final one allows, so each trial starts from the zoom as it was.
        double zoom = vp.zoom();
        double row = vp.originRow();
        double col = vp.originCol();
        for (boolean flat : new boolean[] {true, false}) {
            double labels = flat ? Fx.lineHeight(LABEL_FONT) : rotatedLabelHeight;
            double bottom = 6 + (blank(m.colAxis()) ? 0 : axis) + labels + 8;
            vp.setPlot(left, top, plotW, Math.max(1, h - top - bottom));
            vp.set(zoom, row, col);
            flatColLabelWidth = flat ? flatLabelRoom : 0;
            if (!flat || flatLabelRoom <= vp.fittedCellW()) {
                return;
            }
        }
    }

    void paint(GraphicsContext g, double w, double h, HeatmapViewport vp, int selectedRow) {
        g.clearRect(0, 0, w, h);
        if (w <= 0 || h <= 0 || vp.plotW() <= 1 || vp.plotH() <= 1 || m.rows() == 0 || m.cols() == 0) {
            return;
        }
        int[] v = vp.visible();
        int r0 = v[0];
        int r1 = v[1];
        int c0 = v[2];
        int c1 = v[3];
        g.save();
        g.beginPath();
        g.rect(vp.plotX(), vp.plotY(), vp.plotW(), vp.plotH());
        g.clip();
        if (Math.min(vp.cellW(), vp.cellH()) >= HeatmapView.CELL_MODE_MIN_PX) {
            drawCells(g, vp, r0, r1, c0, c1);
        } else {
            drawRaster(g, vp, r0, r1, c0, c1);
        }
        if (selectedRow >= r0 && selectedRow < r1) {
            double y = vp.y(selectedRow);
            for (int pass = 0; pass < 2; pass++) {
                g.setStroke(pass == 0 ? Color.WHITE : Fx.ACCENT);
                g.setLineWidth(pass == 0 ? 3 : 2);
                g.strokeRect(vp.plotX() + 1.5, y - 0.5, vp.plotW() - 3, vp.cellH() + 1);
            }
        }
        g.restore();

        g.setStroke(Fx.FRAME);
        g.setLineWidth(1);
        g.strokeRect(Math.floor(vp.plotX()) - 0.5, Math.floor(vp.plotY()) - 0.5, Math.ceil(vp.plotW()) + 1,
                Math.ceil(vp.plotH()) + 1);
        drawLabels(g, h, vp, r0, r1, c0, c1, selectedRow);
    }

    private void drawCells(GraphicsContext g, HeatmapViewport vp, int r0, int r1, int c0, int c1) {
        long touched = 0;
        for (int r = r0; r < r1; r++) {
            // Edges snapped to whole pixels: neighbouring cells share an edge, so no seams and no blending.
            double y0 = Math.round(vp.y(r));
            double y1 = Math.round(vp.y(r + 1));
            int base = r * m.cols();
            for (int c = c0; c < c1; c++) {
                double x0 = Math.round(vp.x(c));
                double x1 = Math.round(vp.x(c + 1));
                g.setFill(colors.computeIfAbsent(scale.argb(m.values()[base + c]), Fx::color));
                g.fillRect(x0, y0, x1 - x0, y1 - y0);
                touched++;
            }
        }
        boolean text = m.hasCellText() && vp.cellW() >= HeatmapView.TEXT_MIN_W && vp.cellH() >= HeatmapView.TEXT_MIN_H;
        long texts = text ? drawCellText(g, vp, r0, r1, c0, c1) : 0;
        stats = new RenderStats(DrawMode.CELLS, r0, r1, c0, c1, touched, 1, 1, texts);
    }

    private long drawCellText(GraphicsContext g, HeatmapViewport vp, int r0, int r1, int c0, int c1) {
        double room = vp.cellW() - 6;
        if (room != fittedWidth) {
            fittedText.clear();
            fittedWidth = room;
        }
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        long drawn = 0;
        for (int r = r0; r < r1; r++) {
            double y = vp.y(r + 0.5);
            for (int c = c0; c < c1; c++) {
                int i = r * m.cols() + c;
                Fitted fitted = fittedText.computeIfAbsent(i, k -> fit(m.cellText().get(k), room));
                if (fitted.text().isEmpty()) {
                    continue;
                }
                g.setFont(fitted.font());
                g.setFill(Fx.textOn(scale.argb(m.values()[i])));
                g.fillText(fitted.text(), vp.x(c + 0.5), y);
                drawn++;
            }
        }
        return drawn;
    }

    /** Cell text as drawn, in the font it is drawn in. */
    private record Fitted(String text, Font font) {
    }

    /**
     * The text as shown (escapes for control characters): whole in the cell font if it fits {@code room} pixels,
     * else whole in the smaller font, else cut with an ellipsis in the smaller font (the hover shows all of it).
     */
    private Fitted fit(String raw, double room) {
        String s = Labels.display(raw, 40);
        measure.setFont(CELL_FONT);
        if (textWidth(s) <= room) {
            return new Fitted(s, CELL_FONT);
        }
        measure.setFont(SMALL_CELL_FONT);
        if (textWidth(s) <= room) {
            return new Fitted(s, SMALL_CELL_FONT);
        }
        // Longest prefix (in code points) that fits with the ellipsis; a bare ellipsis if nothing does.
        int lo = 0;
        int hi = s.codePointCount(0, s.length());
        while (lo < hi) {
            int mid = (lo + hi + 1) / 2;
            if (textWidth(s.substring(0, s.offsetByCodePoints(0, mid)) + "\u2026") <= room) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        String cut = s.substring(0, s.offsetByCodePoints(0, lo)) + "\u2026";
        return new Fitted(lo == 0 && textWidth(cut) > room ? "" : cut, SMALL_CELL_FONT);
    }

    private double textWidth(String s) {
        measure.setText(s);
        return measure.getLayoutBounds().getWidth();
    }

    private void drawRaster(GraphicsContext g, HeatmapViewport vp, int r0, int r1, int c0, int c1) {
        double cw = vp.cellW();
        double ch = vp.cellH();
        int fx = downsample(cw, m.cols());
        int fy = downsample(ch, m.rows());
        WritableImage img = raster(fx, fy);
        double sx = vp.originCol() / fx;
        double sy = vp.originRow() / fy;
        double sw = Math.min(img.getWidth() - sx, vp.plotW() / cw / fx);
        double sh = Math.min(img.getHeight() - sy, vp.plotH() / ch / fy);
        g.setImageSmoothing(false);
        g.drawImage(img, sx, sy, sw, sh, vp.plotX(), vp.plotY(), sw * fx * cw, sh * fy * ch);
        long texels = (long) (Math.ceil(sx + sw) - Math.floor(sx)) * (long) (Math.ceil(sy + sh) - Math.floor(sy));
        stats = new RenderStats(DrawMode.IMAGE, r0, r1, c0, c1, texels, fx, fy, 0);
    }

    /**
     * The smallest power of two of cells per raster texel that makes a texel at least a pixel: coarser loses detail,
     * finer makes nearest-neighbour scaling skip cells (and a skipped peak is a missing feature).
     */
    static int downsample(double cellPx, int n) {
        int f = 1;
        while (cellPx * f < 1 && f < n) {
            f *= 2;
        }
        return f;
    }

    private WritableImage raster(int fx, int fy) {
        return rasters.computeIfAbsent((long) fx << 32 | fy, k -> {
            ColorRaster r = ColorRaster.of(m.values(), m.rows(), m.cols(), scale, fx, fy);
            WritableImage img = new WritableImage(r.width(), r.height());
            img.getPixelWriter().setPixels(0, 0, r.width(), r.height(), PixelFormat.getIntArgbInstance(), r.argb(), 0,
                    r.width());
            return img;
        });
    }

    private void drawLabels(GraphicsContext g, double h, HeatmapViewport vp, int r0, int r1, int c0, int c1, int sel) {
        double lh = Fx.lineHeight(LABEL_FONT);
        double plotX = vp.plotX();
        double plotY = vp.plotY();
        double plotW = vp.plotW();
        double plotH = vp.plotH();

        g.save();
        g.beginPath();
        g.rect(0, plotY - 1, plotX, plotH + 2);
        g.clip();
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        int rowStep = (int) Math.max(1, Math.ceil(lh * 1.1 / vp.cellH()));
        for (int r = r0 - r0 % rowStep; r < r1; r += rowStep) {
            drawRowLabel(g, vp, r, r == sel);
        }
        if (sel >= r0 && sel < r1 && sel % rowStep != 0) {
            drawRowLabel(g, vp, sel, true); // the selection is always labelled
        }
        g.restore();

        g.save();
        g.beginPath();
        g.rect(plotX - 1, plotY + plotH, plotW + 2, h);
        g.clip();
        g.setFont(LABEL_FONT);
        g.setFill(Fx.TEXT);
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        if (flatColLabelWidth > 0) {
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.TOP);
            int step = (int) Math.max(1, Math.ceil(flatColLabelWidth / vp.cellW()));
            for (int c = c0 - c0 % step; c < c1; c += step) {
                g.fillText(colText.get(c), vp.x(c + 0.5), plotY + plotH + 6);
            }
        } else {
            int colStep = (int) Math.max(1, Math.ceil(lh * 1.1 / vp.cellW()));
            for (int c = c0 - c0 % colStep; c < c1; c += colStep) {
                g.save();
                g.translate(vp.x(c + 0.5), plotY + plotH + 8);
                g.rotate(-90);
                g.fillText(colText.get(c), 0, 0);
                g.restore();
            }
        }
        g.restore();

        g.setFont(AXIS_FONT);
        g.setFill(Fx.TEXT);
        g.setTextAlign(TextAlignment.CENTER);
        if (!blank(m.colAxis())) {
            g.setTextBaseline(VPos.BOTTOM);
            g.fillText(m.colAxis(), plotX + plotW / 2, h - 4);
        }
        if (!blank(m.rowAxis())) {
            g.save();
            g.translate(6, plotY + plotH / 2);
            g.rotate(-90);
            g.setTextBaseline(VPos.TOP);
            g.fillText(m.rowAxis(), 0, 0);
            g.restore();
        }
    }

    private void drawRowLabel(GraphicsContext g, HeatmapViewport vp, int r, boolean selected) {
        double y = vp.y(r + 0.5);
        if (selected) {
            double w = Fx.textWidth(rowText.get(r), LABEL_FONT_BOLD) + 6;
            g.setFill(Fx.ACCENT.deriveColor(0, 1, 1, 0.25));
            g.fillRect(vp.plotX() - 5 - w, y - Fx.lineHeight(LABEL_FONT) / 2, w, Fx.lineHeight(LABEL_FONT));
        }
        g.setFont(selected ? LABEL_FONT_BOLD : LABEL_FONT);
        g.setFill(Fx.TEXT);
        g.fillText(rowText.get(r), vp.plotX() - 8, y);
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
