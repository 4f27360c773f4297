package dev.loupe.viewers.color;

/**
 * Colour-mapped pixels of a row-major matrix, optionally downsampled in blocks. The heatmap draws from these when
 * its cells are smaller than a pixel, thumbnails are made of them, and exports use them for matrices too large for
 * one vector rectangle per cell. Toolkit-free: plain ARGB ints.
 *
 * <p>A block shows its peak, not its mean: the largest value, or on a scale centred on zero the value of largest
 * magnitude. Attention is sparse; a mean over a block washes out a sharp diagonal or an attention sink, which are
 * exactly what a zoomed-out overview must still show.
 */
public record ColorRaster(int width, int height, int[] argb) {

    /**
     * Each pixel is the peak of a {@code fx} x {@code fy} block of cells (NaN cells ignored; grey when a block is all
     * NaN), coloured by {@code scale}. Factors of 1 give one pixel per cell.
     */
    public static ColorRaster of(float[] values, int rows, int cols, ColorScale scale, int fx, int fy) {
        if (fx < 1 || fy < 1) {
            throw new IllegalArgumentException("block factors must be >= 1");
        }
        int w = (cols + fx - 1) / fx;
        int h = (rows + fy - 1) / fy;
        int[] out = new int[w * h];
        if (fx == 1 && fy == 1) {
            for (int i = 0; i < out.length; i++) {
                out[i] = scale.argb(values[i]);
            }
            return new ColorRaster(w, h, out);
        }
        boolean signed = scale.min() == -scale.max();
        float[] peak = new float[w];
        for (int by = 0; by < h; by++) {
            java.util.Arrays.fill(peak, Float.NaN);
            int r1 = Math.min(rows, (by + 1) * fy);
            for (int r = by * fy; r < r1; r++) {
                int base = r * cols;
                for (int c = 0; c < cols; c++) {
                    float v = values[base + c];
                    float p = peak[c / fx];
                    // NaN compares false, so a real value always replaces a NaN peak and NaN never replaces one.
                    if (Float.isNaN(p) || (signed ? Math.abs(v) > Math.abs(p) : v > p)) {
                        peak[c / fx] = v;
                    }
                }
            }
            for (int bx = 0; bx < w; bx++) {
                out[by * w + bx] = scale.argb(peak[bx]);
            }
        }
        return new ColorRaster(w, h, out);
    }

    /** Block-averaged so that the result is at most {@code maxW} x {@code maxH} pixels. */
    public static ColorRaster fitting(float[] values, int rows, int cols, ColorScale scale, int maxW, int maxH) {
        int fx = Math.max(1, (cols + maxW - 1) / Math.max(1, maxW));
        int fy = Math.max(1, (rows + maxH - 1) / Math.max(1, maxH));
        return of(values, rows, cols, scale, fx, fy);
    }
}
