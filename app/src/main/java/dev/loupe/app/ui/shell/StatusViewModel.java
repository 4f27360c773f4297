package dev.loupe.app.ui.shell;

import dev.loupe.app.task.TaskRunner;
import dev.loupe.app.task.TaskStatus;
import dev.loupe.app.ui.Formats;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/** The status bar: the running task (with Cancel), the model's device and the JVM's memory. */
public final class StatusViewModel {
    private final TaskRunner runner;
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    private final BooleanProperty cancellable = new SimpleBooleanProperty(false);
    private final DoubleProperty progress = new SimpleDoubleProperty(0);
    private final StringProperty taskText = new SimpleStringProperty("Ready");
    private final StringProperty device = new SimpleStringProperty("no model");
    private final StringProperty memory = new SimpleStringProperty("");

    StatusViewModel(TaskRunner runner) {
        this.runner = runner;
        runner.addStatusListener(this::show);
        refreshMemory();
    }

    private void show(TaskStatus s) {
        busy.set(s.running());
        cancellable.set(s.running() && s.cancellable());
        // ProgressBar reads a negative value as "indeterminate".
        progress.set(s.running() ? s.fraction() : 0);
        String text = s.running() ? s.message().isEmpty() ? s.title() : s.message() : "Ready";
        taskText.set(s.queued() > 0 ? text + " (+" + s.queued() + " waiting)" : text);
    }

    public void cancel() {
        runner.cancelAll();
    }

    /** Called by the view's timer; cheap. */
    public void refreshMemory() {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        memory.set("Java heap " + Formats.bytes(used) + " / " + Formats.bytes(rt.maxMemory()));
    }

    void setDevice(String text) {
        device.set(text);
    }

    public BooleanProperty busyProperty() {
        return busy;
    }

    /** Whether Cancel would stop what is running. */
    public BooleanProperty cancellableProperty() {
        return cancellable;
    }

    public DoubleProperty progressProperty() {
        return progress;
    }

    public StringProperty taskTextProperty() {
        return taskText;
    }

    public StringProperty deviceProperty() {
        return device;
    }

    public StringProperty memoryProperty() {
        return memory;
    }
}
