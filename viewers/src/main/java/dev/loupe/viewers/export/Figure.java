package dev.loupe.viewers.export;

import java.awt.Dimension;
import java.awt.Graphics2D;

/**
 * A publication figure drawn with Java2D, so the same code paints PNGs (BufferedImage), vector SVGs (JFreeSVG) and,
 * through the views' export buttons, what the app saves. Coordinates are figure units, about a screen pixel each;
 * {@link FigureExporter} scales them to the requested output size.
 */
public interface Figure {

    /** The size at which the figure's text and marks have their intended proportions. */
    Dimension preferredSize();

    /** Paints the whole figure into [0, width] x [0, height], background included. */
    void paint(Graphics2D g, double width, double height);
}
