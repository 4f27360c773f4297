package dev.loupe.app.ui.exports;

import com.google.gson.JsonObject;
import dev.loupe.app.task.BackgroundTask;
import dev.loupe.app.task.TaskHandle;
import dev.loupe.app.task.TaskRunner;
import dev.loupe.app.ui.FileNames;
import dev.loupe.app.ui.UiServices;
import dev.loupe.app.ui.workspace.RunTab;
import dev.loupe.app.ui.workspace.WorkspaceViewModel;
import dev.loupe.engine.io.AtomicFiles;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.ResultCodec;
import dev.loupe.plugin.result.ResultCsv;
import dev.loupe.viewers.export.FigureExporter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** File ▸ Export figure / data: the selected tab's result as PNG or SVG, or its numbers as CSV or JSON. */
public final class ExportsViewModel {
    private final TaskRunner runner;
    private final UiServices ui;
    private final WorkspaceViewModel workspace;

    public ExportsViewModel(TaskRunner runner, UiServices ui, WorkspaceViewModel workspace) {
        this.runner = runner;
        this.ui = ui;
        this.workspace = workspace;
    }

    public void chooseAndExportFigure(String format) {
        RunTab tab = selectedTab("figure");
        if (tab != null) {
            chooseFile("figure", tab, format).ifPresent(f -> exportFigure(tab, f, format));
        }
    }

    public TaskHandle exportFigure(RunTab tab, Path file, String format) {
        Path target = FileNames.withExtension(file, format);
        Result result = tab.result();
        JsonObject viewState = tab.viewState(); // read here, on the FX thread: the figure is coloured as shown
        return runner.submit(BackgroundTask.of("Exporting figure", p -> {
            if (format.equals("svg")) {
                FigureExporter.writeSvg(result, viewState, target);
            } else {
                FigureExporter.writePng(result, viewState, target);
            }
            return target;
        }).onSuccess(t -> ui.showInfo("Figure written to " + t))
                .onFailure(msg -> ui.showError("Could not export the figure: " + msg)));
    }

    public void chooseAndExportData(String format) {
        RunTab tab = selectedTab("data");
        if (tab == null) {
            return;
        }
        if (format.equals("csv") && !ResultCsv.supports(tab.result())) {
            ui.showError("This result has no table form for CSV; export it as JSON");
            return;
        }
        chooseFile("data", tab, format).ifPresent(f -> exportData(tab, f, format));
    }

    public TaskHandle exportData(RunTab tab, Path file, String format) {
        Path target = FileNames.withExtension(file, format);
        Result result = tab.result();
        return runner.submit(BackgroundTask.of("Exporting data", p -> {
            AtomicFiles.writeText(target, w -> {
                if (format.equals("csv")) {
                    ResultCsv.write(result, w);
                } else {
                    w.write(ResultCodec.toJsonText(result));
                }
            });
            return target;
        }).onSuccess(t -> ui.showInfo("Data written to " + t))
                .onFailure(msg -> ui.showError("Could not export the data: " + msg)));
    }

    /** The tab an export writes; null, said to the user, when none is open. */
    private RunTab selectedTab(String what) {
        RunTab tab = workspace.selectedProperty().get();
        if (tab == null) {
            ui.showError("Open a result first: the " + what + " export writes the selected tab");
        }
        return tab;
    }

    private Optional<Path> chooseFile(String what, RunTab tab, String format) {
        return ui.chooseFileToSave("Export " + what + " as " + format.toUpperCase(Locale.ROOT),
                FileNames.safeName(tab.title()) + "." + format, List.of(format));
    }
}
