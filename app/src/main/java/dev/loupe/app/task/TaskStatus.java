package dev.loupe.app.task;

/**
 * What the status bar shows about the lane: the running task's title and message, its progress as a fraction
 * (negative when it has not said how much work there is), and how many tasks wait behind it.
 */
public record TaskStatus(boolean running, String title, String message, double fraction, int queued,
        boolean cancellable) {
    public static final TaskStatus IDLE = new TaskStatus(false, "", "", 0, 0, false);
}
