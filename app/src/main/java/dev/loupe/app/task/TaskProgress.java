package dev.loupe.app.task;

import dev.loupe.plugin.Progress;
import java.util.function.BooleanSupplier;

/**
 * The {@link Progress} a task body reports to. Written by the worker thread, read by whoever publishes status;
 * every change only pokes the runner, which coalesces the pokes into at most ~10 UI updates a second.
 */
final class TaskProgress implements Progress {
    private final Runnable changed;
    private final BooleanSupplier cancelled;
    private volatile String title = "";
    private volatile String message = "";
    private volatile long total;
    private volatile long done;

    TaskProgress(Runnable changed, BooleanSupplier cancelled) {
        this.changed = changed;
        this.cancelled = cancelled;
    }

    @Override
    public void begin(String task, long totalWork) {
        title = task == null ? "" : task;
        total = Math.max(0, totalWork);
        done = 0;
        changed.run();
    }

    @Override
    public synchronized void worked(long units) {
        done += units;
        changed.run();
    }

    @Override
    public void message(String text) {
        message = text == null ? "" : text;
        changed.run();
    }

    @Override
    public boolean isCancelled() {
        return cancelled.getAsBoolean();
    }

    String title() {
        return title;
    }

    String message() {
        return message;
    }

    /** Done over total, or -1 while the total is unknown. */
    double fraction() {
        long t = total;
        return t <= 0 ? -1 : Math.min(1.0, (double) done / t);
    }
}
