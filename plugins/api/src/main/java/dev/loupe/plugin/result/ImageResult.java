package dev.loupe.plugin.result;

/** An image as ARGB pixels row-major (depth maps, attention overlays). */
public record ImageResult(String title, int width, int height, int[] argb) implements Result {
    public ImageResult {
        if (argb.length != (long) width * height) {
            throw new IllegalArgumentException("argb has " + argb.length + " pixels for " + width + "x" + height);
        }
    }
}
