package dev.loupe.app.ui.shell;

import dev.loupe.app.ui.UiServices;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.animation.PauseTransition;
import javafx.scene.control.Label;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import javafx.util.Duration;
import org.controlsfx.control.NotificationPane;

/**
 * {@link UiServices} for the real window. Messages go to a ControlsFX NotificationPane, a bar inside the window
 * rather than a popup: it never covers the status bar or floats over another app, and errors stay until the next
 * message or the close button while news goes away by itself. The last message is also kept for the status bar.
 * File choosers start in the folder last used.
 */
final class FxUiServices implements UiServices {
    private static final Duration INFO_SHOWN = Duration.seconds(6);

    private final Window owner;
    private final NotificationPane bar;
    private final Consumer<String> lastMessage;
    private final PauseTransition hideInfo = new PauseTransition(INFO_SHOWN);
    private File lastFolder;

    FxUiServices(Window owner, NotificationPane bar, Consumer<String> lastMessage) {
        this.owner = owner;
        this.bar = bar;
        this.lastMessage = lastMessage;
        hideInfo.setOnFinished(e -> bar.hide());
    }

    @Override
    public void showError(String message) {
        show(message, true);
    }

    @Override
    public void showInfo(String message) {
        show(message, false);
    }

    @Override
    public void showStatus(String message) {
        lastMessage.accept(message);
    }

    private void show(String message, boolean error) {
        lastMessage.accept(message);
        hideInfo.stop();
        Label icon = new Label(error ? "⚠" : "ℹ");
        icon.getStyleClass().add(error ? "notification-error-icon" : "notification-info-icon");
        bar.getStyleClass().removeAll("error", "info");
        bar.getStyleClass().add(error ? "error" : "info");
        bar.show(message, icon);
        if (!error) {
            hideInfo.playFromStart();
        }
    }

    @Override
    public Optional<Path> chooseFolder(String title, Path initial) {
        DirectoryChooser c = new DirectoryChooser();
        c.setTitle(title);
        c.setInitialDirectory(startFolder(initial));
        File f = c.showDialog(owner);
        return remember(f == null ? null : f.toPath(), true);
    }

    @Override
    public Optional<Path> chooseFileToSave(String title, String initialName, List<String> extensions) {
        FileChooser c = chooser(title, extensions);
        c.setInitialFileName(initialName);
        File f = c.showSaveDialog(owner);
        return remember(f == null ? null : f.toPath(), false);
    }

    @Override
    public Optional<Path> chooseFileToOpen(String title, List<String> extensions) {
        File f = chooser(title, extensions).showOpenDialog(owner);
        return remember(f == null ? null : f.toPath(), false);
    }

    private FileChooser chooser(String title, List<String> extensions) {
        FileChooser c = new FileChooser();
        c.setTitle(title);
        for (String ext : extensions) {
            c.getExtensionFilters().add(new FileChooser.ExtensionFilter(ext.toUpperCase(java.util.Locale.ROOT)
                    + " files (*." + ext + ")", "*." + ext));
        }
        c.setInitialDirectory(startFolder(null));
        return c;
    }

    private File startFolder(Path preferred) {
        if (preferred != null && Files.isDirectory(preferred)) {
            return preferred.toFile();
        }
        return lastFolder != null && lastFolder.isDirectory() ? lastFolder : null;
    }

    /** The next chooser opens where this one ended: the chosen folder's parent, or the chosen file's folder. */
    private Optional<Path> remember(Path chosen, boolean isFolder) {
        if (chosen != null) {
            Path folder = chosen.getParent();
            lastFolder = folder == null ? null : folder.toFile();
        }
        return Optional.ofNullable(chosen);
    }

    void dispose() {
        hideInfo.stop();
    }
}
