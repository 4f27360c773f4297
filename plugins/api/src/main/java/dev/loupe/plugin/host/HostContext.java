package dev.loupe.plugin.host;

import ai.djl.ndarray.NDManager;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunResult;
import dev.loupe.engine.input.ModelInput;
import dev.loupe.plugin.AnalysisContext;
import dev.loupe.plugin.ArtifactStore;
import java.util.Objects;

/** The context {@link AnalysisRunner} hands a plugin. It owns nothing: the runner closes the run and the scope. */
record HostContext(LoupeModel model, ModelInput input, RunResult run, NDManager manager, ArtifactStore artifacts)
        implements AnalysisContext {

    HostContext {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(artifacts, "artifacts (use ArtifactStore.none() for none)");
    }
}
