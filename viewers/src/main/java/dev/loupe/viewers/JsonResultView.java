package dev.loupe.viewers;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.loupe.plugin.result.CustomResult;
import dev.loupe.plugin.result.Result;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.layout.BorderPane;

/** The fallback for a custom result without a working renderer: its JSON, read-only, with a note why. */
final class JsonResultView extends BorderPane implements ResultView {
    private final CustomResult result;

    JsonResultView(CustomResult result, String note) {
        this.result = result;
        Label label = new Label(note);
        label.setWrapText(true);
        label.getStyleClass().add("loupe-view-note");
        TextArea text = new TextArea(new GsonBuilder().setPrettyPrinting().create().toJson(result.data()));
        text.setEditable(false);
        text.setStyle("-fx-font-family: monospace;");
        setTop(label);
        setCenter(text);
    }

    @Override
    public Node node() {
        return this;
    }

    @Override
    public Result result() {
        return result;
    }

    @Override
    public JsonObject viewState() {
        return new JsonObject();
    }

    @Override
    public void restoreViewState(JsonObject state) {
    }
}
