package dev.loupe.app.plugins;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import dev.loupe.engine.ModelInfo;
import dev.loupe.plugin.AnalysisPlugin;
import dev.loupe.viewers.spi.ResultRenderer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Real plugin jars built at test time: sources compiled with the JDK's compiler against the plugin API as the app
 * loads it, then packed with a chosen subset of the classes (leaving one out makes a link error) and a chosen
 * META-INF/services file.
 */
public final class PluginJars {
    private PluginJars() {
    }

    /** Compiles {@code sources} (class name -> source) into a fresh folder under {@code work}; returns it. */
    public static Path compile(Path work, Map<String, String> sources) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "tests need a JDK (javax.tools compiler), not a JRE");
        Path src = Files.createDirectories(work.resolve("src"));
        Path out = Files.createDirectories(work.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("--release", "17", "-nowarn", "-encoding", "UTF-8", "-d", out.toString(),
                "-cp", compileClassPath()));
        for (var e : sources.entrySet()) {
            Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
            args.add(file.toString());
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int rc = javac.run(null, log, log, args.toArray(String[]::new));
        assertTrue(rc == 0, () -> "test plugin sources must compile:\n" + log);
        return out;
    }

    /**
     * The plugin API's own locations (class folders or jars, whatever this test runs from): the JVM's class path
     * can be a launcher jar (JUnit console, surefire's manifest jar) that names none of them.
     */
    private static String compileClassPath() {
        List<String> parts = new ArrayList<>();
        // The renderer SPI and JavaFX too, for jars that bring their own views.
        for (Class<?> c : List.of(AnalysisPlugin.class, ModelInfo.class, NDManager.class, JsonObject.class,
                ResultRenderer.class, javafx.scene.Node.class, javafx.scene.control.Label.class,
                javafx.beans.property.Property.class)) {
            try {
                String p = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
                if (!parts.contains(p)) {
                    parts.add(p);
                }
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(java.io.File.pathSeparator, parts);
    }

    /** A jar holding {@code classes} (and their nested classes) from {@code classDir}, and these plugin lines. */
    public static Path jar(Path jar, Path classDir, List<String> classes, List<String> serviceLines) {
        return jar(jar, classDir, classes, serviceLines == null ? Map.of() : Map.of(AnalysisPlugin.class, serviceLines));
    }

    /** As {@link #jar(Path, Path, List, List)}, with a service file per interface (plugin, result type, renderer). */
    public static Path jar(Path jar, Path classDir, List<String> classes, Map<Class<?>, List<String>> services) {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest())) {
            for (String c : classes) {
                String rel = c.replace('.', '/');
                Path dir = classDir.resolve(rel).getParent();
                String simple = rel.substring(rel.lastIndexOf('/') + 1);
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        String n = f.getFileName().toString();
                        if (n.equals(simple + ".class") || n.startsWith(simple + "$")) {
                            out.putNextEntry(new JarEntry(rel.substring(0, rel.length() - simple.length()) + n));
                            out.write(Files.readAllBytes(f));
                            out.closeEntry();
                        }
                    }
                }
            }
            for (var service : services.entrySet()) {
                out.putNextEntry(new JarEntry("META-INF/services/" + service.getKey().getName()));
                out.write(("# test plugins\n" + String.join("\n", service.getValue()) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    private static Manifest manifest() {
        Manifest m = new Manifest();
        m.getMainAttributes().putValue("Manifest-Version", "1.0");
        return m;
    }
}
