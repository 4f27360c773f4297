package dev.loupe.app.ui;

import java.util.Locale;

/** Numbers as people read them on a model card. */
public final class Formats {
    private Formats() {
    }

    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    /** 124439808 -> "124.4 M"; small counts stay exact. */
    public static String count(long n) {
        if (n < 10_000) {
            return Long.toString(n);
        }
        String[] units = {"K", "M", "B", "T"};
        double v = n;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    public static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
