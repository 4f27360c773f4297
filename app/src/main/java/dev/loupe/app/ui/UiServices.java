package dev.loupe.app.ui;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What view models ask of the window (JabRef's DialogService): messages and file choosers. The window implements
 * it with ControlsFX notifications and the platform's choosers; view-model tests record the calls instead.
 */
public interface UiServices {
    void showError(String message);

    void showInfo(String message);

    /** A passing remark for the status bar only (a run finished): no banner, nothing to dismiss. */
    void showStatus(String message);

    Optional<Path> chooseFolder(String title, Path initial);

    /** extensions like "png", the first is the default. */
    Optional<Path> chooseFileToSave(String title, String initialName, List<String> extensions);

    Optional<Path> chooseFileToOpen(String title, List<String> extensions);
}
