package dev.loupe.app.ui.settings;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.loupe.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small settings files: read leniently (a damaged file is as good as none), written atomically. */
public final class JsonFiles {
    private JsonFiles() {
    }

    public static JsonElement readOrNull(Path file) {
        try {
            return Files.isRegularFile(file) ? JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Through a temporary file and a rename, so a crash never leaves half a file. */
    public static void write(Path file, JsonElement json) throws IOException {
        String text = new GsonBuilder().setPrettyPrinting().create().toJson(json);
        AtomicFiles.writeString(AtomicFiles.withParentFolders(file), text);
    }
}
