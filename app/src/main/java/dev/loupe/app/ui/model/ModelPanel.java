package dev.loupe.app.ui.model;

import java.nio.file.Path;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** The model panel: open and recent buttons, the model's name, its card, and the last error opening one. */
public final class ModelPanel extends VBox {

    public ModelPanel(ModelViewModel vm) {
        getStyleClass().add("panel");
        setSpacing(6);

        Button open = new Button("Open model…");
        open.setId("open-model");
        open.setTooltip(new Tooltip("A Hugging Face checkpoint folder (config.json, *.safetensors, tokenizer.json);"
                + " you can also drop a folder on the window. Ctrl+O"));
        open.setOnAction(e -> vm.chooseAndOpen());
        MenuButton recent = new MenuButton("Recent");
        recent.setId("recent-models");
        Runnable fillRecent = () -> {
            recent.getItems().clear();
            for (Path p : vm.recent()) {
                MenuItem item = new MenuItem(p.getFileName() + "   " + p.getParent());
                item.setMnemonicParsing(false);
                item.setOnAction(e -> vm.open(p));
                recent.getItems().add(item);
            }
            recent.setDisable(vm.recent().isEmpty());
        };
        vm.recent().addListener((ListChangeListener<Path>) c -> fillRecent.run());
        fillRecent.run();
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setPrefSize(18, 18);
        spinner.visibleProperty().bind(vm.openingProperty());
        HBox buttons = new HBox(6, open, recent, spinner);

        Label name = new Label();
        name.setId("model-title");
        name.getStyleClass().add("model-title");
        name.textProperty().bind(vm.titleProperty());

        GridPane card = new GridPane();
        card.setId("model-card");
        card.getStyleClass().add("model-card");
        card.setHgap(10);
        card.setVgap(2);
        ColumnConstraints valueColumn = new ColumnConstraints();
        valueColumn.setHgrow(Priority.ALWAYS);
        card.getColumnConstraints().addAll(new ColumnConstraints(), valueColumn);
        Runnable fillCard = () -> {
            card.getChildren().clear();
            int row = 0;
            for (ModelCard.Row r : vm.card()) {
                Label k = new Label(r.name());
                k.getStyleClass().add("card-key");
                Label v = new Label(r.value());
                v.getStyleClass().add("card-value");
                v.setWrapText(true);
                card.addRow(row++, k, v);
            }
        };
        vm.card().addListener((ListChangeListener<ModelCard.Row>) c -> fillCard.run());
        fillCard.run();

        Label error = new Label();
        error.setId("model-error");
        error.getStyleClass().add("inline-error");
        error.setWrapText(true);
        error.textProperty().bind(vm.errorProperty());
        error.visibleProperty().bind(vm.errorProperty().isNotEmpty());
        error.managedProperty().bind(error.visibleProperty());

        getChildren().addAll(buttons, name, card, error);
        setPadding(new Insets(4, 0, 4, 0));
    }
}
