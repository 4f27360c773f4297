package dev.loupe.viewers;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.loupe.plugin.result.CustomResult;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.ResultCodec;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;

/** The fallback for a result without a working renderer: its JSON, read-only, with a note why. */
final class JsonResultView extends ResultPane<Result> {
    // A large result (all-head attention) as text would stall the text area; the start shows what it is.
    private static final int MAX_CHARS = 200_000;

    JsonResultView(Result result, String note) {
        super(result);
        Label label = new Label(note);
        label.setWrapText(true);
        label.getStyleClass().add("loupe-view-note");
        TextArea text = new TextArea(json(result));
        text.setEditable(false);
        text.setStyle("-fx-font-family: monospace;");
        setTop(label);
        setCenter(text);
    }

    private static String json(Result result) {
        String s;
        try {
            JsonElement data = result instanceof CustomResult c ? c.data() : ResultCodec.toJson(result);
            s = new GsonBuilder().setPrettyPrinting().create().toJson(data);
        } catch (RuntimeException | LinkageError e) {
            return "(the result cannot be written as JSON: " + e + ")";
        }
        return s.length() <= MAX_CHARS ? s : s.substring(0, MAX_CHARS) + "\n\u2026 (" + s.length() + " characters)";
    }

    @Override
    public JsonObject viewState() {
        return new JsonObject();
    }

    @Override
    public void restoreViewState(JsonObject state) {
    }
}
