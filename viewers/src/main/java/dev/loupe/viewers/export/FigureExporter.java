package dev.loupe.viewers.export;

import com.google.gson.JsonObject;
import dev.loupe.engine.io.AtomicFiles;
import dev.loupe.plugin.result.Result;
import dev.loupe.viewers.spi.ResultRenderers;
import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGUtils;

/**
 * Writes any result's figure as PNG or SVG without the JavaFX toolkit: the CLI uses it on servers and the views'
 * export buttons call it too, so both produce the same figure. Java2D onto a BufferedImage for PNG, onto JFreeSVG's
 * SVGGraphics2D for SVG (vector: rectangles, paths and text elements).
 */
public final class FigureExporter {
    private FigureExporter() {
    }

    /** PNGs written without an explicit size are this many pixels per figure unit: sharp in print and on HiDPI. */
    public static final double DEFAULT_PNG_SCALE = 2;

    /**
     * The view-state flag (see HeatmapView) that a heatmap's colours are clipped to the bulk of its values; a
     * figure made with that state is coloured the same way.
     */
    public static final String CLIP_OUTLIERS = "clipOutliers";

    /**
     * The figure for a result as its view shows it (a heatmap with clipped colours stays clipped): drawn by the
     * renderer installed for the result's view kind. IllegalArgumentException when that kind has no figure.
     */
    public static Figure figure(Result result, JsonObject viewState) {
        return ResultRenderers.figure(Objects.requireNonNull(result), viewState);
    }

    /** The figure for a result, as a fresh view shows it. */
    public static Figure figure(Result result) {
        return figure(result, null);
    }

    /**
     * How many output pixels one figure unit becomes at this output size: the figure is laid out at (width / s,
     * height / s) and scaled by s, so text keeps its proportion to the figure whatever size is asked for.
     */
    public static double scaleFor(Figure figure, int width, int height) {
        Dimension p = figure.preferredSize();
        double s = Math.min(width / (double) Math.max(1, p.width), height / (double) Math.max(1, p.height));
        return Math.max(0.25, Math.min(8, s));
    }

    public static BufferedImage render(Figure figure, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            double s = scaleFor(figure, width, height);
            g.scale(s, s);
            figure.paint(g, width / s, height / s);
        } finally {
            g.dispose();
        }
        return img;
    }

    public static BufferedImage render(Result result, int width, int height) {
        return render(figure(result), width, height);
    }

    /** A PNG of exactly {@code width} x {@code height} pixels. */
    public static void writePng(Result result, Path file, int width, int height) throws IOException {
        BufferedImage img = render(result, width, height);
        AtomicFiles.write(AtomicFiles.withParentFolders(file), out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    /** A PNG at the figure's natural size times {@link #DEFAULT_PNG_SCALE}. */
    public static void writePng(Result result, Path file) throws IOException {
        writePng(figure(result), file);
    }

    /** As {@link #writePng(Result, Path)}, drawn as the view with this state shows it. */
    public static void writePng(Result result, JsonObject viewState, Path file) throws IOException {
        writePng(figure(result, viewState), file);
    }

    private static void writePng(Figure figure, Path file) throws IOException {
        Dimension p = figure.preferredSize();
        BufferedImage img = render(figure, (int) Math.round(p.width * DEFAULT_PNG_SCALE),
                (int) Math.round(p.height * DEFAULT_PNG_SCALE));
        AtomicFiles.write(AtomicFiles.withParentFolders(file), out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    /** The figure as an SVG document at its natural size. */
    public static String toSvg(Result result) {
        return toSvg(figure(result));
    }

    /** As {@link #toSvg(Result)}, drawn as the view with this state shows it. */
    public static String toSvg(Result result, JsonObject viewState) {
        return toSvg(figure(result, viewState));
    }

    private static String toSvg(Figure f) {
        Dimension p = f.preferredSize();
        SVGGraphics2D g = new SVGGraphics2D(p.width, p.height);
        // Three decimals are far below a printed dot and keep files with many cells small.
        g.setGeomDoubleConverter(SVGUtils.createDoubleConverter(3));
        // JFreeSVG's default id prefix is a timestamp; a fixed one makes the same figure the same file (diffable).
        g.setDefsKeyPrefix("loupe-");
        f.paint(g, p.width, p.height);
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + g.getSVGElement() + "\n";
    }

    public static void writeSvg(Result result, Path file) throws IOException {
        writeSvg(result, null, file);
    }

    /** As {@link #writeSvg(Result, Path)}, drawn as the view with this state shows it. */
    public static void writeSvg(Result result, JsonObject viewState, Path file) throws IOException {
        byte[] svg = toSvg(figure(result, viewState)).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(AtomicFiles.withParentFolders(file), out -> out.write(svg));
    }
}
