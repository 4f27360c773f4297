package dev.loupe.app.cli;

import dev.loupe.app.plugins.RecordedAnalysis.Recording;
import dev.loupe.app.task.EngineLane;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl+C (or a SIGTERM) while {@code analyze} runs a plugin: the plugin is asked to stop (its progress reports
 * cancelled), and the process waits for it as the app's engine lane does, for the same grace period. A plugin
 * that stops is recorded cancelled by its own run; one that ignores the request is recorded failed ("did not stop
 * when cancelled") before the process ends, so a session never keeps a run that silently vanished.
 *
 * <p>The JVM runs this as a shutdown hook; once it returns, the process ends with the signal's exit status.
 */
final class StopOnSignal implements AutoCloseable {
    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    StopOnSignal(String pluginId, Recording recording, PrintStream err) {
        this(pluginId, recording, err, EngineLane.DEFAULT_CANCEL_GRACE);
    }

    StopOnSignal(String pluginId, Recording recording, PrintStream err, Duration grace) {
        hook = new Thread(() -> {
            requested.set(true);
            err.println();
            err.println("loupe: stopping " + pluginId + " (waiting up to " + grace.toSeconds() + " s for it)");
            err.flush();
            try {
                if (finished.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String why = pluginId + " did not stop when cancelled (Ctrl+C); abandoned after " + grace.toSeconds() + " s";
            recording.abandon(why);
            err.println("loupe: " + why);
            err.flush();
        }, "loupe-stop-on-signal");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** True once a signal asked the run to stop: the plugin's progress reports cancelled from then on. */
    boolean requested() {
        return requested.get();
    }

    /** The run has ended (and its session is closed): a waiting hook may let the process end. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running; it sees the latch released and returns.
        }
    }
}
