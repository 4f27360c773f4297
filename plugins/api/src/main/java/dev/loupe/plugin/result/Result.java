package dev.loupe.plugin.result;

/**
 * A plugin's output: plain Java data (arrays, shapes, labels), never NDArrays, so that it persists in a session,
 * exports and renders without the plugin's code running again.
 *
 * <p>Not sealed: the built-in records (matrix, grid, comparison, tokens, series, image, table, custom) are Loupe's
 * own, and a plugin jar may add its own result class together with a {@link ResultType} that stores it and a
 * renderer (viewers' ResultRenderer) that shows it, both found by ServiceLoader. See docs/decisions/0003.
 */
public interface Result {

    /** A short title for the view's tab and the figure. */
    String title();

    /**
     * Which renderer shows this result: by default its {@link ResultType#type() type name}. A result may ask for a
     * more specific view of the same data ({@link MatrixResult#ATTENTION} for an attention pattern).
     */
    default String viewKind() {
        return ResultTypes.typeName(this);
    }
}
