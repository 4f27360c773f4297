package dev.loupe.viewers.export;

import dev.loupe.plugin.result.TokenScoresResult;
import dev.loupe.viewers.color.ColorScale;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.util.ArrayList;
import java.util.List;

/** A {@link TokenScoresResult} as running text of coloured token chips, with a horizontal colour bar below. */
public final class TokenScoresFigure implements Figure {
    static final Font TOKEN = new Font(Draw.FAMILY, Font.PLAIN, 13);
    private static final double PAD_X = 4;
    private static final double GAP = 3;
    private static final Color CHIP_EDGE = new Color(0, 0, 0, 40);

    private final TokenScoresResult r;
    private final ColorScale scale;
    private final List<String> text;

    public TokenScoresFigure(TokenScoresResult r) {
        this(r, ColorScale.forValues(r.scores(), r.diverging()));
    }

    public TokenScoresFigure(TokenScoresResult r, ColorScale scale) {
        this.r = r;
        this.scale = scale;
        text = r.tokens().stream().map(t -> Labels.display(t, 40)).toList();
    }

    public ColorScale scale() {
        return scale;
    }

    private double top() {
        return Draw.MARGIN + (r.title().isBlank() ? 0 : Draw.lineHeight(Draw.TITLE) + 10);
    }

    /** The chip of each token when the figure is {@code width} wide. */
    public List<Rectangle2D> chips(double width) {
        double chipH = Draw.lineHeight(TOKEN) + 6;
        double x = Draw.MARGIN;
        double y = top();
        double right = Math.max(Draw.MARGIN + 40, width - Draw.MARGIN);
        List<Rectangle2D> out = new ArrayList<>(text.size());
        for (String t : text) {
            double w = Math.max(8, Draw.width(TOKEN, t)) + 2 * PAD_X;
            if (x + w > right && x > Draw.MARGIN) {
                x = Draw.MARGIN;
                y += chipH + 4;
            }
            out.add(new Rectangle2D.Double(x, y, w, chipH));
            x += w + GAP;
        }
        return out;
    }

    private double chipsBottom(List<Rectangle2D> chips) {
        return chips.isEmpty() ? top() : chips.get(chips.size() - 1).getMaxY();
    }

    @Override
    public Dimension preferredSize() {
        double w = Math.max(640, Draw.width(Draw.TITLE, r.title()) + 2 * Draw.MARGIN);
        double h = chipsBottom(chips(w)) + 18 + ColorBarPainter.horizontalHeight(r.scoreLabel()) + Draw.MARGIN;
        return new Dimension((int) Math.ceil(w), (int) Math.ceil(h));
    }

    @Override
    public void paint(Graphics2D g, double width, double height) {
        Draw.setup(g);
        Draw.background(g, width, height);
        if (!r.title().isBlank()) {
            g.setColor(Draw.TEXT);
            Draw.text(g, Draw.TITLE, r.title(), Draw.MARGIN, Draw.MARGIN, 0, Draw.V.TOP);
        }
        List<Rectangle2D> chips = chips(width);
        for (int i = 0; i < chips.size(); i++) {
            Rectangle2D c = chips.get(i);
            int argb = scale.argb(r.scores()[i]);
            g.setColor(new Color(argb));
            RoundRectangle2D chip = new RoundRectangle2D.Double(c.getX(), c.getY(), c.getWidth(), c.getHeight(), 5, 5);
            g.fill(chip);
            // A faint outline keeps near-white chips (scores near zero on a diverging scale) visible as chips.
            g.setColor(CHIP_EDGE);
            g.setStroke(Draw.HAIRLINE);
            g.draw(chip);
            g.setColor(Draw.textOn(argb));
            Draw.text(g, TOKEN, text.get(i), c.getX() + PAD_X, c.getCenterY(), 0, Draw.V.MIDDLE);
        }
        double barW = Math.min(320, width - 2 * Draw.MARGIN);
        ColorBarPainter.paintHorizontal(g, scale, Draw.MARGIN, chipsBottom(chips) + 18, barW, r.scoreLabel());
    }
}
