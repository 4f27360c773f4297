package dev.loupe.plugin.result.builtin;

import dev.loupe.plugin.result.CsvWriter;
import dev.loupe.plugin.result.ImageResult;
import dev.loupe.plugin.result.ResultReader;
import dev.loupe.plugin.result.ResultType;
import dev.loupe.plugin.result.ResultWriter;
import java.io.IOException;
import java.util.List;

/** {@code "image"}: width, height, ARGB pixels ({@link ResultWriter#ints}). CSV: {@code x,y,r,g,b,a}. */
public final class ImageType implements ResultType<ImageResult> {

    @Override
    public String type() {
        return "image";
    }

    @Override
    public Class<ImageResult> resultClass() {
        return ImageResult.class;
    }

    @Override
    public void write(ImageResult i, ResultWriter o) {
        o.integer("width", i.width());
        o.integer("height", i.height());
        o.ints("argb", i.argb());
    }

    @Override
    public ImageResult read(String title, ResultReader f) {
        int width = f.integer("width", 0, Integer.MAX_VALUE);
        int height = f.integer("height", 0, Integer.MAX_VALUE);
        int[] argb = f.ints("argb");
        return f.guarded("argb", () -> new ImageResult(title, width, height, argb));
    }

    @Override
    public boolean hasCsv(ImageResult result) {
        return true;
    }

    @Override
    public void writeCsv(ImageResult img, CsvWriter csv) throws IOException {
        csv.row(List.of("x", "y", "r", "g", "b", "a"));
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                int p = img.argb()[y * img.width() + x];
                csv.integer(x);
                csv.integer(y);
                csv.integer(p >> 16 & 0xFF);
                csv.integer(p >> 8 & 0xFF);
                csv.integer(p & 0xFF);
                csv.integer(p >>> 24);
                csv.end();
            }
        }
    }
}
