package dev.loupe.viewers.color;

import dev.loupe.viewers.fx.Fx;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * A vertical colour bar for a {@link ColorScale}: the gradient, round-number ticks and an optional rotated label.
 * The bar's vertical span can be inset so that it lines up with a plot beside it.
 */
public final class ColorBar extends javafx.scene.layout.Region {
    private static final double BAR = 14;
    private static final double TICK = 4;
    private static final double GAP = 3;
    private static final double PAD = 8;
    private static final Font TICK_FONT = Font.font(11);
    private static final Font LABEL_FONT = Font.font(12);

    private final Canvas canvas = new Canvas();
    private final ColorScale scale;
    private final String label;
    private double insetTop = 6;
    private double insetBottom = 6;

    public ColorBar(ColorScale scale, String label) {
        this.scale = scale;
        this.label = label == null ? "" : label;
        getChildren().add(canvas);
        getStyleClass().add("loupe-color-bar");
    }

    public ColorScale scale() {
        return scale;
    }

    /** Puts the bar between {@code top} and {@code height - bottom}, e.g. level with a heatmap's cells. */
    public void setBarInsets(double top, double bottom) {
        if (top != insetTop || bottom != insetBottom) {
            insetTop = top;
            insetBottom = bottom;
            draw();
        }
    }

    /** Where value {@code v} sits on the bar, in this node's coordinates. */
    public double yOf(double v) {
        double h = Math.max(1, getHeight() - insetTop - insetBottom);
        return insetTop + (1 - scale.fraction(v)) * h;
    }

    @Override
    protected double computePrefWidth(double height) {
        double w = 0;
        for (String t : scale.tickLabels(6)) {
            w = Math.max(w, Fx.textWidth(t, TICK_FONT));
        }
        return PAD + BAR + TICK + GAP + w + (label.isBlank() ? 0 : 6 + Fx.lineHeight(LABEL_FONT)) + PAD;
    }

    @Override
    protected double computePrefHeight(double width) {
        return 200;
    }

    @Override
    protected void layoutChildren() {
        canvas.setWidth(getWidth());
        canvas.setHeight(getHeight());
        draw();
    }

    private void draw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.clearRect(0, 0, w, h);
        double barH = h - insetTop - insetBottom;
        if (barH < 4) {
            return;
        }
        double x = PAD;
        // One line per device pixel row: exact colours of the scale, no gradient interpolation of our own.
        for (int i = 0; i < Math.ceil(barH); i++) {
            double f = 1 - (i + 0.5) / barH;
            g.setFill(Fx.color(scale.argb(scale.min() + f * (scale.max() - scale.min()))));
            g.fillRect(x, insetTop + i, BAR, Math.min(1, barH - i));
        }
        g.setStroke(Fx.FRAME);
        g.setLineWidth(1);
        g.strokeRect(x + 0.5, insetTop + 0.5, BAR - 1, barH - 1);
        int maxTicks = (int) Math.max(2, Math.min(8, barH / 36));
        double[] ticks = scale.ticks(maxTicks);
        String[] labels = scale.tickLabels(maxTicks);
        g.setFont(TICK_FONT);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        double labelRight = x + BAR;
        for (int i = 0; i < ticks.length; i++) {
            double t = ticks[i];
            double y = Math.round(yOf(t)) + 0.5;
            g.setStroke(Fx.FRAME);
            g.strokeLine(x + BAR, y, x + BAR + TICK, y);
            g.setFill(Fx.TEXT);
            String s = labels[i];
            g.fillText(s, x + BAR + TICK + GAP, y);
            labelRight = Math.max(labelRight, x + BAR + TICK + GAP + Fx.textWidth(s, TICK_FONT));
        }
        if (!label.isBlank()) {
            g.save();
            g.translate(labelRight + 6, insetTop + barH / 2);
            g.rotate(-90);
            g.setFont(LABEL_FONT);
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.TOP);
            g.setFill(Fx.TEXT);
            g.fillText(label, 0, 0);
            g.restore();
        }
    }

    /** For tests and for themes: the colour the bar shows at value {@code v}. */
    public Color colorAt(double v) {
        return Fx.color(scale.argb(v));
    }
}
