package dev.loupe.app.ui.settings;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;

/** The few preferences Loupe remembers between launches (settings.json in the Loupe home). */
public final class AppSettings {
    private final Path file;
    private final JsonObject json;

    public AppSettings(Path file) {
        this.file = file;
        this.json = JsonFiles.readOrNull(file) instanceof JsonObject o ? o : new JsonObject();
    }

    public String theme() {
        var t = json.get("theme");
        return t != null && t.isJsonPrimitive() && "dark".equals(t.getAsString()) ? "dark" : "light";
    }

    public void setTheme(String theme) {
        json.addProperty("theme", theme);
        try {
            JsonFiles.write(file, json);
        } catch (IOException e) {
            // The theme applies now either way; only remembering it failed.
        }
    }
}
