package dev.loupe.app.ui.input;

import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/** The input panel: the prompt and its token count. Image input is reserved for the vision models to come. */
public final class InputPanel extends VBox {

    public InputPanel(InputViewModel vm) {
        getStyleClass().add("panel");
        setSpacing(6);
        ToggleGroup kind = new ToggleGroup();
        ToggleButton text = new ToggleButton("Text");
        text.setToggleGroup(kind);
        text.setSelected(true);
        ToggleButton image = new ToggleButton("Image");
        image.setToggleGroup(kind);
        image.setDisable(true);
        image.setTooltip(new Tooltip("Image input comes with the vision models"));
        // Clicking the selected toggle must not leave no input kind selected.
        kind.selectedToggleProperty().addListener((obs, old, t) -> {
            if (t == null) {
                old.setSelected(true);
            }
        });
        HBox kinds = new HBox(0, text, image);
        kinds.getStyleClass().add("segmented");

        TextArea prompt = new TextArea();
        prompt.setId("prompt");
        prompt.setPromptText("Type a prompt, e.g. The capital of France is");
        prompt.setWrapText(true);
        prompt.setPrefRowCount(4);
        prompt.textProperty().bindBidirectional(vm.promptProperty());

        Label count = new Label();
        count.setId("token-count");
        count.getStyleClass().add("hint");
        count.textProperty().bind(vm.tokenTextProperty());
        count.setWrapText(true);
        // Words the model cannot read are marked: an analysis of "<unk> <unk> Tower" is not what was meant.
        vm.unknownWords().addListener((javafx.collections.ListChangeListener<String>) c -> {
            count.getStyleClass().remove("unknown-words");
            if (!vm.unknownWords().isEmpty()) {
                count.getStyleClass().add("unknown-words");
            }
        });

        getChildren().addAll(kinds, prompt, count);
    }
}
