package dev.loupe.app.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The app's task runner: one thread, the engine lane, runs every task in order. One thread because DJL predictors
 * and our models are not thread-safe and there is one GPU; a queue also makes "open model, then run" need no
 * locking. Results, failures and coalesced status reach the UI through the given executor (Platform::runLater).
 *
 * <p>Cancellation is cooperative. The lane thread is never interrupted: an interrupt closes any NIO channel it is
 * reading (safetensors files) and would break the model for later tasks. A task that ignores its cancel for longer
 * than the grace period is abandoned instead: reported as failed, and the queue moves to a new lane thread.
 */
public final class EngineLane implements TaskRunner {
    private static final long STATUS_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** How long a cancelled task may go on ignoring its cancel before the lane abandons it. */
    public static final Duration DEFAULT_CANCEL_GRACE = Duration.ofSeconds(10);

    private final Executor ui;
    private final long graceNanos;
    /** The lane's one thread; replaced (never interrupted) when a task that ignores cancel is abandoned. */
    private ThreadPoolExecutor lane = newLaneThread();
    /** The task the lane thread is running, or null; guarded by this. */
    private TaskHandle running;
    /** Abandoned tasks: their bodies may still end, but they deliver nothing then; guarded by this. */
    private final Set<TaskHandle> abandoned = new HashSet<>();
    private final AtomicInteger lanes = new AtomicInteger(1);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "loupe-status"));
    private final UpdateCoalescer status;
    private final List<Consumer<TaskStatus>> listeners = new CopyOnWriteArrayList<>();
    /** Submitted and not yet ended, in order; guarded by this. */
    private final List<TaskHandle> unfinished = new ArrayList<>();
    private final Map<String, TaskHandle> latestByKey = new HashMap<>();

    public EngineLane(Executor uiExecutor) {
        this(uiExecutor, DEFAULT_CANCEL_GRACE);
    }

    /**
     * @param cancelGrace how long a task may ignore a cancel before it is abandoned: reported as failed ("did not
     *                    stop when cancelled"), its thread left to finish on its own, and a fresh lane thread started
     *                    for the tasks queued behind it, so that one plugin that never checks for cancel cannot block
     *                    every later run
     */
    public EngineLane(Executor uiExecutor, Duration cancelGrace) {
        this.ui = uiExecutor;
        this.graceNanos = cancelGrace.toNanos();
        this.status = new UpdateCoalescer(STATUS_INTERVAL_NANOS, System::nanoTime,
                (action, delay) -> schedule(action, delay), this::publishStatus);
        long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(20), Math.min(graceNanos / 4, TimeUnit.SECONDS.toNanos(1)));
        timer.scheduleWithFixedDelay(this::abandonIfIgnoringCancel, tick, tick, TimeUnit.NANOSECONDS);
    }

    private ThreadPoolExecutor newLaneThread() {
        String name = lanes == null || lanes.get() == 1 ? "loupe-engine" : "loupe-engine-" + lanes.get();
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> daemon(r, name));
    }

    /** The watchdog: a running task stopped longer than the grace period ago is abandoned. */
    private void abandonIfIgnoringCancel() {
        TaskHandle victim;
        String message;
        synchronized (this) {
            victim = running;
            if (victim == null || !victim.isStopRequested()
                    || System.nanoTime() - victim.stopRequestedAt() < graceNanos || lane.isShutdown()) {
                return;
            }
            abandoned.add(victim);
            running = null;
            latestByKey.values().remove(victim);
            // The stuck thread is left alone (an interrupt would close the NIO channels the model reads): the
            // queued work moves to a new thread, in its order.
            ThreadPoolExecutor old = lane;
            List<Runnable> queued = new ArrayList<>();
            old.getQueue().drainTo(queued);
            old.shutdown();
            lanes.incrementAndGet();
            lane = newLaneThread();
            String seconds = java.math.BigDecimal.valueOf(graceNanos / 1e9).stripTrailingZeros().toPlainString();
            message = "\"" + victim.title() + "\" did not stop when cancelled (abandoned after " + seconds
                    + " s; it may go on using the CPU until it ends)";
            // The task's abandon hook (a run records itself failed) runs first on the new thread, before the work
            // queued behind it, and the UI hears of the failure once it has.
            lane.execute(() -> runAbandonHook(victim, message));
            queued.forEach(lane::execute);
        }
        ended(null, victim);
    }

    private void runAbandonHook(TaskHandle victim, String message) {
        String shown = message;
        try {
            victim.task().abandoned(message);
        } catch (RuntimeException | LinkageError e) {
            shown = message + "; and then: " + ErrorMessages.oneLine(e);
        }
        String failure = shown;
        ui.execute(() -> victim.deliverAbandoned(failure));
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
            synchronized (this) {
                lane.execute(() -> runOnLane(key, handle));
            }
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
            synchronized (this) {
                running = handle;
            }
            status.request();
            try {
                result = handle.task().body().run(handle.progress());
            } catch (Throwable t) {
                error = t;
            }
            synchronized (this) {
                if (abandoned.remove(handle)) {
                    return; // already reported as failed; what it returned so late is dropped
                }
                running = null;
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
        ThreadPoolExecutor current;
        synchronized (this) {
            current = lane;
            current.shutdown();
        }
        timer.shutdown();
    }

    /** Waits for the lane to run out of work after {@link #close()} (tests; the app's exit); abandoned tasks excepted. */
    public boolean awaitTermination(long millis) throws InterruptedException {
        ThreadPoolExecutor current;
        synchronized (this) {
            current = lane;
        }
        return current.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }
}
