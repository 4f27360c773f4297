package dev.loupe.app.ui;

import java.nio.file.Path;
import java.util.Locale;

/** File names the app proposes and completes in its choosers. */
public final class FileNames {
    private FileNames() {
    }

    /** The file as chosen, with {@code .ext} added when the name does not already end in it. */
    public static Path withExtension(Path file, String ext) {
        String name = file.getFileName().toString();
        return name.toLowerCase(Locale.ROOT).endsWith("." + ext) ? file : file.resolveSibling(name + "." + ext);
    }

    /** The name up to its first dot: "run.loupe-export" -> "run". */
    public static String baseName(String name) {
        int dot = name.indexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** A title as a file name any platform accepts, at most 60 characters. */
    public static String safeName(String title) {
        String s = title.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("_+", "_");
        return s.length() > 60 ? s.substring(0, 60) : s;
    }
}
