package dev.loupe.viewers.fx;

import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.Text;

/** Small JavaFX helpers the views share: ARGB to Color, and measuring text for layout on a Canvas. */
public final class Fx {
    private Fx() {
    }

    public static final Color TEXT = Color.web("#222222");
    public static final Color FRAME = Color.web("#333333");
    /** Selection and focus marks: a colour neither viridis nor blue-white-red contains. */
    public static final Color ACCENT = Color.web("#ff6a00");

    public static Color color(int argb) {
        return Color.rgb(argb >> 16 & 255, argb >> 8 & 255, argb & 255, (argb >>> 24) / 255.0);
    }

    /** The ARGB of a JavaFX colour, e.g. a pixel read back from a snapshot. */
    public static int argb(Color c) {
        return (int) Math.round(c.getOpacity() * 255) << 24 | (int) Math.round(c.getRed() * 255) << 16
                | (int) Math.round(c.getGreen() * 255) << 8 | (int) Math.round(c.getBlue() * 255);
    }

    public static double textWidth(String s, Font font) {
        Text t = new Text(s);
        t.setFont(font);
        return t.getLayoutBounds().getWidth();
    }

    public static double lineHeight(Font font) {
        Text t = new Text("Mg");
        t.setFont(font);
        return t.getLayoutBounds().getHeight();
    }

    /** Widest of the labels, measuring no further once {@code cap} is reached. */
    public static double maxTextWidth(Iterable<String> labels, Font font, double cap) {
        double w = 0;
        for (String s : labels) {
            w = Math.max(w, textWidth(s, font));
            if (w >= cap) {
                return cap;
            }
        }
        return w;
    }

    /** Black or white text, whichever reads better on the background {@code argb}. */
    public static Color textOn(int argb) {
        double l = 0.299 * (argb >> 16 & 255) + 0.587 * (argb >> 8 & 255) + 0.114 * (argb & 255);
        return l > 0.55 * 255 ? Color.BLACK : Color.WHITE;
    }
}
