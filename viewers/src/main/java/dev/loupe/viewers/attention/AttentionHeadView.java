package dev.loupe.viewers.attention;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.ResultPane;
import dev.loupe.viewers.ViewStates;
import dev.loupe.viewers.color.ColorScale;
import dev.loupe.viewers.heatmap.HeatmapView;
import java.util.Locale;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * One attention head (a query x key pattern) in two modes, switched by the "Heatmap | Lines" buttons: the
 * {@link HeatmapView} and bertviz's token-to-token {@link AttentionLinesView}. Both share one selected query row, so
 * a token picked in one mode is still picked in the other. The view state keeps the mode, the heatmap's zoom, scroll
 * and selection, and the lines' scroll. Export writes what is shown: the heatmap figure in heatmap mode, the lines
 * figure (with the selected query highlighted) in lines mode.
 */
public final class AttentionHeadView extends ResultPane<MatrixResult> {

    public enum Mode { HEATMAP, LINES }

    /**
     * The view-state key of the mode and its value in lines mode. Constants, so that the figure export (which runs
     * without JavaFX) reads them without loading this class.
     */
    public static final String MODE_STATE = "mode";
    public static final String LINES_STATE = "lines";

    private final HeatmapView heatmap;
    private final AttentionLinesView lines;
    private final ToggleButton heatmapButton = new ToggleButton("Heatmap");
    private final ToggleButton linesButton = new ToggleButton("Lines");
    private final ObjectProperty<Mode> mode = new SimpleObjectProperty<>(this, "mode", Mode.HEATMAP);

    public AttentionHeadView(MatrixResult m) {
        this(m, ColorScale.forValues(m.values(), m.diverging()));
    }

    /** With a given colour scale, e.g. the one a grid of heads shares, so the focused head matches its thumbnail. */
    public AttentionHeadView(MatrixResult m, ColorScale scale) {
        super(m);
        heatmap = new HeatmapView(m, scale);
        lines = new AttentionLinesView(m);
        lines.selectedQueryProperty().bindBidirectional(heatmap.selectedRowProperty());
        getStyleClass().add("loupe-attention-head");

        ToggleGroup group = new ToggleGroup();
        heatmapButton.setToggleGroup(group);
        linesButton.setToggleGroup(group);
        heatmapButton.getStyleClass().add("left-pill");
        linesButton.getStyleClass().add("right-pill");
        heatmapButton.setId("attention-mode-heatmap");
        linesButton.setId("attention-mode-lines");
        group.selectedToggleProperty().addListener((obs, was, now) -> {
            if (now == null) {
                was.setSelected(true); // one mode is always on: clicking the pressed button keeps it pressed
            } else {
                mode.set(now == linesButton ? Mode.LINES : Mode.HEATMAP);
            }
        });
        Label hint = new Label("click a query token to see where it looks");
        hint.setStyle("-fx-text-fill: #666666; -fx-font-size: 11px;");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(0, heatmapButton, linesButton, spacer, hint);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 8, 2, 8));
        setTop(bar);

        mode.addListener((obs, was, now) -> show(now));
        show(Mode.HEATMAP);
    }

    private void show(Mode now) {
        boolean showLines = now == Mode.LINES;
        (showLines ? linesButton : heatmapButton).setSelected(true);
        Node shown = showLines ? lines : heatmap;
        if (getCenter() != shown) {
            boolean hadFocus = getCenter() != null && getCenter().isFocusWithin();
            setCenter(shown);
            if (hadFocus) {
                shown.requestFocus();
            }
        }
    }

    public ObjectProperty<Mode> modeProperty() {
        return mode;
    }

    public Mode getMode() {
        return mode.get();
    }

    public void setMode(Mode m) {
        mode.set(m == null ? Mode.HEATMAP : m);
    }

    public HeatmapView heatmap() {
        return heatmap;
    }

    public AttentionLinesView lines() {
        return lines;
    }

    public ToggleButton heatmapButton() {
        return heatmapButton;
    }

    public ToggleButton linesButton() {
        return linesButton;
    }

    /** The selected query row (shared by both modes), or -1. */
    public int getSelectedQuery() {
        return heatmap.getSelectedRow();
    }

    public void setSelectedQuery(int q) {
        heatmap.setSelectedRow(q);
    }

    @Override
    public JsonObject viewState() {
        JsonObject o = heatmap.viewState();
        o.addProperty(MODE_STATE, mode.get().name().toLowerCase(Locale.ROOT));
        o.addProperty("linesScrollY", lines.getScrollY());
        return o;
    }

    @Override
    public void restoreViewState(JsonObject state) {
        heatmap.restoreViewState(state);
        String saved = ViewStates.getString(state, MODE_STATE, "heatmap");
        setMode(LINES_STATE.equals(saved) ? Mode.LINES : Mode.HEATMAP);
        lines.scrollTo(ViewStates.getDouble(state, "linesScrollY", 0));
    }
}
