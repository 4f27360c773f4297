package dev.loupe.app.task;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Runs each task at once on the caller's thread and calls its callbacks before returning (JabRef's
 * CurrentThreadTaskExecutor idea): view-model tests become straight-line code.
 */
public final class SameThreadTaskRunner implements TaskRunner {
    private final List<Consumer<TaskStatus>> listeners = new CopyOnWriteArrayList<>();
    private TaskHandle running;

    @Override
    public TaskHandle submitLatest(String key, BackgroundTask<?> task) {
        TaskHandle handle = new TaskHandle(task, () -> { });
        TaskHandle outer = running;
        running = handle;
        Object result = null;
        Throwable error = null;
        try {
            if (!task.isHidden()) {
                publish(new TaskStatus(true, task.title(), task.title(), -1, 0, task.isCancellable()));
            }
            result = task.body().run(handle.progress());
        } catch (Throwable t) {
            error = t;
        } finally {
            running = outer;
            if (!task.isHidden()) {
                publish(TaskStatus.IDLE);
            }
        }
        handle.deliver(result, error);
        return handle;
    }

    @Override
    public void cancelAll() {
        if (running != null && running.isCancellable()) {
            running.cancel();
        }
    }

    @Override
    public void addStatusListener(Consumer<TaskStatus> listener) {
        listeners.add(listener);
    }

    private void publish(TaskStatus s) {
        listeners.forEach(l -> l.accept(s));
    }

    @Override
    public void close() {
    }
}
