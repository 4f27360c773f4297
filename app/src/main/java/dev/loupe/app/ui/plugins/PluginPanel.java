package dev.loupe.app.ui.plugins;

import dev.loupe.app.plugins.PluginRegistry.LoadedPlugin;
import dev.loupe.app.ui.runs.RunsViewModel;
import javafx.collections.ListChangeListener;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.VBox;

/**
 * Plugin choice, its description, its parameter form and Run. Plugins that failed to load are listed in a notice
 * here rather than hidden, so a broken jar in the plugin folder is noticed.
 */
public final class PluginPanel extends VBox {

    public PluginPanel(PluginsViewModel vm, RunsViewModel runs) {
        getStyleClass().add("panel");
        setSpacing(6);

        ComboBox<LoadedPlugin> choice = new ComboBox<>(vm.plugins());
        choice.setId("plugin-choice");
        choice.setMaxWidth(Double.MAX_VALUE);
        choice.setCellFactory(l -> new PluginCell());
        choice.setButtonCell(new PluginCell());
        choice.valueProperty().bindBidirectional(vm.selectedProperty());

        Label description = new Label();
        description.getStyleClass().add("hint");
        description.setWrapText(true);

        VBox formHolder = new VBox();
        vm.formProperty().addListener((obs, old, form) -> {
            formHolder.getChildren().setAll(form == null ? new Label() : new ParamFormView(form));
        });
        if (vm.formProperty().get() != null) {
            formHolder.getChildren().setAll(new ParamFormView(vm.formProperty().get()));
        }
        vm.selectedProperty().addListener((obs, old, p) -> description.setText(p == null ? "" : p.info().description()));
        description.setText(vm.selectedProperty().get() == null ? "" : vm.selectedProperty().get().info().description());

        Button run = new Button("Run");
        run.setId("run");
        run.getStyleClass().add("run-button");
        run.setDefaultButton(false);
        run.setMaxWidth(Double.MAX_VALUE);
        run.disableProperty().bind(runs.canRunBinding().not());
        run.setOnAction(e -> runs.run());
        Tooltip runTip = new Tooltip();
        runTip.textProperty().bind(javafx.beans.binding.Bindings.when(runs.canRunBinding())
                .then("Run the plugin on the prompt (Ctrl+R or F5)").otherwise(runs.runHintProperty()));
        run.setTooltip(runTip);
        Label hint = new Label();
        hint.setId("run-hint");
        hint.getStyleClass().add("hint");
        hint.setWrapText(true);
        hint.textProperty().bind(runs.runHintProperty());

        Label problems = new Label();
        problems.setId("plugin-problems");
        problems.getStyleClass().add("notice");
        problems.setWrapText(true);
        Runnable fillProblems = () -> {
            problems.setText(vm.problems().isEmpty() ? ""
                    : "Plugin problems (not loaded):\n• " + String.join("\n• ", vm.problems()));
            problems.setVisible(!vm.problems().isEmpty());
            problems.setManaged(!vm.problems().isEmpty());
        };
        vm.problems().addListener((ListChangeListener<String>) c -> fillProblems.run());
        fillProblems.run();

        getChildren().addAll(choice, description, formHolder, run, hint, problems);
    }

    private static final class PluginCell extends ListCell<LoadedPlugin> {
        @Override
        protected void updateItem(LoadedPlugin p, boolean empty) {
            super.updateItem(p, empty);
            setText(empty || p == null ? null : p.info().name());
            setTooltip(empty || p == null ? null
                    : new Tooltip(p.id() + " " + p.info().version() + " (" + p.source() + ")"));
        }
    }
}
