package dev.loupe.plugin.result;

/**
 * A plugin's output: plain Java data (arrays, shapes, labels), never NDArrays, so that it persists in a session,
 * exports and renders without the plugin's code running again. viewers/ has a renderer for each standard type;
 * {@link CustomResult} carries JSON for plugins that ship their own renderer.
 */
public sealed interface Result permits MatrixResult, GridResult, ComparisonResult, TokenScoresResult, SeriesResult,
        ImageResult, TableResult, CustomResult {

    /** A short title for the view's tab and the figure. */
    String title();
}
