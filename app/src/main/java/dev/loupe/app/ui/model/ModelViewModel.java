package dev.loupe.app.ui.model;

import dev.loupe.app.task.BackgroundTask;
import dev.loupe.app.task.TaskHandle;
import dev.loupe.app.task.TaskRunner;
import dev.loupe.app.ui.UiServices;
import dev.loupe.app.ui.settings.RecentPaths;
import dev.loupe.engine.LoupeException;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.ModelOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The model panel: which checkpoint is open, its card, and the recent folders. The open {@link LoupeModel} is
 * only ever used inside tasks on the engine lane; this class just holds the reference, and swaps it on the UI
 * thread once a new model has opened, so a failed open leaves the previous model in place.
 */
public final class ModelViewModel {
    /** An opened model with what the UI reads from it, captured on the lane. */
    public record Opened(LoupeModel model, ModelInfo info, List<String> hookNames) {
    }

    private final TaskRunner runner;
    private final UiServices ui;
    private final RecentPaths recentStore;
    private final ModelOptions options;
    private final ObservableList<Path> recent = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<Opened> opened = new ReadOnlyObjectWrapper<>();
    private final ObjectProperty<ModelInfo> info = new SimpleObjectProperty<>();
    private final ObservableList<ModelCard.Row> card = FXCollections.observableArrayList();
    private final StringProperty title = new SimpleStringProperty("No model open");
    private final StringProperty error = new SimpleStringProperty("");
    private final BooleanProperty opening = new SimpleBooleanProperty(false);

    public ModelViewModel(TaskRunner runner, UiServices ui, RecentPaths recentStore, ModelOptions options) {
        this.runner = runner;
        this.ui = ui;
        this.recentStore = recentStore;
        this.options = options;
        recent.setAll(recentStore.list());
    }

    /** File ▸ Open model: a folder chooser that starts beside the open model, or the most recent one. */
    public void chooseAndOpen() {
        LoupeModel m = model();
        Path initial = m != null ? m.dir().getParent() : recent.isEmpty() ? null : recent.get(0).getParent();
        ui.chooseFolder("Open a checkpoint folder", initial).ifPresent(this::open);
    }

    /** Opens a checkpoint folder (a file inside one, as dropped from a file manager, means its folder). */
    public TaskHandle open(Path path) {
        Path dir = Files.isRegularFile(path) ? path.toAbsolutePath().getParent() : path.toAbsolutePath();
        error.set("");
        opening.set(true);
        return runner.submit(BackgroundTask.<Opened>of("Opening " + dir.getFileName(), progress -> {
            progress.message("Opening " + dir + "…");
            if (!Files.isDirectory(dir)) {
                throw new LoupeException(dir + (Files.exists(dir) ? ": not a folder" : ": no such folder")
                        + " (a model is a Hugging Face checkpoint folder)");
            }
            LoupeModel m = LoupeModel.open(dir, options);
            return new Opened(m, m.info(), m.hookNames());
        }).onSuccess(o -> {
            opening.set(false);
            Opened previous = opened.get();
            opened.set(o);
            show(o.info(), o.model().dir().getFileName().toString());
            recent.setAll(recentStore.add(o.model().dir()));
            if (previous != null) {
                closeOnLane(previous.model());
            }
        }).onFailure(message -> {
            opening.set(false);
            error.set(message);
            if (!Files.exists(dir) && recent.contains(dir)) {
                recent.setAll(recentStore.remove(dir));
            }
            ui.showError("Could not open the model: " + message);
        }).onCancelled(() -> opening.set(false)).onDiscard(o -> closeOnLane(o.model())));
    }

    /**
     * Shows the card of a session's model that could not be re-opened, so its results still say what made them.
     * The currently open model (if any) stays open.
     */
    public void showAbsent(ModelInfo stored, Path path, String why) {
        if (opened.get() == null) {
            if (stored != null) {
                show(stored, path.getFileName() + " (not available)");
            } else {
                title.set(path.getFileName() + " (not available)");
            }
        }
        error.set(why);
    }

    private void show(ModelInfo m, String name) {
        info.set(m);
        title.set(name);
        card.setAll(ModelCard.rows(m));
    }

    /** Closing goes through the lane too: a run queued before the swap may still be using the old model. */
    private void closeOnLane(LoupeModel m) {
        runner.submit(BackgroundTask.of("Closing model", p -> {
            m.close();
            return null;
        }).quiet());
    }

    public void closeModel() {
        Opened o = opened.get();
        if (o != null) {
            opened.set(null);
            closeOnLane(o.model());
        }
    }

    public LoupeModel model() {
        Opened o = opened.get();
        return o == null ? null : o.model();
    }

    public ReadOnlyObjectProperty<Opened> openedProperty() {
        return opened.getReadOnlyProperty();
    }

    /** The open model's card info, or that of a session's model that is not available; null for none. */
    public ObjectProperty<ModelInfo> infoProperty() {
        return info;
    }

    public ObservableList<ModelCard.Row> card() {
        return card;
    }

    public ObservableList<Path> recent() {
        return recent;
    }

    public StringProperty titleProperty() {
        return title;
    }

    public StringProperty errorProperty() {
        return error;
    }

    public BooleanProperty openingProperty() {
        return opening;
    }
}
