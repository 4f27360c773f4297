package dev.loupe.app.task;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A submitted task: cancel it, or wait for its outcome. The outcome completes after the task's callback has run,
 * so a test that waits on it sees the view model already updated.
 */
public final class TaskHandle {
    private final BackgroundTask<?> task;
    private final TaskProgress progress;
    private final CompletableFuture<TaskOutcome> outcome = new CompletableFuture<>();
    /** Set once, by cancel or supersede; the first reason wins. */
    private final AtomicReference<TaskOutcome> stopReason = new AtomicReference<>();
    private volatile long stopRequestedAt;

    TaskHandle(BackgroundTask<?> task, Runnable onProgressChange) {
        this.task = task;
        this.progress = new TaskProgress(onProgressChange, this::isStopRequested);
    }

    public String title() {
        return task.title();
    }

    public boolean isHidden() {
        return task.isHidden();
    }

    public boolean isCancellable() {
        return task.isCancellable();
    }

    /** Asks the task to stop; it does at its next progress check (between layers, prompts, batches). */
    public void cancel() {
        stop(TaskOutcome.CANCELLED);
    }

    void supersede() {
        stop(TaskOutcome.SUPERSEDED);
    }

    private void stop(TaskOutcome reason) {
        if (stopReason.compareAndSet(null, reason)) {
            stopRequestedAt = System.nanoTime();
        }
    }

    /** System.nanoTime() of the first stop request; meaningful once {@link #isStopRequested()}. */
    long stopRequestedAt() {
        return stopRequestedAt;
    }

    public boolean isStopRequested() {
        return stopReason.get() != null;
    }

    TaskOutcome stopReason() {
        return stopReason.get();
    }

    public CompletableFuture<TaskOutcome> outcome() {
        return outcome;
    }

    public boolean isDone() {
        return outcome.isDone();
    }

    BackgroundTask<?> task() {
        return task;
    }

    TaskProgress progress() {
        return progress;
    }

    /**
     * Hands the body's result to the task's callbacks. Decided here (on the UI thread) rather than where the body
     * ended, so that a Cancel pressed after the computation finished but before its result was shown still wins.
     */
    void deliver(Object result, Throwable error) {
        TaskOutcome o;
        if (stopReason() != null) {
            o = stopReason();
        } else if (error == null) {
            o = TaskOutcome.SUCCEEDED;
        } else if (isCancellation(error)) {
            o = TaskOutcome.CANCELLED;
        } else {
            o = TaskOutcome.FAILED;
        }
        try {
            if (o != TaskOutcome.SUCCEEDED && error == null && result != null) {
                task.discarded(result);
            }
            switch (o) {
                case SUCCEEDED -> task.succeeded(result);
                case FAILED -> task.failed(ErrorMessages.oneLine(error));
                case CANCELLED -> task.cancelled();
                case SUPERSEDED -> { }
            }
        } finally {
            outcome.complete(o);
        }
    }

    /**
     * Ends a task whose body ignored its stop request past the lane's grace period: it is reported as failed with
     * {@code message}, whatever its body does later (the lane no longer waits for it, and drops what it returns).
     */
    void deliverAbandoned(String message) {
        try {
            task.failed(message);
        } finally {
            outcome.complete(TaskOutcome.FAILED);
        }
    }

    private static boolean isCancellation(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.util.concurrent.CancellationException || c instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }
}
