package dev.loupe.app.ui.input;

import java.util.LinkedHashSet;
import java.util.List;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import dev.loupe.app.task.BackgroundTask;
import dev.loupe.app.task.TaskRunner;
import dev.loupe.engine.LoupeModel;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The input panel: the prompt, and how many tokens it is for the open model. Counting needs the model's tokenizer,
 * so it runs on the engine lane, latest-wins: typing fast cancels the counts nobody will read.
 */
public final class InputViewModel {
    private final TaskRunner runner;
    private final StringProperty prompt = new SimpleStringProperty("");
    private final IntegerProperty tokenCount = new SimpleIntegerProperty(-1);
    private final StringProperty tokenText = new SimpleStringProperty("");
    private final ObservableList<String> unknownWords = FXCollections.observableArrayList();
    private LoupeModel model;
    private int context;

    public InputViewModel(TaskRunner runner) {
        this.runner = runner;
        prompt.addListener((obs, old, p) -> recount());
    }

    public void setModel(LoupeModel model, int contextLength) {
        this.model = model;
        this.context = contextLength;
        recount();
    }

    private void recount() {
        LoupeModel m = model;
        String text = prompt.get();
        unknownWords.clear();
        if (text.isBlank()) {
            tokenCount.set(0);
            tokenText.set("");
            return;
        }
        if (m == null) {
            tokenCount.set(-1);
            tokenText.set("open a model to count tokens");
            return;
        }
        if (!m.hasTokenizer()) {
            tokenCount.set(-1);
            tokenText.set("this checkpoint has no tokenizer.json");
            return;
        }
        int ctx = context;
        runner.submitLatest("token-count", BackgroundTask.of("Counting tokens",
                        p -> new Count(m.encode(text).length, m.unknownWords(text)))
                .quiet()
                .onSuccess(c -> {
                    int n = c.tokens();
                    tokenCount.set(n);
                    unknownWords.setAll(c.unknown());
                    tokenText.set((n == 1 ? "1 token" : n + " tokens")
                            + (ctx > 0 && n > ctx ? ", more than the model's context of " + ctx : "")
                            + unknownNote(c.unknown()));
                })
                .onFailure(msg -> {
                    tokenCount.set(-1);
                    tokenText.set("cannot tokenize: " + msg);
                }));
    }

    /** A prompt's token count and the words the vocabulary lacks, counted together on the lane. */
    private record Count(int tokens, List<String> unknown) {
    }

    /** ", 2 words unknown to the model (read as its unknown token): Eiffel, Tower", or nothing. */
    static String unknownNote(List<String> unknown) {
        if (unknown.isEmpty()) {
            return "";
        }
        return ", " + unknown.size() + (unknown.size() == 1 ? " word" : " words")
                + " unknown to the model (read as its unknown token): " + String.join(", ", new LinkedHashSet<>(unknown));
    }

    /** The prompt's words that the open model's vocabulary lacks, in order; the panel marks them. */
    public ObservableList<String> unknownWords() {
        return unknownWords;
    }

    public StringProperty promptProperty() {
        return prompt;
    }

    public IntegerProperty tokenCountProperty() {
        return tokenCount;
    }

    public StringProperty tokenTextProperty() {
        return tokenText;
    }
}
