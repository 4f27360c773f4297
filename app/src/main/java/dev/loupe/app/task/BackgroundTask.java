package dev.loupe.app.task;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * A unit of work plus what to do with its outcome, in JabRef's style. The callbacks run on the runner's UI
 * executor (the FX thread in the app), so they may touch view-model state; the body must not.
 *
 * <p>A failure reaches {@link #onFailure} as one line for the user; the body's partial work must leave shared state
 * untouched, which is why results are handed over only in {@link #onSuccess}.
 */
public final class BackgroundTask<T> {
    private final String title;
    private final TaskBody<T> body;
    private Consumer<? super T> onSuccess = r -> { };
    private Consumer<String> onFailure = m -> { };
    private Runnable onCancelled = () -> { };
    private Consumer<? super T> onDiscard = r -> { };
    private Consumer<String> onAbandoned = m -> { };
    private boolean hidden;
    private boolean cancellable = true;

    private BackgroundTask(String title, TaskBody<T> body) {
        this.title = Objects.requireNonNull(title);
        this.body = Objects.requireNonNull(body);
    }

    public static <T> BackgroundTask<T> of(String title, TaskBody<T> body) {
        return new BackgroundTask<>(title, body);
    }

    public BackgroundTask<T> onSuccess(Consumer<? super T> c) {
        this.onSuccess = Objects.requireNonNull(c);
        return this;
    }

    public BackgroundTask<T> onFailure(Consumer<String> c) {
        this.onFailure = Objects.requireNonNull(c);
        return this;
    }

    public BackgroundTask<T> onCancelled(Runnable r) {
        this.onCancelled = Objects.requireNonNull(r);
        return this;
    }

    /**
     * Releases a result that was computed but is not wanted (Cancel pressed, or a newer request won, after the
     * body finished): an opened model must still be closed.
     */
    public BackgroundTask<T> onDiscard(Consumer<? super T> c) {
        this.onDiscard = Objects.requireNonNull(c);
        return this;
    }

    /**
     * What must still happen when the runner gives up on a body that ignored its cancel (see {@link EngineLane}):
     * called with the failure's message on the runner's lane, not the UI thread, before {@link #onFailure} hears of
     * it; the body may still be running and its own late end delivers nothing. A run uses it to record itself as
     * failed in its session.
     */
    public BackgroundTask<T> onAbandoned(Consumer<String> c) {
        this.onAbandoned = Objects.requireNonNull(c);
        return this;
    }

    /** Small bookkeeping work (token counts, autosaves): not shown in the status bar and not stopped by Cancel. */
    public BackgroundTask<T> quiet() {
        this.hidden = true;
        this.cancellable = false;
        return this;
    }

    /**
     * Work that must finish once started (switching sessions: stopping halfway would leave the lane and the
     * window disagreeing about which file is open). Shown, but Cancel passes it by.
     */
    public BackgroundTask<T> notCancellable() {
        this.cancellable = false;
        return this;
    }

    public String title() {
        return title;
    }

    public boolean isHidden() {
        return hidden;
    }

    public boolean isCancellable() {
        return cancellable;
    }

    TaskBody<T> body() {
        return body;
    }

    void succeeded(Object result) {
        @SuppressWarnings("unchecked")
        T t = (T) result;
        onSuccess.accept(t);
    }

    void failed(String message) {
        onFailure.accept(message);
    }

    void cancelled() {
        onCancelled.run();
    }

    void abandoned(String message) {
        onAbandoned.accept(message);
    }

    void discarded(Object result) {
        @SuppressWarnings("unchecked")
        T t = (T) result;
        onDiscard.accept(t);
    }
}
