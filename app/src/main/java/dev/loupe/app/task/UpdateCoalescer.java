package dev.loupe.app.task;

import java.util.function.LongSupplier;

/**
 * Turns a burst of change notifications into at most one publish per interval, always followed by a last publish
 * after the final change (so the UI ends on the true state). A plugin may report progress thousands of times a
 * second; the FX thread must not see more than ~10 of them.
 */
final class UpdateCoalescer {
    /** Runs an action after a delay; a ScheduledExecutorService in the app, a manual queue in tests. */
    interface Scheduler {
        void schedule(Runnable action, long delayNanos);
    }

    private final long intervalNanos;
    private final LongSupplier clock;
    private final Scheduler scheduler;
    private final Runnable publish;
    private boolean pending;
    private long lastPublish;
    private boolean published;

    UpdateCoalescer(long intervalNanos, LongSupplier clock, Scheduler scheduler, Runnable publish) {
        this.intervalNanos = intervalNanos;
        this.clock = clock;
        this.scheduler = scheduler;
        this.publish = publish;
    }

    void request() {
        long delay;
        synchronized (this) {
            if (pending) {
                return;
            }
            pending = true;
            long now = clock.getAsLong();
            delay = published ? Math.max(0, lastPublish + intervalNanos - now) : 0;
        }
        scheduler.schedule(this::fire, delay);
    }

    private void fire() {
        synchronized (this) {
            pending = false;
            published = true;
            lastPublish = clock.getAsLong();
        }
        publish.run();
    }
}
