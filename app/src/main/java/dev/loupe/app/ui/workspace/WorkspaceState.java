package dev.loupe.app.ui.workspace;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The workspace as a session stores it: open tabs in order (by run id, with each view's state), the selected one,
 * the model folder, the prompt and the chosen plugin with every plugin's form values. Parsing is lenient: a field
 * that is missing or mistyped is left out, because a partly restored workspace beats none.
 */
public record WorkspaceState(List<TabState> tabs, Long selectedRun, String modelPath, String prompt, String pluginId,
        Map<String, JsonObject> params) {

    static final String FORMAT = "loupe.workspace";
    static final int VERSION = 1;

    public record TabState(long runId, JsonObject viewState) {
    }

    public WorkspaceState {
        tabs = List.copyOf(tabs);
        params = Map.copyOf(params);
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("version", VERSION);
        JsonArray a = new JsonArray();
        for (TabState t : tabs) {
            JsonObject tab = new JsonObject();
            tab.addProperty("run", t.runId());
            if (t.viewState() != null) {
                tab.add("view", t.viewState());
            }
            a.add(tab);
        }
        o.add("tabs", a);
        if (selectedRun != null) {
            o.addProperty("selected", selectedRun);
        }
        if (modelPath != null) {
            o.addProperty("model", modelPath);
        }
        o.addProperty("prompt", prompt == null ? "" : prompt);
        if (pluginId != null) {
            o.addProperty("plugin", pluginId);
        }
        JsonObject p = new JsonObject();
        params.forEach(p::add);
        o.add("params", p);
        return o;
    }

    public static WorkspaceState fromJson(JsonObject o) {
        List<TabState> tabs = new ArrayList<>();
        if (o.get("tabs") instanceof JsonArray a) {
            for (JsonElement e : a) {
                if (e instanceof JsonObject t && isNumber(t.get("run"))) {
                    tabs.add(new TabState(t.get("run").getAsLong(), t.get("view") instanceof JsonObject v ? v : null));
                }
            }
        }
        Map<String, JsonObject> params = new LinkedHashMap<>();
        if (o.get("params") instanceof JsonObject p) {
            p.entrySet().forEach(e -> {
                if (e.getValue() instanceof JsonObject v) {
                    params.put(e.getKey(), v);
                }
            });
        }
        return new WorkspaceState(tabs, isNumber(o.get("selected")) ? o.get("selected").getAsLong() : null,
                string(o, "model"), string(o, "prompt"), string(o, "plugin"), params);
    }

    private static boolean isNumber(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber();
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }
}
