package dev.loupe.app.session;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;

/**
 * A run as the session holds it: its provenance and notes, without the result (load that with
 * {@link SessionStore#result(long)}, so listing a session stays cheap).
 *
 * @param resultBytes the size of the stored result (see ResultBlob), 0 when the run has no result
 * @param damage      null, or one line naming the file, row and field that could not be read (params_json)
 */
public record StoredRun(long id, String pluginId, String pluginVersion, JsonObject params, Integer paramsVersion,
        Long modelId, Long inputId, RunStatus status, String error, Instant startedAt, Instant finishedAt,
        Duration duration, String notes, long resultBytes, String damage) {

    public StoredRun {
        params = params.deepCopy();
    }

    /** A run read intact. */
    public StoredRun(long id, String pluginId, String pluginVersion, JsonObject params, Integer paramsVersion,
            Long modelId, Long inputId, RunStatus status, String error, Instant startedAt, Instant finishedAt,
            Duration duration, String notes, long resultBytes) {
        this(id, pluginId, pluginVersion, params, paramsVersion, modelId, inputId, status, error, startedAt, finishedAt,
                duration, notes, resultBytes, null);
    }

    /** Whether the row's own fields could not be read (its params then read as empty); {@link #damage} says why. */
    public boolean isDamaged() {
        return damage != null;
    }

    @Override
    public JsonObject params() {
        return params.deepCopy();
    }

    public boolean hasResult() {
        return resultBytes > 0;
    }

    /** The provenance record as written by {@code loupe session show}. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        JsonObject plugin = new JsonObject();
        plugin.addProperty("id", pluginId);
        plugin.addProperty("version", pluginVersion);
        o.add("plugin", plugin);
        if (damage != null) {
            o.addProperty("damaged", damage);
        } else {
            o.add("params", params.deepCopy());
        }
        if (paramsVersion != null) {
            o.addProperty("params_version", paramsVersion);
        }
        if (modelId != null) {
            o.addProperty("model_id", modelId);
        }
        if (inputId != null) {
            o.addProperty("input_id", inputId);
        }
        o.addProperty("status", status.dbName());
        if (error != null) {
            o.addProperty("error", error);
        }
        o.addProperty("started", startedAt.toString());
        o.addProperty("finished", finishedAt.toString());
        o.addProperty("duration_ms", duration.toMillis());
        o.addProperty("notes", notes);
        return o;
    }
}
