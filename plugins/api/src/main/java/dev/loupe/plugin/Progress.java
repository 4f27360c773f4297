package dev.loupe.plugin;

import java.util.concurrent.CancellationException;

/**
 * Progress and cooperative cancellation for long work. Plugins call {@link #checkCancelled()} between layers,
 * prompts and batches; the host turns the reports into a progress bar (throttled) and a Cancel button.
 */
public interface Progress {
    void begin(String task, long totalWork);

    void worked(long units);

    void message(String text);

    boolean isCancelled();

    default void checkCancelled() {
        if (isCancelled()) {
            throw new CancellationException("cancelled");
        }
    }

    /** A progress that reports nowhere and is never cancelled (tests, headless batch). */
    static Progress none() {
        return new Progress() {
            @Override
            public void begin(String task, long totalWork) {
            }

            @Override
            public void worked(long units) {
            }

            @Override
            public void message(String text) {
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        };
    }
}
