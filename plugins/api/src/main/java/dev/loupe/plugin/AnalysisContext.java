package dev.loupe.plugin;

import ai.djl.ndarray.NDManager;
import dev.loupe.engine.LoupeException;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunResult;
import dev.loupe.engine.input.ModelInput;
import dev.loupe.engine.input.TokenInput;
import java.util.List;

/**
 * What a plugin computes from: the open model, the input, and the run the host made with the plugin's captures.
 * Scratch NDArrays go in {@link #manager()}, a scope the host closes after {@code analyze} returns; further runs
 * (sweeps, generated inputs) go through {@link #model()} and must be closed by the plugin.
 */
public interface AnalysisContext {
    LoupeModel model();

    /** The input the run was made on, prepared by the model once (one row; of a kind the plugin accepts). */
    ModelInput input();

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

    /** The input's token ids; only text input has them (a plugin that accepts images reads {@link #input()}). */
    default long[] tokens() {
        if (input() instanceof TokenInput t) {
            return t.tokens();
        }
        throw new LoupeException("this input is " + input().kind().id() + " (" + input().describe()
                + "); only text input has token ids");
    }

    /** A display label per position, aligned with the run's positions (and with {@link #tokens()} for text). */
    default List<String> tokenLabels() {
        return input().labels();
    }

    /** The prompt text, or null when the input was given as token ids or is not text. */
    default String prompt() {
        return input() instanceof TokenInput t ? t.text() : null;
    }
}
