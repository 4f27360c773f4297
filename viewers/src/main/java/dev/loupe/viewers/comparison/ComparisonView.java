package dev.loupe.viewers.comparison;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.loupe.plugin.result.ComparisonResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.Result;
import dev.loupe.viewers.ResultPane;
import dev.loupe.viewers.color.ColorScale;
import dev.loupe.viewers.export.ComparisonFigure;
import dev.loupe.viewers.heatmap.HeatmapView;
import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.BorderPane;

/**
 * A {@link ComparisonResult} as the app shows it: one {@link HeatmapView} per panel, side by side in a split pane, so
 * the logit lens and the tuned lens are read over the same layers and tokens. The panels follow each other: zooming
 * or scrolling one moves the others to the same cells, and a selected row (layer) is selected in all. Each keeps its
 * own hover read-out (its top-k tokens). Panels that share a scale are coloured from one scale over all their values,
 * as the exported figure is; each keeps its colour bar, so that every plot has the same size and the panels line up
 * cell for cell at any zoom.
 */
public final class ComparisonView extends ResultPane<ComparisonResult> {
    private final SplitPane split = new SplitPane();
    private final List<HeatmapView> panels = new ArrayList<>();
    // Applying one panel's viewport to the others makes them report theirs; those echoes must not be applied back.
    private boolean following;

    public ComparisonView(ComparisonResult result) {
        super(result);
        getStyleClass().add("loupe-comparison");
        if (result.title() != null && !result.title().isBlank()) {
            Label title = new Label(result.title());
            title.getStyleClass().add("loupe-view-title");
            title.setStyle("-fx-font-weight: bold; -fx-padding: 4 8 2 8;");
            setTop(title);
        }
        ColorScale shared = result.sharesScale() ? ComparisonFigure.scaleOf(result) : null;
        for (MatrixResult m : result.panels()) {
            HeatmapView panel = shared == null ? new HeatmapView(m) : new HeatmapView(m, shared);
            panel.setMinWidth(120);
            panels.add(panel);
        }
        if (result.panels().stream().anyMatch(m -> !m.stats().isEmpty())) {
            panels.forEach(HeatmapView::reserveStatsLine); // same footer height, so rows line up across panels
        }
        split.setOrientation(Orientation.HORIZONTAL);
        split.getItems().setAll(panels);
        split.setDividerPositions(equalDividers(panels.size()));
        setCenter(split);

        for (HeatmapView panel : panels) {
            panel.viewportProperty().addListener((obs, was, now) -> follow(panel, now));
            for (HeatmapView other : panels) {
                if (other != panel) {
                    panel.selectedRowProperty().addListener((obs, was, now) -> other.setSelectedRow(now.intValue()));
                }
            }
        }
    }

    /** The panels' views, left to right. */
    public List<HeatmapView> panels() {
        return List.copyOf(panels);
    }

    public SplitPane splitPane() {
        return split;
    }

    private void follow(HeatmapView leader, HeatmapView.Viewport viewport) {
        if (following) {
            return;
        }
        following = true;
        try {
            for (HeatmapView p : panels) {
                if (p != leader) {
                    p.setViewport(viewport);
                }
            }
        } finally {
            following = false;
        }
    }

    private static double[] equalDividers(int n) {
        double[] d = new double[Math.max(0, n - 1)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (i + 1) / (double) n;
        }
        return d;
    }

    @Override
    public JsonObject viewState() {
        JsonObject o = new JsonObject();
        JsonArray states = new JsonArray();
        panels.forEach(p -> states.add(p.viewState()));
        o.add("panels", states);
        JsonArray dividers = new JsonArray();
        for (double d : split.getDividerPositions()) {
            dividers.add(d);
        }
        o.add("dividers", dividers);
        return o;
    }

    @Override
    public void restoreViewState(JsonObject state) {
        JsonElement states = state == null ? null : state.get("panels");
        if (states != null && states.isJsonArray()) {
            JsonArray a = states.getAsJsonArray();
            for (int i = 0; i < Math.min(a.size(), panels.size()); i++) {
                if (a.get(i).isJsonObject()) {
                    panels.get(i).restoreViewState(a.get(i).getAsJsonObject());
                }
            }
        }
        JsonElement dividers = state == null ? null : state.get("dividers");
        if (dividers != null && dividers.isJsonArray() && dividers.getAsJsonArray().size() == panels.size() - 1) {
            double[] d = equalDividers(panels.size());
            for (int i = 0; i < d.length; i++) {
                JsonElement e = dividers.getAsJsonArray().get(i);
                if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() && Double.isFinite(e.getAsDouble())) {
                    d[i] = Math.max(0.05, Math.min(0.95, e.getAsDouble()));
                }
            }
            split.setDividerPositions(d);
        }
    }
}
