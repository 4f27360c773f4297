package dev.loupe.viewers.spi;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.Result;
import dev.loupe.viewers.ResultView;
import dev.loupe.viewers.export.Figure;

/**
 * Shows one view kind ({@link Result#viewKind()}): an interactive JavaFX view for the app and a headless Java2D
 * figure for PNG / SVG export (CLI and the views' export buttons). Loupe's own views and a plugin jar's are found the
 * same way: ServiceLoader, {@code META-INF/services/dev.loupe.viewers.spi.ResultRenderer}. See docs/decisions/0003.
 *
 * <p>Implementations need a public no-argument constructor and must be stateless; {@link BasicRenderer} is the
 * short way to write one.
 */
public interface ResultRenderer<R extends Result> {

    /** Claims every kind that no other renderer claims: the JSON fallback. */
    String ANY_KIND = "*";

    /** The view kind this renders, e.g. {@code "matrix"}, {@code "attention"} or a plugin's own type name. */
    String kind();

    /** The result class it shows; a result of another class with this kind gets the fallback, with a message. */
    Class<R> resultClass();

    /** Of two renderers for one kind the higher priority wins (on a tie the first found: Loupe's own). */
    default int priority() {
        return 0;
    }

    /** The view, made on the FX thread. */
    ResultView view(R result);

    /**
     * The figure as the view with {@code viewState} (null for none) shows it, e.g. a heatmap with clipped colours.
     * Throws IllegalArgumentException when this kind has no figure.
     */
    Figure figure(R result, JsonObject viewState);
}
