package dev.loupe.viewers;

import dev.loupe.plugin.result.ComparisonResult;
import dev.loupe.plugin.result.CustomResult;
import dev.loupe.plugin.result.GridResult;
import dev.loupe.plugin.result.ImageResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.SeriesResult;
import dev.loupe.plugin.result.TableResult;
import dev.loupe.plugin.result.TokenScoresResult;
import dev.loupe.viewers.attention.AttentionHeadView;
import dev.loupe.viewers.comparison.ComparisonView;
import dev.loupe.viewers.grid.GridFocusView;
import dev.loupe.viewers.heatmap.HeatmapView;
import dev.loupe.viewers.image.ImageResultView;
import dev.loupe.viewers.series.SeriesView;
import dev.loupe.viewers.table.TableResultView;
import dev.loupe.viewers.tokens.TokenScoresView;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The one place the app turns a {@link Result} into a view. Standard result types have built-in renderers (an
 * attention pattern gets the heatmap and lines modes, a grid opens its cells beside it, a comparison shows its panels
 * side by side); a plugin whose
 * {@link CustomResult} needs its own look registers a renderer for its type. Create views on the FX thread.
 */
public final class ResultViews {
    private ResultViews() {
    }

    private static final Map<String, Function<CustomResult, ResultView>> CUSTOM = new ConcurrentHashMap<>();

    /** Registers (or replaces) the renderer for a custom result type. */
    public static void register(String customType, Function<CustomResult, ResultView> renderer) {
        CUSTOM.put(Objects.requireNonNull(customType), Objects.requireNonNull(renderer));
    }

    public static void unregister(String customType) {
        CUSTOM.remove(customType);
    }

    public static boolean isRegistered(String customType) {
        return CUSTOM.containsKey(customType);
    }

    public static ResultView create(Result result) {
        Objects.requireNonNull(result);
        if (result instanceof MatrixResult m) {
            return AttentionHeadView.isAttention(m) ? new AttentionHeadView(m) : new HeatmapView(m);
        } else if (result instanceof GridResult g) {
            return new GridFocusView(g);
        } else if (result instanceof ComparisonResult c) {
            return new ComparisonView(c);
        } else if (result instanceof SeriesResult s) {
            return new SeriesView(s);
        } else if (result instanceof TokenScoresResult t) {
            return new TokenScoresView(t);
        } else if (result instanceof TableResult t) {
            return new TableResultView(t);
        } else if (result instanceof ImageResult i) {
            return new ImageResultView(i);
        } else if (result instanceof CustomResult c) {
            return createCustom(c);
        }
        throw new IllegalArgumentException("unknown result type " + result.getClass().getName());
    }

    private static ResultView createCustom(CustomResult c) {
        Function<CustomResult, ResultView> renderer = CUSTOM.get(c.type());
        if (renderer == null) {
            return new JsonResultView(c, "No renderer is registered for result type '" + c.type() + "'; showing its data.");
        }
        try {
            return Objects.requireNonNull(renderer.apply(c), "renderer returned null");
        } catch (RuntimeException | LinkageError e) {
            // A plugin's renderer must not take the workspace down with it: show the data and say what failed.
            return new JsonResultView(c, "The renderer for '" + c.type() + "' failed (" + e + "); showing its data.");
        }
    }
}
