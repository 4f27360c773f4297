package dev.loupe.samples;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line console progress bar: steps, a caller-supplied status (the loss), rate and ETA. Redrawn in place
 * with a carriage return at most a few times a second, so it costs nothing next to a training step; when the
 * output is not a terminal (a log file) it prints a plain line every few percent instead. Used by train-samples and
 * by the command line's long analyses (the tuned lens's training).
 */
public final class ConsoleProgressBar {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 250_000_000L;

    private final String label;
    private final int total;
    private final PrintStream out;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastDraw;
    private int lastLoggedPercent = -1;

    public ConsoleProgressBar(String label, int total, PrintStream out) {
        this.label = label;
        this.total = total;
        this.out = out;
        this.terminal = System.console() != null;
    }

    public void update(int done, String status) {
        long now = System.nanoTime();
        boolean last = done >= total;
        if (terminal) {
            if (!last && now - lastDraw < REDRAW_NANOS) {
                return;
            }
            lastDraw = now;
            out.print("\r" + line(done, status, now) + (last ? "\n" : ""));
            out.flush();
        } else {
            int percent = (int) (100L * done / total);
            if (last || percent / 5 > lastLoggedPercent / 5) {
                lastLoggedPercent = percent;
                out.println(line(done, status, now));
            }
        }
    }

    private String line(int done, String status, long now) {
        double elapsed = (now - start) / 1e9;
        double rate = done / Math.max(elapsed, 1e-9);
        int filled = (int) ((long) WIDTH * done / total);
        String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
        String eta = done == 0 ? "--:--" : clock((total - done) / rate);
        return String.format(Locale.ROOT, "%s [%s] %d/%d  %s  %.2f step/s  elapsed %s  ETA %s",
                label, bar, done, total, status, rate, clock(elapsed), eta);
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
