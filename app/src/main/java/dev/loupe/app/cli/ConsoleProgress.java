package dev.loupe.app.cli;

import dev.loupe.plugin.Progress;
import dev.loupe.samples.ConsoleProgressBar;
import java.io.PrintStream;
import java.util.function.BooleanSupplier;

/**
 * A plugin's progress as a bar on stderr, for headless runs that take a while (the tuned lens trains for minutes).
 * Nothing is drawn for work that ends within the first second, so quick analyses print only their result.
 * Cancelled once Ctrl+C asked the run to stop (see {@link StopOnSignal}).
 */
final class ConsoleProgress implements Progress {
    private static final long QUIET_NANOS = 1_000_000_000L;

    private final PrintStream err;
    private final long quietNanos;
    private final BooleanSupplier cancelled;
    private final long start = System.nanoTime();
    private String task = "working";
    private long total;
    private long done;
    private String status = "";
    private ConsoleProgressBar bar;

    ConsoleProgress(PrintStream err, BooleanSupplier cancelled) {
        this(err, QUIET_NANOS, cancelled);
    }

    /**
     * @param quietNanos how long work may run before the bar appears
     * @param cancelled whether the user asked the run to stop
     */
    ConsoleProgress(PrintStream err, long quietNanos, BooleanSupplier cancelled) {
        this.err = err;
        this.quietNanos = quietNanos;
        this.cancelled = cancelled;
    }

    @Override
    public void begin(String task, long totalWork) {
        this.task = task;
        this.total = totalWork;
        this.done = 0;
        this.status = "";
        this.bar = null; // a new task gets a bar of its own
        draw();
    }

    @Override
    public void worked(long units) {
        done = Math.min(total, done + units);
        draw();
    }

    @Override
    public void message(String text) {
        status = text == null ? "" : text;
        draw();
    }

    @Override
    public boolean isCancelled() {
        return cancelled.getAsBoolean();
    }

    private void draw() {
        if (total <= 0 || total > Integer.MAX_VALUE || System.nanoTime() - start < quietNanos) {
            return;
        }
        if (bar == null) {
            bar = new ConsoleProgressBar(task, (int) total, err);
        }
        bar.update((int) done, status);
    }
}
