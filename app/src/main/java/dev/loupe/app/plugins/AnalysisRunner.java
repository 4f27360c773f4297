package dev.loupe.app.plugins;

import ai.djl.ndarray.NDManager;
import dev.loupe.engine.LoupeException;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.plugin.AnalysisPlugin;
import dev.loupe.plugin.ArtifactStore;
import dev.loupe.plugin.BasicAnalysisContext;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;

/**
 * Runs one plugin on one input, the same way for the CLI and the app's engine lane: check the model, tokenize, one
 * forward pass with the plugin's captures, {@code analyze} inside a scratch NDManager scope, then free the run and
 * the scope whatever happened.
 *
 * <p>Errors come out as {@link LoupeException}s with one line that names the plugin: a plugin's own
 * LoupeException (its way of saying "this input or parameter does not work") as {@code "<id>: <message>"}, any
 * other exception (a bug) as {@code "plugin <id> failed: <Type>: <message>"}. Errors of the engine (unknown hook,
 * token out of range) pass through unchanged. A {@link CancellationException} stays one, and an interrupt becomes
 * one, so callers can tell cancel from failure.
 */
public final class AnalysisRunner {
    private AnalysisRunner() {
    }

    /** Runs without an artifact store: a plugin that keeps trained data recomputes it every time. */
    public static Result run(LoupeModel model, AnalysisPlugin plugin, Params params, AnalysisInput input,
            Progress progress) {
        return run(model, plugin, params, input, progress, ArtifactStore.none());
    }

    /** @param artifacts the plugin's store for data it keeps between runs (see {@link ArtifactStore}) */
    public static Result run(LoupeModel model, AnalysisPlugin plugin, Params params, AnalysisInput input,
            Progress progress, ArtifactStore artifacts) {
        String id = call(plugin.getClass().getName(), () -> plugin.info().id());
        if (!params.spec().equals(call(id, plugin::params))) {
            throw new IllegalArgumentException("the parameters given are not " + id + "'s (use its params() spec)");
        }
        ModelInfo info = model.info();
        if (!call(id, () -> plugin.accepts(info))) {
            throw new LoupeException(id + ": " + call(id, () -> plugin.whyNot(info)));
        }

        long[] tokens;
        List<String> labels;
        String prompt = input.text();
        tokens = input.isText() ? model.encode(prompt) : input.tokens();
        // Each id decoded on its own (" Paris", not byte-level "ĠParis"); ids as text when there is no tokenizer.
        labels = model.hasTokenizer() ? model.tokenLabels(tokens) : idLabels(tokens);
        List<String> captures = List.copyOf(call(id, () -> plugin.captures(info, params)));
        progress.checkCancelled();

        RunResult run = model.run(RunRequest.of(tokens).capture(captures));
        try (run; NDManager scope = model.manager().newSubManager()) {
            progress.checkCancelled();
            BasicAnalysisContext ctx = new BasicAnalysisContext(model, tokens, labels, prompt, run, scope, artifacts);
            Result result;
            try {
                result = plugin.analyze(ctx, params, progress);
            } catch (CancellationException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw cancelled(e);
            } catch (Exception | LinkageError | StackOverflowError e) {
                throw failure(id, e);
            }
            if (result == null) {
                throw new LoupeException("plugin " + id + " failed: it returned no result");
            }
            return result;
        }
    }

    /** A call into plugin code outside analyze: same error wrapping. */
    private static <T> T call(String id, Supplier<T> body) {
        try {
            return body.get();
        } catch (CancellationException e) {
            throw e;
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            throw failure(id, e);
        }
    }

    static LoupeException failure(String id, Throwable e) {
        String msg = e.getMessage();
        if (e instanceof LoupeException) {
            return new LoupeException(id + ": " + oneLine(msg), e);
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

    private static List<String> idLabels(long[] tokens) {
        List<String> out = new ArrayList<>(tokens.length);
        for (long t : tokens) {
            out.add(Long.toString(t));
        }
        return out;
    }
}
