package dev.loupe.viewers;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.image.WritableImage;
import org.testfx.util.WaitForAsyncUtils;

/** Runs code on the FX thread and reads pixels back from snapshots. */
public final class FxTestSupport {
    private FxTestSupport() {
    }

    public static <T> T fx(Callable<T> c) {
        try {
            return WaitForAsyncUtils.asyncFx(c).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("FX call failed", e);
        }
    }

    public static void fxRun(Runnable r) {
        fx(() -> {
            r.run();
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** A snapshot of the node (its own coordinates map to image pixels when it has no scale or rotation). */
    public static WritableImage snapshot(Node node) {
        return fx(() -> node.snapshot(null, null));
    }

    public static int pixel(WritableImage img, double x, double y) {
        return img.getPixelReader().getArgb((int) Math.floor(x), (int) Math.floor(y));
    }

    /** Largest difference of the RGB channels. */
    public static int distance(int a, int b) {
        int d = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            d = Math.max(d, Math.abs((a >> shift & 255) - (b >> shift & 255)));
        }
        return d;
    }

    public static String hex(int argb) {
        return String.format("#%06x", argb & 0xFFFFFF);
    }
}
