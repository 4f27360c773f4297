package dev.loupe.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.app.plugins.PluginJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginsCommandTest {
    @TempDir
    Path tmp;

    static CliRun plugins(Path dir) {
        return CliRun.run(Map.of(), List.of(new PluginsCommand(dir)), "plugins");
    }

    static String source(String id, String name, String version, int api) {
        return """
                package acme;
                import dev.loupe.engine.ModelInfo;
                import dev.loupe.plugin.*;
                import dev.loupe.plugin.params.*;
                import dev.loupe.plugin.result.*;
                import java.util.List;
                public class P implements AnalysisPlugin {
                    public PluginInfo info() { return new PluginInfo("%s", "%s", "%s", %d, ""); }
                    public ParamSpec params() { return ParamSpec.of(); }
                    public boolean accepts(ModelInfo m) { return true; }
                    public List<String> captures(ModelInfo m, Params p) { return List.of(); }
                    public Result analyze(AnalysisContext c, Params p, Progress pr) { return null; }
                }
                """.formatted(id, name, version, api);
    }

    @Test
    void listsBuiltInsUserPluginsAndFailures() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        Path good = PluginJars.compile(tmp.resolve("good"), Map.of("acme.P", source("acme.sparkle", "Sparkle view", "2.0.1", 1)));
        PluginJars.jar(dir.resolve("sparkle.jar"), good, List.of("acme.P"), List.of("acme.P"));
        Path old = PluginJars.compile(tmp.resolve("old"), Map.of("acme.P", source("acme.old", "Old", "0.1", 99)));
        PluginJars.jar(dir.resolve("old.jar"), old, List.of("acme.P"), List.of("acme.P"));
        Files.writeString(dir.resolve("broken.jar"), "not a zip");

        CliRun r = plugins(dir).assertOk();
        String out = r.out();
        assertEquals("", r.err());
        assertTrue(out.startsWith("ID "), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("acme\\.sparkle\\s+Sparkle view\\s+2\\.0\\.1\\s+sparkle\\.jar")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("loupe\\.activations\\s+Activations\\s+\\S+\\s+built-in")), out);
        assertTrue(out.contains("user plugin folder: " + dir), out);
        assertTrue(out.contains("failed to load (2):"), out);
        assertTrue(out.contains("  broken.jar: not a readable jar"), out);
        assertTrue(out.contains("  old.jar (acme.P): acme.old 0.1 is built for plugin API 99"), out);
        assertFalse(out.lines().anyMatch(l -> l.startsWith("acme.old")), out);
    }

    @Test
    void noUserFolderIsFine() {
        String out = plugins(tmp.resolve("missing")).assertOk().out();
        assertTrue(out.contains("loupe.activations"), out);
        assertFalse(out.contains("failed to load"), out);
    }
}
