package dev.loupe.plugin;

import ai.djl.ndarray.NDManager;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunResult;
import java.util.List;

/**
 * What a plugin computes from: the open model, the input, and the run the host made with the plugin's captures.
 * Scratch NDArrays go in {@link #manager()}, a scope the host closes after {@code analyze} returns; further runs
 * (sweeps, generated inputs) go through {@link #model()} and must be closed by the plugin.
 */
public interface AnalysisContext {
    LoupeModel model();

    /** The input's token ids (batch row 0 of the run). */
    long[] tokens();

    /** Display labels for the tokens, aligned with {@link #tokens()}. */
    List<String> tokenLabels();

    /** The prompt text, or null when the input was given as token ids. */
    String prompt();

    /** The forward pass made with {@link AnalysisPlugin#captures}. */
    RunResult run();

    NDManager manager();

    /**
     * Where this plugin keeps large derived data (trained weights) so that its result can be reproduced without
     * redoing the work; hosts persist it in the session. This default keeps nothing, so a context that predates the
     * store still compiles and its plugins simply recompute.
     */
    default ArtifactStore artifacts() {
        return ArtifactStore.none();
    }
}
