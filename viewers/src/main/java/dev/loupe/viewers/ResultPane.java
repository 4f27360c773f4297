package dev.loupe.viewers;

import dev.loupe.plugin.result.Result;
import java.util.Objects;
import javafx.scene.Node;
import javafx.scene.layout.BorderPane;

/** The usual shape of a {@link ResultView}: a BorderPane that is its own node and keeps the result it shows. */
public abstract class ResultPane<R extends Result> extends BorderPane implements ResultView {
    protected final R result;

    protected ResultPane(R result) {
        this.result = Objects.requireNonNull(result);
    }

    @Override
    public final Node node() {
        return this;
    }

    @Override
    public R result() {
        return result;
    }
}
