package dev.loupe.viewers.spi;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.Result;
import dev.loupe.viewers.ResultView;
import dev.loupe.viewers.export.Figure;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/** A renderer from a view constructor and a figure factory: {@code super("series", SeriesResult.class, ...)}. */
public abstract class BasicRenderer<R extends Result> implements ResultRenderer<R> {
    private final String kind;
    private final Class<R> resultClass;
    private final Function<R, ResultView> view;
    private final BiFunction<R, JsonObject, Figure> figure;

    protected BasicRenderer(String kind, Class<R> resultClass, Function<R, ResultView> view,
            BiFunction<R, JsonObject, Figure> figure) {
        this.kind = Objects.requireNonNull(kind);
        this.resultClass = Objects.requireNonNull(resultClass);
        this.view = Objects.requireNonNull(view);
        this.figure = Objects.requireNonNull(figure);
    }

    @Override
    public final String kind() {
        return kind;
    }

    @Override
    public final Class<R> resultClass() {
        return resultClass;
    }

    @Override
    public ResultView view(R result) {
        return view.apply(result);
    }

    @Override
    public Figure figure(R result, JsonObject viewState) {
        return figure.apply(result, viewState);
    }
}
