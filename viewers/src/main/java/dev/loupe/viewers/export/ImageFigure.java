package dev.loupe.viewers.export;

import dev.loupe.plugin.result.ImageResult;
import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;

/** An {@link ImageResult} with its title, scaled to fit with its aspect ratio kept; pixels stay sharp when enlarged. */
public final class ImageFigure implements Figure {
    private final ImageResult image;

    public ImageFigure(ImageResult image) {
        this.image = image;
    }

    private double top() {
        return Draw.MARGIN + (image.title().isBlank() ? 0 : Draw.lineHeight(Draw.TITLE) + 8);
    }

    @Override
    public Dimension preferredSize() {
        double w = image.width();
        double h = image.height();
        double s = Math.min(800 / Math.max(w, h), Math.max(1, Math.floor(256 / Math.max(w, h))));
        double fw = Math.max(w * s + 2 * Draw.MARGIN, Draw.width(Draw.TITLE, image.title()) + 2 * Draw.MARGIN);
        return new Dimension((int) Math.ceil(fw), (int) Math.ceil(top() + h * s + Draw.MARGIN));
    }

    @Override
    public void paint(Graphics2D g, double width, double height) {
        Draw.setup(g);
        Draw.background(g, width, height);
        double top = top();
        if (!image.title().isBlank()) {
            g.setColor(Draw.TEXT);
            Draw.text(g, Draw.TITLE, image.title(), width / 2, Draw.MARGIN, 0.5, Draw.V.TOP);
        }
        double availW = Math.max(1, width - 2 * Draw.MARGIN);
        double availH = Math.max(1, height - top - Draw.MARGIN);
        double s = Math.min(availW / image.width(), availH / image.height());
        BufferedImage img = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, image.width(), image.height(), image.argb(), 0, image.width());
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, s * Math.abs(g.getTransform().getScaleX()) >= 1
                ? RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR : RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        AffineTransform place = AffineTransform.getTranslateInstance(
                (width - image.width() * s) / 2, top + (availH - image.height() * s) / 2);
        place.scale(s, s);
        g.drawImage(img, place, null);
    }
}
