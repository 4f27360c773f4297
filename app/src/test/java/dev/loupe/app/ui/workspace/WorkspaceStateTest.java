package dev.loupe.app.ui.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The workspace JSON a session stores: read leniently, written whole. */
class WorkspaceStateTest {
    @Test
    void workspaceStateRoundTripsAndSurvivesJunk() {
        JsonObject view = new JsonObject();
        view.addProperty("zoom", 2);
        JsonObject params = new JsonObject();
        params.addProperty("k", 3);
        WorkspaceState s = new WorkspaceState(List.of(new WorkspaceState.TabState(4, view),
                new WorkspaceState.TabState(2, null)), 2L, "/models/gpt2", "hello", "loupe.activations",
                Map.of("loupe.activations", params));
        assertEquals(s, WorkspaceState.fromJson(s.toJson()));

        JsonObject junk = s.toJson();
        junk.getAsJsonArray("tabs").add("not a tab");
        junk.addProperty("selected", "two");
        WorkspaceState partial = WorkspaceState.fromJson(junk);
        assertEquals(2, partial.tabs().size());
        assertEquals(null, partial.selectedRun());
    }
}
