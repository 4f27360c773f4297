package dev.loupe.app.plugins;

import com.google.gson.JsonObject;
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
        return run(session, model, plugin, params, input, progress, new Recording());
    }

    /**
     * As above, recording through {@code recording}, which the caller may {@link Recording#abandon} from another
     * thread while the plugin is still running.
     */
    public static Outcome run(SessionStore session, LoupeModel model, LoadedPlugin plugin, Params params,
            AnalysisInput input, Progress progress, Recording recording) {
        return run(session, model, plugin, params, input.prepare(model), progress, recording);
    }

    private static Outcome run(SessionStore session, LoupeModel model, LoadedPlugin plugin, Params params,
            ModelInput input, Progress progress, Recording recording) {
        if (session == null) {
            return new Outcome(AnalysisRunner.run(model, plugin.plugin(), params, input, progress,
                    ArtifactStore.inMemory()), null);
        }
        Long modelId = session.recordModel(model.dir(), model.info());
        Long inputId = session.recordInput(InputRecord.of(input));
        SessionArtifacts artifacts = new SessionArtifacts(session, plugin.id(), session.model(modelId).orElseThrow().sha256());
        Started run = new Started(session, artifacts, plugin.id(), plugin.info().version(), params.toJson(), modelId,
                inputId, Instant.now(), System.nanoTime());
        recording.started(run);
        Result result;
        try {
            result = AnalysisRunner.run(model, plugin.plugin(), params, input, progress, artifacts);
        } catch (CancellationException e) {
            recording.end(RunRecord.cancelled(run.pluginId, run.version, run.params, modelId, inputId, run.startedAt,
                    Instant.now(), run.elapsed()));
            throw e;
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            recording.end(run.failed(message));
            throw e;
        }
        Long runId = recording.end(RunRecord.ok(run.pluginId, run.version, run.params, modelId, inputId,
                run.startedAt, Instant.now(), run.elapsed(), result));
        return new Outcome(result, runId);
    }

    /** What a run that has begun in a session needs to be recorded, however it ends. */
    private record Started(SessionStore session, SessionArtifacts artifacts, String pluginId, String version,
            JsonObject params, Long modelId, Long inputId, Instant startedAt, long t0) {
        Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - t0);
        }

        RunRecord failed(String message) {
            return RunRecord.failed(pluginId, version, params, modelId, inputId, startedAt, Instant.now(), elapsed(),
                    message);
        }

        long record(RunRecord r) {
            long runId = session.recordRun(r);
            artifacts.attributeTo(runId);
            return runId;
        }
    }

    /**
     * The one record of one run: written by whichever comes first, the run's own end or its {@link #abandon}ment by
     * the task runner (a plugin that ignored its cancel). A run abandoned is recorded failed then, and what it
     * returns later is not recorded at all, so a session never shows one run twice or a result nobody saw.
     */
    public static final class Recording {
        private Started run; // guarded by this
        private boolean done; // guarded by this

        synchronized void started(Started started) {
            this.run = started;
        }

        /** The run's own end: recorded unless it was abandoned first; its run id, or null then. */
        synchronized Long end(RunRecord record) {
            if (done) {
                return null;
            }
            done = true;
            return run.record(record);
        }

        /**
         * Gives up on the run: records it failed with {@code message} (if it had begun in a session; a run still
         * preparing its input has nothing to record yet) and makes its own later end record nothing.
         */
        public synchronized void abandon(String message) {
            if (done) {
                return;
            }
            done = true;
            if (run != null) {
                run.record(run.failed(message));
            }
        }
    }
}
