package dev.loupe.app.task;

import dev.loupe.plugin.Progress;

/** The work of a background task; reports through, and checks cancellation on, the progress it is given. */
@FunctionalInterface
public interface TaskBody<T> {
    T run(Progress progress) throws Exception;
}
