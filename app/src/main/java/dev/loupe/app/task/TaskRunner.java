package dev.loupe.app.task;

import java.util.function.Consumer;

/**
 * Runs model and analysis work off the UI thread. {@link EngineLane} is the app's; {@link SameThreadTaskRunner}
 * runs everything at once on the caller's thread, for view-model tests.
 */
public interface TaskRunner extends AutoCloseable {

    /** Queues a task; tasks run one at a time, in submission order. */
    default TaskHandle submit(BackgroundTask<?> task) {
        return submitLatest(null, task);
    }

    /**
     * Queues a task that replaces any earlier, unfinished task with the same key (latest wins, as in MZmine's
     * LatestTaskScheduler): the earlier one is stopped at its next progress check and its result is dropped
     * silently. A null key never replaces anything.
     */
    TaskHandle submitLatest(String key, BackgroundTask<?> task);

    /** Cancels every cancellable task: the running one and those waiting. Quiet and not-cancellable ones go on. */
    void cancelAll();

    /** Status updates, delivered on the UI executor at most about ten times a second. */
    void addStatusListener(Consumer<TaskStatus> listener);

    /** Stops accepting work and cancels what can be cancelled; does not wait for the rest. */
    @Override
    void close();
}
