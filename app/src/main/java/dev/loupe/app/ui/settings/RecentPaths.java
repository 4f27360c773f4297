package dev.loupe.app.ui.settings;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The most recently opened model folders or session files, newest first, kept in a small JSON file. Plain Java: no UI. */
public final class RecentPaths {
    static final int MAX = 10;

    private final Path file;
    private final List<Path> paths = new ArrayList<>();

    public RecentPaths(Path file) {
        this.file = file;
        if (JsonFiles.readOrNull(file) instanceof JsonArray a) {
            for (JsonElement e : a) {
                if (e.isJsonPrimitive() && paths.size() < MAX) {
                    paths.add(Path.of(e.getAsString()));
                }
            }
        }
    }

    public List<Path> list() {
        return List.copyOf(paths);
    }

    /** Moves the folder to the top and saves; a failed save only costs the list, never the open. */
    public List<Path> add(Path dir) {
        Path p = dir.toAbsolutePath().normalize();
        paths.remove(p);
        paths.add(0, p);
        while (paths.size() > MAX) {
            paths.remove(paths.size() - 1);
        }
        save();
        return list();
    }

    public List<Path> remove(Path dir) {
        paths.remove(dir.toAbsolutePath().normalize());
        save();
        return list();
    }

    private void save() {
        JsonArray a = new JsonArray();
        paths.forEach(p -> a.add(p.toString()));
        try {
            JsonFiles.write(file, a);
        } catch (IOException e) {
            // Remembering recent folders is a convenience; not being able to is not worth an error dialog.
        }
    }
}
