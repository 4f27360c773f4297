package dev.loupe.plugin;

import ai.djl.ndarray.NDManager;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunResult;
import java.util.List;
import java.util.Objects;

/**
 * The plain {@link AnalysisContext}: what the app's runner hands a plugin, and what a plugin's own tests build
 * around a run they made. It owns nothing; whoever made the run and the manager closes them.
 */
public record BasicAnalysisContext(LoupeModel model, long[] tokens, List<String> tokenLabels, String prompt,
        RunResult run, NDManager manager, ArtifactStore artifacts) implements AnalysisContext {

    public BasicAnalysisContext {
        tokenLabels = List.copyOf(tokenLabels);
        if (tokenLabels.size() != tokens.length) {
            throw new IllegalArgumentException(tokenLabels.size() + " token labels for " + tokens.length + " tokens");
        }
        artifacts = Objects.requireNonNull(artifacts, "artifacts (use ArtifactStore.none() for none)");
    }

    /** A context whose artifact store keeps nothing. */
    public BasicAnalysisContext(LoupeModel model, long[] tokens, List<String> tokenLabels, String prompt,
            RunResult run, NDManager manager) {
        this(model, tokens, tokenLabels, prompt, run, manager, ArtifactStore.none());
    }
}
