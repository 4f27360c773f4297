package dev.loupe.viewers;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.loupe.plugin.result.ComparisonResult;
import dev.loupe.plugin.result.GridResult;
import dev.loupe.plugin.result.ImageResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.SeriesResult;
import dev.loupe.plugin.result.TableResult;
import dev.loupe.plugin.result.TokenScoresResult;
import dev.loupe.viewers.attention.AttentionHeadView;
import dev.loupe.viewers.comparison.ComparisonView;
import dev.loupe.viewers.color.ColorScale;
import dev.loupe.viewers.export.AttentionLinesFigure;
import dev.loupe.viewers.export.ComparisonFigure;
import dev.loupe.viewers.export.Figure;
import dev.loupe.viewers.export.GridFigure;
import dev.loupe.viewers.export.HeatmapFigure;
import dev.loupe.viewers.export.ImageFigure;
import dev.loupe.viewers.export.SeriesFigure;
import dev.loupe.viewers.export.TableFigure;
import dev.loupe.viewers.export.TokenScoresFigure;
import dev.loupe.viewers.grid.GridFocusView;
import dev.loupe.viewers.heatmap.HeatmapView;
import dev.loupe.viewers.image.ImageResultView;
import dev.loupe.viewers.series.SeriesView;
import dev.loupe.viewers.spi.BasicRenderer;
import dev.loupe.viewers.spi.ResultRenderer;
import dev.loupe.viewers.table.TableResultView;
import dev.loupe.viewers.tokens.TokenScoresView;

/**
 * Loupe's own renderers, one per view kind, declared in {@code META-INF/services/dev.loupe.viewers.spi.ResultRenderer}
 * (as {@code BuiltInRenderers$Heatmap}, ...) exactly as a plugin jar declares its own. Kinds are the result type
 * names, except a matrix's, which says itself which view it wants ({@link MatrixResult#kind()}).
 *
 * <p>Views are made by lambdas, not constructor references: a reference to a view's constructor is linked when the
 * renderer is made and would load JavaFX, and the CLI exports figures through these renderers where JavaFX is absent
 * ({@code FigureExporterTest.exportNeedsNoJavaFx}).
 */
public final class BuiltInRenderers {
    private BuiltInRenderers() {
    }

    /** A plain matrix: the interactive heatmap; its figure keeps the view's clipped colours. */
    public static final class Heatmap extends BasicRenderer<MatrixResult> {
        public Heatmap() {
            super(MatrixResult.MATRIX, MatrixResult.class, r -> new HeatmapView(r), HeatmapFigure::asShown);
        }
    }

    /** An attention pattern: heatmap and lines; its figure is the mode on screen (the heatmap, or the lines). */
    public static final class Attention extends BasicRenderer<MatrixResult> {
        public Attention() {
            super(MatrixResult.ATTENTION, MatrixResult.class, r -> new AttentionHeadView(r),
                    (r, state) -> attentionShown(r, state, null));
        }
    }

    /**
     * An attention head as its {@link AttentionHeadView} with this state shows it: the lines figure (selected query
     * highlighted) in lines mode, else the heatmap, on {@code gridScale} when the head is a grid's focused cell.
     */
    private static Figure attentionShown(MatrixResult m, JsonObject state, ColorScale gridScale) {
        if (AttentionHeadView.LINES_STATE.equals(ViewStates.getString(state, AttentionHeadView.MODE_STATE, ""))) {
            return new AttentionLinesFigure(m, ViewStates.getInt(state, "selectedRow", -1));
        }
        return gridScale == null ? HeatmapFigure.asShown(m, state) : new HeatmapFigure(m, gridScale);
    }

    /**
     * Thumbnails beside the focused cell. The figure is what the tab shows: the focused cell (a head, as heatmap on
     * the grid's colour scale or as lines, whichever its view shows) when one is focused, else the whole grid.
     */
    public static final class Grid extends BasicRenderer<GridResult> {
        public Grid() {
            super("grid", GridResult.class, r -> new GridFocusView(r), Grid::shown);
        }

        private static Figure shown(GridResult r, JsonObject state) {
            int row = ViewStates.getInt(state, "focusedRow", -1);
            int col = ViewStates.getInt(state, "focusedCol", -1);
            if (row >= 0 && row < r.rowLabels().size() && col >= 0 && col < r.colLabels().size()) {
                MatrixResult cell = r.cell(row, col);
                JsonElement focus = state.get("focus");
                JsonObject cellState = focus != null && focus.isJsonObject() ? focus.getAsJsonObject() : null;
                // Only an attention cell opens as a head view with a lines mode (GridFocusView).
                return MatrixResult.ATTENTION.equals(cell.kind())
                        ? attentionShown(cell, cellState, GridFigure.scaleOf(r))
                        : new HeatmapFigure(cell, GridFigure.scaleOf(r));
            }
            return new GridFigure(r);
        }
    }

    /** Panels side by side that follow each other. */
    public static final class Comparison extends BasicRenderer<ComparisonResult> {
        public Comparison() {
            super("comparison", ComparisonResult.class, r -> new ComparisonView(r),
                    (r, state) -> new ComparisonFigure(r));
        }
    }

    public static final class Series extends BasicRenderer<SeriesResult> {
        public Series() {
            super("series", SeriesResult.class, r -> new SeriesView(r), (r, state) -> new SeriesFigure(r));
        }
    }

    public static final class TokenScores extends BasicRenderer<TokenScoresResult> {
        public TokenScores() {
            super("tokens", TokenScoresResult.class, r -> new TokenScoresView(r),
                    (r, state) -> new TokenScoresFigure(r));
        }
    }

    public static final class Table extends BasicRenderer<TableResult> {
        public Table() {
            super("table", TableResult.class, r -> new TableResultView(r), (r, state) -> new TableFigure(r));
        }
    }

    public static final class Image extends BasicRenderer<ImageResult> {
        public Image() {
            super("image", ImageResult.class, r -> new ImageResultView(r), (r, state) -> new ImageFigure(r));
        }
    }

    /** Any kind without a renderer of its own (a custom type whose plugin is missing): its data as JSON. */
    public static final class Json extends BasicRenderer<Result> {
        public Json() {
            super(ResultRenderer.ANY_KIND, Result.class,
                    r -> new JsonResultView(r, "No renderer is registered for result type '" + r.viewKind()
                            + "'; showing its data."),
                    (r, state) -> {
                        throw new IllegalArgumentException("no figure is registered for result type '" + r.viewKind()
                                + "' (a plugin's result needs a ResultRenderer in its META-INF/services)");
                    });
        }

        @Override
        public int priority() {
            return Integer.MIN_VALUE;
        }
    }
}
