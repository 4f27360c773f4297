package dev.loupe.engine.input;

import dev.loupe.engine.LoupeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An image prepared for a vision model: its pixels after the family's preprocessing (resize, normalise) as
 * [channels, height, width] floats, where they came from (the file and the sha256 of its bytes, so a session can
 * tell the same picture from a changed one), the file's own size, and a label per token the model will see.
 *
 * <p>The vision families bring the pixel preprocessing; the token labels are decided here, once, by
 * {@link #tokenLabels}.
 *
 * @param source     the image file
 * @param sha256     of the file's bytes, 64 lowercase hex digits
 * @param width      the file's width in pixels (before preprocessing)
 * @param height     the file's height in pixels
 * @param pixels     the preprocessed pixels, row-major over {@code pixelShape}
 * @param pixelShape {channels, height, width} of {@code pixels}
 * @param labels     one per token: see {@link #tokenLabels}
 */
public record ImageInput(Path source, String sha256, int width, int height, float[] pixels, int[] pixelShape,
        List<String> labels) implements ModelInput {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public ImageInput {
        Objects.requireNonNull(source, "source");
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new LoupeException(source + ": sha256 \"" + sha256 + "\" is not 64 lowercase hex digits");
        }
        if (width <= 0 || height <= 0) {
            throw new LoupeException(source + ": image size " + width + "x" + height + " is not positive");
        }
        if (pixelShape == null || pixelShape.length != 3 || Arrays.stream(pixelShape).anyMatch(d -> d <= 0)) {
            throw new LoupeException(source + ": pixel shape " + Arrays.toString(pixelShape)
                    + " is not [channels, height, width] with every size positive");
        }
        long size = (long) pixelShape[0] * pixelShape[1] * pixelShape[2];
        if (pixels == null || pixels.length != size) {
            throw new LoupeException(source + ": " + (pixels == null ? 0 : pixels.length) + " pixel values for shape "
                    + Arrays.toString(pixelShape) + " (" + size + " expected)");
        }
        labels = List.copyOf(labels);
        if (labels.isEmpty()) {
            throw new LoupeException(source + ": an image input needs a label per token (see ImageInput.tokenLabels)");
        }
        pixels = pixels.clone();
        pixelShape = pixelShape.clone();
    }

    /**
     * The labels of a vision transformer's tokens, in the order the model sees them: "CLS" when it has a class
     * token, then "reg 0".."reg {n-1}" for its registers (DINOv2 with registers), then "patch row,col" over the patch
     * grid in row-major order.
     */
    public static List<String> tokenLabels(boolean cls, int registers, int gridRows, int gridCols) {
        if (registers < 0 || gridRows <= 0 || gridCols <= 0) {
            throw new LoupeException("a patch grid of " + gridRows + "x" + gridCols + " with " + registers
                    + " registers has no tokens to label");
        }
        List<String> out = new ArrayList<>(1 + registers + gridRows * gridCols);
        if (cls) {
            out.add("CLS");
        }
        for (int r = 0; r < registers; r++) {
            out.add("reg " + r);
        }
        for (int row = 0; row < gridRows; row++) {
            for (int col = 0; col < gridCols; col++) {
                out.add("patch " + row + "," + col);
            }
        }
        return out;
    }

    @Override
    public InputKind kind() {
        return InputKind.IMAGE;
    }

    @Override
    public float[] pixels() {
        return pixels.clone();
    }

    @Override
    public int[] pixelShape() {
        return pixelShape.clone();
    }

    @Override
    public int batchSize() {
        return 1;
    }

    @Override
    public int positions() {
        return labels.size();
    }

    @Override
    public String describe() {
        return "image " + source.getFileName() + " (" + width + "x" + height + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageInput i && source.equals(i.source) && sha256.equals(i.sha256) && width == i.width
                && height == i.height && Arrays.equals(pixels, i.pixels) && Arrays.equals(pixelShape, i.pixelShape)
                && labels.equals(i.labels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, sha256, width, height, Arrays.hashCode(pixels), Arrays.hashCode(pixelShape), labels);
    }

    @Override
    public String toString() {
        return "ImageInput[" + describe() + ", sha256=" + sha256 + "]";
    }
}
