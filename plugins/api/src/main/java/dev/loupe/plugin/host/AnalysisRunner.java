package dev.loupe.plugin.host;

import dev.loupe.engine.LoupeException;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.engine.input.InputKind;
import dev.loupe.engine.input.ModelInput;
import dev.loupe.plugin.AnalysisPlugin;
import dev.loupe.plugin.ArtifactStore;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.Result;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.stream.Collectors;

/**
 * Runs one plugin on one prepared input, the same way for the CLI, the app's engine lane and the plugin test kit:
 * check the model and the input kind, one forward pass with the plugin's captures, {@code analyze} inside a scratch
 * NDManager scope, then free the run and the scope whatever happened. The input comes prepared (text tokenized once,
 * by the model: {@code LoupeModel.prepareText}), so what a session records is exactly what the plugin saw.
 *
 * <p>Errors of {@link #run} come out as {@link LoupeException}s with one line that names the plugin: a plugin's own
 * LoupeException or IllegalArgumentException (its way of saying "this input or parameter does not work") as {@code "<id>: <message>"}, any
 * other exception (a bug) as {@code "plugin <id> failed: <Type>: <message>"}. Errors of the engine (unknown hook,
 * token out of range) pass through unchanged. A {@link CancellationException} stays one, and an interrupt becomes
 * one, so callers can tell cancel from failure. {@link #runAsThrown} takes the same steps but lets the plugin's own
 * exceptions out as thrown, for a plugin's tests to assert on.
 */
public final class AnalysisRunner {

    /** How calls into plugin code are made: wrapped in the host's error contract, or as thrown. */
    private interface PluginCalls {
        <T> T call(String id, Callable<T> body) throws Exception;
    }

    private static final PluginCalls HOST = new PluginCalls() {
        @Override
        public <T> T call(String id, Callable<T> body) {
            return guarded(id, body);
        }
    };

    private static final PluginCalls AS_THROWN = new PluginCalls() {
        @Override
        public <T> T call(String id, Callable<T> body) throws Exception {
            return body.call();
        }
    };

    private AnalysisRunner() {
    }

    /** Runs without an artifact store: a plugin that keeps trained data recomputes it every time. */
    public static Result run(LoupeModel model, AnalysisPlugin plugin, Params params, ModelInput input,
            Progress progress) {
        return run(model, plugin, params, input, progress, ArtifactStore.none());
    }

    /** @param artifacts the plugin's store for data it keeps between runs (see {@link ArtifactStore}) */
    public static Result run(LoupeModel model, AnalysisPlugin plugin, Params params, ModelInput input,
            Progress progress, ArtifactStore artifacts) {
        try {
            return execute(model, plugin, params, input, progress, artifacts, HOST);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the host's error contract lets no checked exception out", e);
        }
    }

    /**
     * The same steps as {@link #run}, with the plugin's own exceptions (from {@code analyze}, {@code captures},
     * {@code accepts}...) coming out as the plugin threw them, not in the host's one-line wrapping. For tests.
     */
    public static Result runAsThrown(LoupeModel model, AnalysisPlugin plugin, Params params, ModelInput input,
            Progress progress, ArtifactStore artifacts) throws Exception {
        return execute(model, plugin, params, input, progress, artifacts, AS_THROWN);
    }

    /**
     * The host's steps up to {@code analyze}, with the plugin's exceptions as thrown: for the plugin test kit, whose
     * users may want the context itself (to time {@code analyze} alone, or read the same run's cache).
     */
    public static PluginRun openAsThrown(LoupeModel model, AnalysisPlugin plugin, Params params, ModelInput input,
            Progress progress, ArtifactStore artifacts) throws Exception {
        return open(model, plugin, params, input, progress, artifacts, AS_THROWN);
    }

    private static Result execute(LoupeModel model, AnalysisPlugin plugin, Params params, ModelInput input,
            Progress progress, ArtifactStore artifacts, PluginCalls calls) throws Exception {
        try (PluginRun run = open(model, plugin, params, input, progress, artifacts, calls)) {
            progress.checkCancelled();
            Result result = calls.call(run.pluginId(), () -> plugin.analyze(run.context(), params, progress));
            if (result == null) {
                throw new LoupeException("plugin " + run.pluginId() + " failed: it returned no result");
            }
            return result;
        }
    }

    /** Checks the model and the input, then one forward pass with the plugin's captures and a scratch scope. */
    private static PluginRun open(LoupeModel model, AnalysisPlugin plugin, Params params, ModelInput input,
            Progress progress, ArtifactStore artifacts, PluginCalls calls) throws Exception {
        String id = calls.call(plugin.getClass().getName(), () -> plugin.info().id());
        if (!params.spec().equals(calls.call(id, plugin::params))) {
            throw new IllegalArgumentException("the parameters given are not " + id + "'s (use its params() spec)");
        }
        ModelInfo info = model.info();
        if (!calls.call(id, () -> plugin.accepts(info))) {
            throw new LoupeException(id + ": " + calls.call(id, () -> plugin.whyNot(info)));
        }
        Set<InputKind> kinds = calls.call(id, plugin::inputKinds);
        if (!kinds.contains(input.kind())) {
            throw new LoupeException(id + " does not take " + input.kind().id() + " input (it takes "
                    + kinds.stream().map(InputKind::id).sorted().collect(Collectors.joining(" or ")) + ")");
        }
        if (input.batchSize() != 1) {
            throw new LoupeException(id + ": a plugin runs on one input, not a batch of " + input.batchSize());
        }
        if (input.labels().size() != input.positions()) {
            throw new IllegalArgumentException("the input has " + input.labels().size() + " labels for "
                    + input.positions() + " positions: prepare it with the model (LoupeModel.prepareText)");
        }
        List<String> captures = List.copyOf(calls.call(id, () -> plugin.captures(info, params)));
        progress.checkCancelled();

        RunResult run = model.run(RunRequest.of(input).capture(captures));
        try {
            return new PluginRun(id, new HostContext(model, input, run, model.manager().newSubManager(), artifacts));
        } catch (RuntimeException e) {
            run.close();
            throw e;
        }
    }

    /** The host's contract for one call into plugin code: see the class comment. */
    private static <T> T guarded(String id, Callable<T> body) {
        try {
            return body.call();
        } catch (CancellationException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cancelled(e);
        } catch (Exception | LinkageError | AssertionError | VirtualMachineError e) {
            // Errors too: a plugin's failed assert or its runaway allocation is that plugin's failure, reported with
            // its name and recorded, not a crash of the host (the heap is usable again once its arrays are gone).
            throw failure(id, e);
        }
    }

    static LoupeException failure(String id, Throwable e) {
        String msg = e.getMessage();
        // A plugin's LoupeException or IllegalArgumentException is its way of saying "this input or parameter does
        // not work" (a misspelt target, a head the model lacks): the user's mistake, said as the plugin said it.
        if (e instanceof LoupeException || e instanceof IllegalArgumentException) {
            return new LoupeException(id + ": " + oneLine(msg), e);
        }
        if (e instanceof OutOfMemoryError) {
            return new LoupeException("plugin " + id + " ran out of memory (" + oneLine(msg)
                    + "); give Java more with LOUPE_JAVA_OPTS=-Xmx16g, or choose a smaller input or fewer layers", e);
        }
        // Native (DJL/PyTorch) messages run to a C++ trace; the first line says what went wrong.
        String first = msg == null ? "" : msg.strip().lines().findFirst().orElse("");
        return new LoupeException("plugin " + id + " failed: " + e.getClass().getSimpleName()
                + (first.isEmpty() ? "" : ": " + first), e);
    }

    private static CancellationException cancelled(Throwable cause) {
        CancellationException c = new CancellationException("cancelled");
        c.initCause(cause);
        return c;
    }

    private static String oneLine(String s) {
        return s == null || s.isBlank() ? "(no message)" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
