package dev.loupe.viewers;

import dev.loupe.plugin.result.Result;
import dev.loupe.viewers.spi.ResultRenderer;
import dev.loupe.viewers.spi.ResultRenderers;
import java.util.Objects;

/**
 * The one place the app turns a {@link Result} into a view: the {@link ResultRenderer} installed for the result's
 * {@link Result#viewKind() view kind} makes it (an attention pattern gets the heatmap and lines modes, a grid opens
 * its cells beside it, a plugin's type gets its plugin's view). Create views on the FX thread.
 */
public final class ResultViews {
    private ResultViews() {
    }

    /**
     * The view of a result. A renderer that fails (a plugin's bug, a class its jar lacks) must not take the
     * workspace down with it: the result's data is shown as JSON with a line saying what failed.
     */
    public static ResultView create(Result result) {
        Objects.requireNonNull(result);
        try {
            return ResultRenderers.view(result);
        } catch (RuntimeException | LinkageError e) {
            return new JsonResultView(result, "The renderer for '" + kindOf(result) + "' failed (" + e
                    + "); showing its data.");
        }
    }

    private static String kindOf(Result result) {
        try {
            return result.viewKind();
        } catch (RuntimeException e) {
            return result.getClass().getName();
        }
    }
}
