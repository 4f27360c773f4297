package dev.loupe.app.task;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The app's task runner: one thread, the engine lane, runs every task in order. One thread because DJL predictors
 * and our models are not thread-safe and there is one GPU; a queue also makes "open model, then run" need no
 * locking. Results, failures and coalesced status reach the UI through the given executor (Platform::runLater).
 *
 * <p>Cancellation is cooperative only. The lane thread is never interrupted: an interrupt closes any NIO channel
 * it is reading (safetensors files) and would break the model for later tasks.
 */
public final class EngineLane implements TaskRunner {
    private static final long STATUS_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Executor ui;
    private final ExecutorService lane = Executors.newSingleThreadExecutor(r -> daemon(r, "loupe-engine"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "loupe-status"));
    private final UpdateCoalescer status;
    private final List<Consumer<TaskStatus>> listeners = new CopyOnWriteArrayList<>();
    /** Submitted and not yet ended, in order; guarded by this. */
    private final List<TaskHandle> unfinished = new ArrayList<>();
    private final Map<String, TaskHandle> latestByKey = new HashMap<>();

    public EngineLane(Executor uiExecutor) {
        this.ui = uiExecutor;
        this.status = new UpdateCoalescer(STATUS_INTERVAL_NANOS, System::nanoTime,
                (action, delay) -> schedule(action, delay), this::publishStatus);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public TaskHandle submitLatest(String key, BackgroundTask<?> task) {
        TaskHandle handle = new TaskHandle(task, status::request);
        synchronized (this) {
            if (key != null) {
                TaskHandle previous = latestByKey.put(key, handle);
                if (previous != null) {
                    previous.supersede();
                }
            }
            unfinished.add(handle);
        }
        try {
            lane.execute(() -> runOnLane(key, handle));
        } catch (RejectedExecutionException e) {
            // Closed: the task ends as cancelled, so whoever waits on it is released.
            handle.cancel();
            ended(key, handle);
            ui.execute(() -> handle.deliver(null, null));
        }
        status.request();
        return handle;
    }

    private void runOnLane(String key, TaskHandle handle) {
        Object result = null;
        Throwable error = null;
        if (!handle.isStopRequested()) {
            status.request();
            try {
                result = handle.task().body().run(handle.progress());
            } catch (Throwable t) {
                error = t;
            }
        }
        ended(key, handle);
        Object r = result;
        Throwable e = error;
        ui.execute(() -> handle.deliver(r, e));
    }

    private synchronized void ended(String key, TaskHandle handle) {
        unfinished.remove(handle);
        if (key != null) {
            latestByKey.remove(key, handle);
        }
        status.request();
    }

    @Override
    public synchronized void cancelAll() {
        for (TaskHandle h : unfinished) {
            if (h.isCancellable()) {
                h.cancel();
            }
        }
        status.request();
    }

    @Override
    public void addStatusListener(Consumer<TaskStatus> listener) {
        listeners.add(listener);
    }

    /** The first visible task still to end is the running one (or the next to run, behind a hidden one). */
    synchronized TaskStatus snapshot() {
        TaskHandle shown = null;
        int queued = 0;
        for (TaskHandle h : unfinished) {
            if (h.isHidden()) {
                continue;
            }
            if (shown == null) {
                shown = h;
            } else {
                queued++;
            }
        }
        if (shown == null) {
            return TaskStatus.IDLE;
        }
        TaskProgress p = shown.progress();
        String message = shown.isStopRequested() ? "Cancelling…" : p.message().isEmpty() ? p.title() : p.message();
        return new TaskStatus(true, shown.title(), message, p.fraction(), queued, shown.isCancellable());
    }

    private void publishStatus() {
        TaskStatus s = snapshot();
        ui.execute(() -> listeners.forEach(l -> l.accept(s)));
    }

    private void schedule(Runnable action, long delayNanos) {
        try {
            timer.schedule(action, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Closed: nobody is listening any more.
        }
    }

    /** Cancellable work is cancelled; not-cancellable work already queued (the final save) still runs. */
    @Override
    public void close() {
        synchronized (this) {
            unfinished.stream().filter(TaskHandle::isCancellable).forEach(TaskHandle::cancel);
        }
        lane.shutdown();
        timer.shutdown();
    }

    /** Waits for the lane to run out of work after {@link #close()} (tests; the app's exit). */
    public boolean awaitTermination(long millis) throws InterruptedException {
        return lane.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }
}
