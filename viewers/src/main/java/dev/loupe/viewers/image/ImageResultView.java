package dev.loupe.viewers.image;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.ImageResult;
import dev.loupe.plugin.result.Result;
import dev.loupe.viewers.ResultPane;
import dev.loupe.viewers.ViewStates;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Pane;

/**
 * An {@link ImageResult} (depth map, overlay) fitted to the view with its aspect ratio kept. Enlarged pixels stay
 * pixels rather than blurring into detail that is not there: small images are enlarged by whole multiples here
 * (nearest neighbour), because not every rendering pipeline honours ImageView's smooth=false.
 */
public final class ImageResultView extends ResultPane<ImageResult> {
    private static final int ENLARGE_TO = 1024;

    private final ImageView imageView;
    private final Pane holder;

    public ImageResultView(ImageResult result) {
        super(result);
        imageView = new ImageView(enlarged(result));
        imageView.setPreserveRatio(true);
        imageView.setSmooth(false);
        // The holder's size drives the fit, not the image's, so the view can shrink as well as grow.
        imageView.setManaged(false);
        holder = new Pane(imageView) {
            @Override
            protected void layoutChildren() {
                imageView.setFitWidth(getWidth());
                imageView.setFitHeight(getHeight());
                var b = imageView.getLayoutBounds();
                imageView.relocate((getWidth() - b.getWidth()) / 2, (getHeight() - b.getHeight()) / 2);
            }
        };
        holder.setMinSize(50, 50);
        holder.setPrefSize(Math.max(200, Math.min(800, result.width())), Math.max(200, Math.min(800, result.height())));
        getStyleClass().add("loupe-image");
        if (!result.title().isBlank()) {
            Label title = new Label(result.title());
            title.setStyle("-fx-font-weight: bold; -fx-padding: 4 8 2 8;");
            setTop(title);
        }
        setCenter(holder);
    }

    private static WritableImage enlarged(ImageResult r) {
        int w = Math.max(1, r.width());
        int h = Math.max(1, r.height());
        int k = Math.max(1, ENLARGE_TO / Math.max(w, h));
        WritableImage img = new WritableImage(w * k, h * k);
        if (r.width() == 0 || r.height() == 0) {
            return img;
        }
        int[] row = new int[w * k];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w * k; x++) {
                row[x] = r.argb()[y * w + x / k];
            }
            for (int dy = 0; dy < k; dy++) {
                img.getPixelWriter().setPixels(0, y * k + dy, w * k, 1, PixelFormat.getIntArgbInstance(), row, 0, w * k);
            }
        }
        return img;
    }

    public ImageView imageView() {
        return imageView;
    }

    @Override
    public JsonObject viewState() {
        JsonObject o = new JsonObject();
        o.addProperty("smooth", imageView.isSmooth());
        return o;
    }

    @Override
    public void restoreViewState(JsonObject state) {
        imageView.setSmooth(ViewStates.getBoolean(state, "smooth", false));
    }
}
