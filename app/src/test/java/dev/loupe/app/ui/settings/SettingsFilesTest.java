package dev.loupe.app.ui.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** recent.json and settings.json: small files, read leniently, written whole. */
class SettingsFilesTest {
    @TempDir
    Path tmp;

    @Test
    void recentModelsAreNewestFirstUniqueAndBounded() {
        Path file = tmp.resolve("recent.json");
        RecentPaths r = new RecentPaths(file);
        List<Path> expected = new ArrayList<>();
        for (int i = 0; i < RecentPaths.MAX + 3; i++) {
            r.add(tmp.resolve("m" + i));
            expected.add(0, tmp.resolve("m" + i));
        }
        r.add(tmp.resolve("m5"));
        expected.remove(tmp.resolve("m5"));
        expected.add(0, tmp.resolve("m5"));
        assertEquals(expected.subList(0, RecentPaths.MAX), new RecentPaths(file).list());
    }

    @Test
    void aDamagedFileIsAnEmptyList() throws Exception {
        Path file = Files.writeString(tmp.resolve("recent.json"), "[\"/a\", ");
        assertEquals(List.of(), new RecentPaths(file).list());
        Files.writeString(tmp.resolve("settings.json"), "{\"theme\": 3");
        assertEquals("light", new AppSettings(tmp.resolve("settings.json")).theme());
    }

    @Test
    void theThemeIsRemembered() {
        new AppSettings(tmp.resolve("s.json")).setTheme("dark");
        assertEquals("dark", new AppSettings(tmp.resolve("s.json")).theme());
    }

    @Test
    void theLoupeHomePropertyMovesEverything() {
        String before = System.getProperty(LoupeHome.PROPERTY);
        try {
            System.setProperty(LoupeHome.PROPERTY, tmp.toString());
            LoupeHome home = LoupeHome.fromSystem();
            assertEquals(tmp.resolve("recent.json"), home.recentModelsFile());
            assertEquals(tmp.resolve("sessions"), home.sessionsDir());
        } finally {
            if (before == null) {
                System.clearProperty(LoupeHome.PROPERTY);
            } else {
                System.setProperty(LoupeHome.PROPERTY, before);
            }
        }
    }
}
