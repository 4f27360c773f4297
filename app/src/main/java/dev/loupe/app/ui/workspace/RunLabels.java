package dev.loupe.app.ui.workspace;

import com.google.gson.JsonObject;
import dev.loupe.app.plugins.PluginRegistry.LoadedPlugin;
import dev.loupe.app.session.InputRecord;
import dev.loupe.app.session.SessionStore;
import dev.loupe.app.session.StoredModel;
import dev.loupe.app.session.StoredRun;
import dev.loupe.plugin.result.Result;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a run's tab says: its title and its tooltip (plugin, parameters, prompt, model, start), the same for a run
 * just finished and one restored from a session.
 */
public final class RunLabels {
    private final Map<String, String> pluginNames = new HashMap<>();

    public RunLabels(List<LoadedPlugin> plugins) {
        plugins.forEach(p -> pluginNames.put(p.id(), p.info().name()));
    }

    /** The plugin's name, or its id for a plugin that is not loaded (a session made with another plugin set). */
    private String pluginName(String id) {
        return pluginNames.getOrDefault(id, id);
    }

    public String tabTitle(String pluginId, Result result) {
        return pluginName(pluginId) + ": " + result.title();
    }

    /** Reads the run's prompt and model from the store: call it on the lane. */
    public String describe(SessionStore store, StoredRun run) {
        String prompt = run.inputId() == null ? null : store.input(run.inputId()).map(InputRecord::text).orElse(null);
        Path modelPath = run.modelId() == null ? null : store.model(run.modelId()).map(StoredModel::path).orElse(null);
        return describe(run.id(), run.pluginId(), run.pluginVersion(), run.params(), prompt, modelPath, run.startedAt());
    }

    public String describe(long runId, String pluginId, String version, JsonObject params, String prompt,
            Path modelPath, Instant started) {
        String values = params.entrySet().stream().filter(e -> !e.getKey().startsWith("$"))
                .map(e -> e.getKey() + " = " + (e.getValue().isJsonPrimitive() ? e.getValue().getAsString() : e.getValue()))
                .collect(Collectors.joining(", "));
        return "Run " + runId + " · " + pluginName(pluginId) + " " + version
                + "\nParameters: " + (values.isEmpty() ? "none" : values)
                + (prompt == null ? "" : "\nPrompt: " + prompt)
                + (modelPath == null ? "" : "\nModel: " + modelPath)
                + "\nStarted " + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
                        .format(started.atZone(ZoneId.systemDefault()));
    }
}
