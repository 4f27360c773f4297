package dev.loupe.app.plugins;

import dev.loupe.app.plugins.PluginRegistry.LoadedPlugin;
import dev.loupe.app.session.InputRecord;
import dev.loupe.app.session.RunRecord;
import dev.loupe.app.session.SessionStore;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.input.ModelInput;
import dev.loupe.plugin.ArtifactStore;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.host.AnalysisRunner;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;

/**
 * Runs a plugin and records the run in a session as a provenance record, whatever its outcome: ok with its result,
 * failed with its message, or cancelled. The app and {@code loupe analyze --session} both go through here, so a
 * run looks the same in a session whichever way it was made.
 *
 * <p>The plugin's {@link ArtifactStore} is the session's (its entries are tied to the run that put them), so trained
 * data is reused by later runs and travels with the session; without a session it is a store in memory that lives
 * for this one run.
 */
public final class RecordedAnalysis {

    /** The result and, when a session was given, the run's id in it. */
    public record Outcome(Result result, Long runId) {
    }

    private RecordedAnalysis() {
    }

    /**
     * Prepares the input once (a prompt is tokenized here and nowhere else), records that prepared input and runs
     * the plugin on it.
     *
     * @param session may be null: then this is just {@link AnalysisRunner#run} with an in-memory store.
     */
    public static Outcome run(SessionStore session, LoupeModel model, LoadedPlugin plugin, Params params,
            AnalysisInput input, Progress progress) {
        return run(session, model, plugin, params, input.prepare(model), progress);
    }

    /** As above, for an input the caller has already prepared with the model. */
    public static Outcome run(SessionStore session, LoupeModel model, LoadedPlugin plugin, Params params,
            ModelInput input, Progress progress) {
        if (session == null) {
            return new Outcome(AnalysisRunner.run(model, plugin.plugin(), params, input, progress,
                    ArtifactStore.inMemory()), null);
        }
        Long modelId = session.recordModel(model.dir(), model.info());
        Long inputId = session.recordInput(InputRecord.of(input));
        String id = plugin.id();
        String version = plugin.info().version();
        SessionArtifacts artifacts = new SessionArtifacts(session, id, session.model(modelId).orElseThrow().sha256());
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Result result;
        try {
            result = AnalysisRunner.run(model, plugin.plugin(), params, input, progress, artifacts);
        } catch (CancellationException e) {
            long runId = session.recordRun(RunRecord.cancelled(id, version, params.toJson(), modelId, inputId, started,
                    Instant.now(), Duration.ofNanos(System.nanoTime() - t0)));
            artifacts.attributeTo(runId);
            throw e;
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            long runId = session.recordRun(RunRecord.failed(id, version, params.toJson(), modelId, inputId, started,
                    Instant.now(), Duration.ofNanos(System.nanoTime() - t0), message));
            artifacts.attributeTo(runId);
            throw e;
        }
        long runId = session.recordRun(RunRecord.ok(id, version, params.toJson(), modelId, inputId, started,
                Instant.now(), Duration.ofNanos(System.nanoTime() - t0), result));
        artifacts.attributeTo(runId);
        return new Outcome(result, runId);
    }
}
