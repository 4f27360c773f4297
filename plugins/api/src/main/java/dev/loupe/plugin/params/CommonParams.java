package dev.loupe.plugin.params;

/**
 * Parameters that several views share, defined once so that their key, label, default and range are the same in
 * every plugin that asks for them (and so in the CLI and in stored sessions). Each plugin says in its help what the
 * value means for it. Ranges are wide; a plugin checks the value against the open model.
 */
public final class CommonParams {
    /** The widest layer or head index a plugin accepts before checking it against the model. */
    public static final int MAX_INDEX = 9999;
    /** The farthest token position, from either end, a plugin accepts before checking it against the input. */
    public static final int MAX_POSITION = 100_000;

    private CommonParams() {
    }

    /** A layer index, or "all" (stored as -1) for every layer. */
    public static Param.IntParam layer(String help) {
        return Param.intParam("layer", "Layer", help, -1, -1, MAX_INDEX).named(-1, "all");
    }

    /** A head index, or "all" (stored as -1) for every head. */
    public static Param.IntParam head(String help) {
        return Param.intParam("head", "Head", help, -1, -1, MAX_INDEX).named(-1, "all");
    }

    /** A token position; negative counts from the end, and -1, the last token, reads "last". */
    public static Param.IntParam position(String help) {
        return Param.intParam("position", "Position", help, -1, -MAX_POSITION, MAX_POSITION).named(-1, "last");
    }

    /** How many of the most likely tokens to list. */
    public static Param.IntParam topK(String help) {
        return Param.intParam("topK", "Top k", help, 5, 1, 50);
    }
}
