package dev.loupe.plugin.result;

import com.google.gson.JsonObject;

/**
 * Data as JSON for a plugin-specific renderer, identified by {@code type}, which is also its {@link #viewKind()};
 * stored and exported as the JSON given. A plugin whose data is large or typed ships its own {@link ResultType}
 * instead.
 */
public record CustomResult(String title, String type, JsonObject data) implements Result {

    @Override
    public String viewKind() {
        return type;
    }
}
