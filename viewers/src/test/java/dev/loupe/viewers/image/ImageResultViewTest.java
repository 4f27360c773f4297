package dev.loupe.viewers.image;

import static dev.loupe.viewers.FxTestSupport.fx;
import static dev.loupe.viewers.FxTestSupport.fxRun;
import static dev.loupe.viewers.FxTestSupport.hex;
import static dev.loupe.viewers.FxTestSupport.pixel;
import static dev.loupe.viewers.FxTestSupport.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.plugin.result.ImageResult;
import javafx.geometry.Bounds;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class ImageResultViewTest {
    private StackPane root;

    @Start
    void start(Stage stage) {
        root = new StackPane();
        stage.setScene(new Scene(root, 500, 400));
        stage.show();
    }

    @Test
    void imageIsFittedWithSharpPixels() {
        // 2 x 2: red, green / blue, white.
        ImageResult img = new ImageResult("depth", 2, 2, new int[] {0xFFFF0000, 0xFF00FF00, 0xFF0000FF, 0xFFFFFFFF});
        ImageResultView view = fx(() -> new ImageResultView(img));
        fxRun(() -> root.getChildren().setAll(view));
        Bounds b = fx(() -> view.imageView().getBoundsInParent());
        assertTrue(b.getWidth() > 100, "enlarged to fit: " + b);
        assertEquals(b.getWidth(), b.getHeight(), 1, "aspect ratio kept");
        Bounds holder = fx(() -> view.imageView().getParent().getLayoutBounds());
        assertEquals(holder.getWidth() / 2, b.getCenterX(), 1, "centred horizontally");
        assertEquals(holder.getHeight() / 2, b.getCenterY(), 1, "centred vertically");
        WritableImage shot = snapshot(view.imageView());
        double w = shot.getWidth();
        double h = shot.getHeight();
        assertEquals("#ff0000", hex(pixel(shot, w * 0.25, h * 0.25)));
        assertEquals("#0000ff", hex(pixel(shot, w * 0.25, h * 0.75)));
        assertEquals("#ffffff", hex(pixel(shot, w * 0.75, h * 0.75)));
        // Without smoothing the quadrant boundary stays hard: just left of the middle is still pure red.
        assertEquals("#ff0000", hex(pixel(shot, w * 0.5 - 3, h * 0.25)));
    }
}
