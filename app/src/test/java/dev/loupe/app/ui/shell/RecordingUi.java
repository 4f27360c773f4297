package dev.loupe.app.ui.shell;

import dev.loupe.app.ui.UiServices;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** UiServices for view-model tests: records messages, answers choosers from a queue the test fills. */
final class RecordingUi implements UiServices {
    final List<String> errors = new CopyOnWriteArrayList<>();
    final List<String> infos = new CopyOnWriteArrayList<>();
    final List<String> statuses = new CopyOnWriteArrayList<>();
    final Deque<Path> answers = new ArrayDeque<>();

    @Override
    public void showError(String message) {
        errors.add(message);
    }

    @Override
    public void showInfo(String message) {
        infos.add(message);
    }

    @Override
    public void showStatus(String message) {
        statuses.add(message);
    }

    @Override
    public Optional<Path> chooseFolder(String title, Path initial) {
        return Optional.ofNullable(answers.poll());
    }

    @Override
    public Optional<Path> chooseFileToSave(String title, String initialName, List<String> extensions) {
        return Optional.ofNullable(answers.poll());
    }

    @Override
    public Optional<Path> chooseFileToOpen(String title, List<String> extensions) {
        return Optional.ofNullable(answers.poll());
    }
}
