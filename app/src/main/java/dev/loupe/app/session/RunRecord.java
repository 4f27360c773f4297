package dev.loupe.app.session;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One run to record: what ran (plugin id and version, parameters as {@code Params.toJson()} with their spec
 * version), on what (model and input ids from {@link SessionStore#recordModel} and
 * {@link SessionStore#recordInput}, either may be null), how it ended, when, and its result. Enough to re-run it.
 *
 * @param duration measured with a monotonic clock; may differ slightly from finishedAt - startedAt
 * @param result   required for {@link RunStatus#OK}, absent otherwise
 */
public record RunRecord(String pluginId, String pluginVersion, JsonObject params, Long modelId, Long inputId,
        RunStatus status, String error, Instant startedAt, Instant finishedAt, Duration duration, Result result) {

    public RunRecord {
        Objects.requireNonNull(pluginId, "pluginId");
        Objects.requireNonNull(pluginVersion, "pluginVersion");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(duration, "duration");
        params = params == null ? new JsonObject() : params.deepCopy();
        if (status == RunStatus.OK && result == null) {
            throw new IllegalArgumentException("a run that ended ok needs its result");
        }
        if (status != RunStatus.OK && result != null) {
            throw new IllegalArgumentException("only a run that ended ok has a result");
        }
        if (status == RunStatus.FAILED && (error == null || error.isBlank())) {
            throw new IllegalArgumentException("a failed run needs its error message");
        }
    }

    public static RunRecord ok(String pluginId, String pluginVersion, JsonObject params, Long modelId, Long inputId,
            Instant startedAt, Instant finishedAt, Duration duration, Result result) {
        return new RunRecord(pluginId, pluginVersion, params, modelId, inputId, RunStatus.OK, null, startedAt,
                finishedAt, duration, result);
    }

    public static RunRecord failed(String pluginId, String pluginVersion, JsonObject params, Long modelId, Long inputId,
            Instant startedAt, Instant finishedAt, Duration duration, String error) {
        return new RunRecord(pluginId, pluginVersion, params, modelId, inputId, RunStatus.FAILED, error, startedAt,
                finishedAt, duration, null);
    }

    public static RunRecord cancelled(String pluginId, String pluginVersion, JsonObject params, Long modelId,
            Long inputId, Instant startedAt, Instant finishedAt, Duration duration) {
        return new RunRecord(pluginId, pluginVersion, params, modelId, inputId, RunStatus.CANCELLED, null, startedAt,
                finishedAt, duration, null);
    }

    /** The parameter spec version, from the "$version" key that {@code Params.toJson()} writes. */
    public Integer paramsVersion() {
        var v = params.get("$version");
        return v != null && v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber() ? v.getAsInt() : null;
    }
}
