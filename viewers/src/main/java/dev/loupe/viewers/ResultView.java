package dev.loupe.viewers;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.Result;
import dev.loupe.viewers.export.FigureExporter;
import java.io.IOException;
import java.nio.file.Path;
import javafx.scene.Node;

/**
 * A rendered result as the app shows it: the node, the result it shows, the state a session saves (zoom, scroll,
 * selection), and figure export. Export draws the whole result with {@link FigureExporter}, not a screenshot of the
 * current viewport, so the app and the CLI write the same figure.
 */
public interface ResultView {

    Node node();

    Result result();

    /** Zoom, scroll and selection as JSON, for the session to store. */
    JsonObject viewState();

    /** Applies a state from {@link #viewState()}; unknown or missing fields are ignored, values are clamped. */
    void restoreViewState(JsonObject state);

    /** A PNG of the result's figure at twice its natural size, coloured as the view shows it. */
    default void exportPng(Path file) throws IOException {
        FigureExporter.writePng(result(), viewState(), file);
    }

    /** A vector SVG of the result's figure, coloured as the view shows it. */
    default void exportSvg(Path file) throws IOException {
        FigureExporter.writeSvg(result(), viewState(), file);
    }
}
