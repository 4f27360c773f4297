package dev.loupe.app.ui.workspace;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.Result;
import java.util.function.Supplier;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * One run's result open in the workspace, with its notes. The result is immutable plain data from the session;
 * the view that renders it reports its live view state through {@link #setViewState(Supplier)} so saving the
 * workspace can ask for it without knowing JavaFX nodes.
 */
public final class RunTab {
    private final long runId;
    private final String pluginId;
    private final String title;
    private final String description;
    private final Result result;
    private final StringProperty notes = new SimpleStringProperty("");
    private String savedNotes;
    private JsonObject restoredViewState;
    private Supplier<JsonObject> liveViewState;

    public RunTab(long runId, String pluginId, String title, String description, Result result, String notes,
            JsonObject restoredViewState) {
        this.runId = runId;
        this.pluginId = pluginId;
        this.title = title;
        this.description = description;
        this.result = result;
        this.savedNotes = notes == null ? "" : notes;
        this.notes.set(savedNotes);
        this.restoredViewState = restoredViewState;
    }

    public long runId() {
        return runId;
    }

    public String pluginId() {
        return pluginId;
    }

    public String title() {
        return title;
    }

    /** Plugin, parameters and input, for the tab's tooltip. */
    public String description() {
        return description;
    }

    public Result result() {
        return result;
    }

    public StringProperty notesProperty() {
        return notes;
    }

    public boolean notesChanged() {
        return !notes.get().equals(savedNotes);
    }

    public void notesSaved(String text) {
        savedNotes = text;
    }

    /** The view state saved with the session, for the view to apply when it is created; null for a new run. */
    public JsonObject restoredViewState() {
        return restoredViewState;
    }

    public void setViewState(Supplier<JsonObject> live) {
        this.liveViewState = live;
    }

    /** The view's current state, or the restored one if no view reported (never rendered). */
    public JsonObject viewState() {
        JsonObject live = null;
        if (liveViewState != null) {
            try {
                live = liveViewState.get();
            } catch (RuntimeException e) {
                // A view that cannot describe itself loses its zoom, not the session.
            }
        }
        return live != null ? live : restoredViewState;
    }
}
