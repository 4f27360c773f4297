package dev.loupe.plugin.result;

import com.google.gson.JsonObject;

/** Data for a plugin-specific renderer, identified by {@code type}; stored and exported as the JSON given. */
public record CustomResult(String title, String type, JsonObject data) implements Result {
}
