package dev.loupe.viewers.grid;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.loupe.plugin.result.GridResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.ResultPane;
import dev.loupe.viewers.ResultView;
import dev.loupe.viewers.ViewStates;
import dev.loupe.viewers.attention.AttentionHeadView;
import dev.loupe.viewers.heatmap.HeatmapView;
import javafx.geometry.Orientation;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.StackPane;

/**
 * A {@link GridResult} as the app shows it: the {@link GridView} of thumbnails beside the focused cell, so that "a
 * whole 12 x 12 model at a glance, click one to focus it" happens in one view. The focused cell opens as an
 * {@link AttentionHeadView} (heatmap and lines) when its kind is {@link MatrixResult#ATTENTION}, else as a
 * {@link HeatmapView}, on the grid's colour scale so that it looks like its thumbnail. Moving to another cell keeps the mode and the selected
 * query token, so one token can be followed from head to head.
 */
public final class GridFocusView extends ResultPane<GridResult> {

    private final SplitPane split = new SplitPane();
    private final GridView grid;
    private final StackPane focusPane = new StackPane();
    private final Label placeholder = new Label("Click a thumbnail to open it here.");
    private ResultView focused;

    public GridFocusView(GridResult result) {
        super(result);
        grid = new GridView(result);
        placeholder.setStyle("-fx-text-fill: #666666;");
        focusPane.getChildren().setAll(placeholder);
        focusPane.setMinWidth(160);
        grid.setMinWidth(120);
        split.setOrientation(Orientation.HORIZONTAL);
        split.getItems().setAll(grid, focusPane);
        split.setDividerPositions(0.45);
        setCenter(split);
        getStyleClass().add("loupe-grid-focus");
        grid.focusedCellProperty().addListener((obs, was, now) -> open(now));
    }

    public GridView grid() {
        return grid;
    }

    /** The view of the focused cell, or null while none is focused. */
    public ResultView focusedView() {
        return focused;
    }

    private void open(GridView.Cell cell) {
        ResultView previous = focused;
        if (cell == null) {
            focused = null;
            focusPane.getChildren().setAll(placeholder);
            return;
        }
        MatrixResult m = result.cell(cell.row(), cell.col());
        int query = selectedRow(previous);
        if (MatrixResult.ATTENTION.equals(m.kind())) {
            AttentionHeadView head = new AttentionHeadView(m, grid.colorScale());
            if (previous instanceof AttentionHeadView p) {
                head.setMode(p.getMode());
            }
            head.setSelectedQuery(query < m.rows() ? query : -1);
            focused = head;
        } else {
            HeatmapView heatmap = new HeatmapView(m, grid.colorScale());
            heatmap.setSelectedRow(query < m.rows() ? query : -1);
            focused = heatmap;
        }
        focusPane.getChildren().setAll(focused.node());
    }

    private static int selectedRow(ResultView v) {
        if (v instanceof AttentionHeadView a) {
            return a.getSelectedQuery();
        }
        return v instanceof HeatmapView h ? h.getSelectedRow() : -1;
    }

    @Override
    public JsonObject viewState() {
        JsonObject o = grid.viewState();
        if (focused != null) {
            o.add("focus", focused.viewState());
        }
        o.addProperty("divider", split.getDividers().isEmpty() ? 0.45 : split.getDividers().get(0).getPosition());
        return o;
    }

    @Override
    public void restoreViewState(JsonObject state) {
        grid.restoreViewState(state);
        JsonElement focus = state == null ? null : state.get("focus");
        if (focused != null && focus != null && focus.isJsonObject()) {
            focused.restoreViewState(focus.getAsJsonObject());
        }
        double divider = ViewStates.getDouble(state, "divider", 0.45);
        split.setDividerPositions(Math.max(0.1, Math.min(0.9, divider)));
    }
}
