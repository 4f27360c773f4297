package dev.loupe.app.ui.settings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where Loupe keeps its own files: ~/.loupe, or the folder named by the {@code loupe.home} system property (tests
 * point it at a temporary folder so they never touch the user's real settings).
 */
public record LoupeHome(Path dir) {
    public static final String PROPERTY = "loupe.home";

    public static LoupeHome fromSystem() {
        String override = System.getProperty(PROPERTY);
        Path dir = override != null && !override.isBlank()
                ? Path.of(override)
                : Path.of(System.getProperty("user.home"), ".loupe");
        return new LoupeHome(dir.toAbsolutePath());
    }

    public Path recentModelsFile() {
        return dir.resolve("recent.json");
    }

    public Path recentSessionsFile() {
        return dir.resolve("recent-sessions.json");
    }

    public Path settingsFile() {
        return dir.resolve("settings.json");
    }

    public Path sessionsDir() {
        return ensure(dir.resolve("sessions"));
    }

    public Path pluginsDir() {
        return dir.resolve("plugins");
    }

    private static Path ensure(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
