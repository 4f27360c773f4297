package dev.loupe.app.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.app.plugins.PluginRegistry.LoadedPlugin;
import dev.loupe.app.plugins.PluginRegistry.PluginFailure;
import dev.loupe.plugin.PluginApi;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Discovery against real jars: good ones load, each kind of broken one is reported and isolated. */
class PluginRegistryTest {

    @TempDir
    static Path work;
    static Path classes;

    static String plugin(String cls, String id, String name, String api, String extra, String infoPrefix, String params) {
        return """
                package acme;
                import dev.loupe.engine.ModelInfo;
                import dev.loupe.plugin.*;
                import dev.loupe.plugin.params.*;
                import dev.loupe.plugin.result.*;
                import java.util.List;
                public class %s implements AnalysisPlugin {
                    %s
                    public PluginInfo info() { %s return new PluginInfo("%s", "%s", "1.2.3", %s, "a test plugin"); }
                    public ParamSpec params() { return %s; }
                    public boolean accepts(ModelInfo m) { return true; }
                    public List<String> captures(ModelInfo m, Params p) { return List.of(); }
                    public Result analyze(AnalysisContext c, Params p, Progress pr) {
                        return new TableResult("t", List.of("a"), List.of());
                    }
                }
                """.formatted(cls, extra, infoPrefix, id, name, api, params);
    }

    static String simple(String cls, String id, String name) {
        return plugin(cls, id, name, "PluginApi.VERSION", "", "", "ParamSpec.of()");
    }

    @BeforeAll
    static void compilePlugins() throws IOException {
        Map<String, String> src = new LinkedHashMap<>();
        src.put("acme.Good", simple("Good", "acme.good", "Good"));
        src.put("acme.Fine", simple("Fine", "acme.fine", "Fine"));
        src.put("acme.Zebra", simple("Zebra", "acme.zebra", "aardvark view")); // sorts by name, not id
        src.put("acme.Dup", simple("Dup", "acme.good", "Good again"));
        src.put("acme.Throwing", plugin("Throwing", "acme.throwing", "T", "PluginApi.VERSION",
                "public Throwing() { if (true) throw new IllegalStateException(\"no licence\"); }", "", "ParamSpec.of()"));
        src.put("acme.StaticBoom", plugin("StaticBoom", "acme.static", "S", "PluginApi.VERSION",
                "static { if (true) throw new RuntimeException(\"static boom\"); }", "", "ParamSpec.of()"));
        src.put("acme.Gone", "package acme; public class Gone { public static void touch() { } }");
        src.put("acme.Linking", plugin("Linking", "acme.linking", "L", "PluginApi.VERSION", "", "Gone.touch();", "ParamSpec.of()"));
        src.put("acme.GoneBase", "package acme; public abstract class GoneBase implements dev.loupe.plugin.AnalysisPlugin { }");
        src.put("acme.SubGone", plugin("SubGone", "acme.subgone", "SG", "PluginApi.VERSION", "", "", "ParamSpec.of()")
                .replace("public class SubGone implements AnalysisPlugin", "public class SubGone extends GoneBase"));
        src.put("acme.Future", plugin("Future", "acme.future", "F", "99", "", "", "ParamSpec.of()"));
        src.put("acme.BadInfo", plugin("BadInfo", "acme.badinfo", "BI", "PluginApi.VERSION", "",
                "if (true) throw new UnsupportedOperationException(\"not today\");", "ParamSpec.of()"));
        src.put("acme.BadId", simple("BadId", "Bad Id", "BadId"));
        src.put("acme.BadParams", plugin("BadParams", "acme.badparams", "BP", "PluginApi.VERSION", "", "",
                "ParamSpec.of(Param.intParam(\"n\", \"N\", \"\", 50, 0, 10))"));
        src.put("acme.NullParams", plugin("NullParams", "acme.nullparams", "NP", "PluginApi.VERSION", "", "", "null"));
        src.put("acme.NotAPlugin", "package acme; public class NotAPlugin { }");
        src.put("acme.NoCtor", plugin("NoCtor", "acme.noctor", "NC", "PluginApi.VERSION", "public NoCtor(int x) { }", "",
                "ParamSpec.of()"));
        // Deaf to interrupts too: the registry cannot stop it, only stop waiting for it.
        src.put("acme.Hanging", plugin("Hanging", "acme.hanging", "H", "PluginApi.VERSION",
                "public Hanging() { while (true) { try { Thread.sleep(60_000); } catch (InterruptedException e) { } } }",
                "", "ParamSpec.of()"));
        src.put("acme.HangingInfo", plugin("HangingInfo", "acme.hanginginfo", "HI", "PluginApi.VERSION", "",
                "var never = new java.util.concurrent.CountDownLatch(1);"
                        + " for (;;) { try { never.await(); break; } catch (InterruptedException e) { } }", "ParamSpec.of()"));
        classes = PluginJars.compile(work.resolve("build"), src);
    }

    static Path jar(Path dir, String name, List<String> classNames, List<String> services) throws IOException {
        Files.createDirectories(dir);
        return PluginJars.jar(dir.resolve(name), classes, classNames, services);
    }

    static Path jar(Path dir, String name, String... pluginClasses) throws IOException {
        List<String> names = Arrays.asList(pluginClasses);
        return jar(dir, name, names, names);
    }

    static List<PluginFailure> failuresFrom(PluginRegistry r, String source) {
        return r.failures().stream().filter(f -> f.source().equals(source)).toList();
    }

    static void assertFailure(PluginRegistry r, String source, String plugin, String... fragments) {
        List<PluginFailure> fs = failuresFrom(r, source);
        String all = fs.stream().map(PluginFailure::describe).collect(Collectors.joining("\n"));
        boolean match = fs.stream().anyMatch(f -> (plugin == null || plugin.equals(f.plugin()))
                && Arrays.stream(fragments).allMatch(fr -> f.reason().contains(fr)));
        assertTrue(match, () -> source + " should report " + plugin + " " + Arrays.toString(fragments) + ", reported:\n" + all);
        for (PluginFailure f : fs) {
            assertFalse(f.describe().contains("\n"), "one line: " + f.describe());
        }
    }

    @Test
    void eachBrokenJarIsReportedAndTheGoodOnesLoad() throws IOException {
        Path dir = work.resolve("plugins-each");
        jar(dir, "good.jar", "acme.Good");
        jar(dir, "throwing.jar", "acme.Throwing");
        jar(dir, "linking.jar", List.of("acme.Linking"), List.of("acme.Linking")); // acme.Gone left out
        jar(dir, "subgone.jar", List.of("acme.SubGone"), List.of("acme.SubGone")); // its superclass left out
        jar(dir, "future.jar", "acme.Future");
        jar(dir, "later-dup.jar", "acme.Dup");
        jar(dir, "empty.jar", List.of("acme.Fine"), null);
        Files.write(dir.resolve("corrupt.jar"), "PK\u0003\u0004 this is not a zip file at all".getBytes());
        byte[] good = Files.readAllBytes(dir.resolve("good.jar"));
        Files.write(dir.resolve("truncated.jar"), Arrays.copyOf(good, good.length / 2));
        Files.writeString(dir.resolve("readme.txt"), "not a jar, not looked at");
        Files.createDirectories(dir.resolve("sub.jar")); // a folder named like a jar is not one

        try (PluginRegistry r = PluginRegistry.discover(dir)) {
            LoadedPlugin g = r.find("acme.good").orElseThrow(() -> new AssertionError(r.failures().toString()));
            assertEquals("good.jar", g.source());
            assertEquals("Good", g.info().name());
            assertEquals("1.2.3", g.info().version());
            assertEquals("acme.Good", g.plugin().getClass().getName());
            assertSame(PluginRegistry.class.getClassLoader(), g.plugin().getClass().getClassLoader().getParent(),
                    "a jar's loader delegates to the app's");

            assertFailure(r, "throwing.jar", "acme.Throwing", "could not be instantiated", "IllegalStateException", "no licence");
            assertFailure(r, "linking.jar", "acme.Linking", "info() failed", "missing class acme.Gone");
            assertFailure(r, "subgone.jar", null, "missing class acme.GoneBase");
            assertFailure(r, "future.jar", "acme.Future", "acme.future", "plugin API 99", "this Loupe has plugin API " + PluginApi.VERSION);
            assertFailure(r, "later-dup.jar", "acme.Dup", "duplicate plugin id acme.good", "good.jar");
            assertFailure(r, "empty.jar", null, "declares no plugin");
            assertFailure(r, "corrupt.jar", null, "not a readable jar");
            assertFailure(r, "truncated.jar", null, "not a readable jar");
            assertTrue(failuresFrom(r, "readme.txt").isEmpty());
            assertTrue(failuresFrom(r, "sub.jar").isEmpty());

            for (String id : List.of("acme.throwing", "acme.linking", "acme.subgone", "acme.future")) {
                assertTrue(r.find(id).isEmpty(), id + " must not load");
            }
            assertEquals("Good", r.find("acme.good").get().info().name(), "the first of two equal ids wins");
        }
    }

    @Test
    void oneJarWithManyBrokenProvidersStillYieldsItsGoodOne() throws IOException {
        Path dir = work.resolve("plugins-mixed");
        List<String> services = List.of("acme.Nowhere", "acme.NotAPlugin", "acme.NoCtor", "acme.Throwing",
                "acme.StaticBoom", "acme.Linking", "acme.SubGone", "acme.Future", "acme.BadInfo", "acme.BadId",
                "acme.BadParams", "acme.NullParams", "acme.Fine");
        List<String> classNames = services.stream().filter(c -> !c.equals("acme.Nowhere")).toList();
        jar(dir, "mixed.jar", classNames, services);

        try (PluginRegistry r = PluginRegistry.discover(dir)) {
            LoadedPlugin fine = r.find("acme.fine").orElseThrow(() -> new AssertionError(r.failures().toString()));
            assertEquals("mixed.jar", fine.source());
            assertFailure(r, "mixed.jar", null, "acme.Nowhere not found");
            assertFailure(r, "mixed.jar", null, "acme.NotAPlugin not a subtype");
            assertFailure(r, "mixed.jar", null, "acme.NoCtor");
            assertFailure(r, "mixed.jar", "acme.Throwing", "no licence");
            assertFailure(r, "mixed.jar", "acme.StaticBoom", "static boom");
            assertFailure(r, "mixed.jar", "acme.Linking", "missing class acme.Gone");
            assertFailure(r, "mixed.jar", null, "missing class acme.GoneBase");
            assertFailure(r, "mixed.jar", "acme.Future", "plugin API 99");
            assertFailure(r, "mixed.jar", "acme.BadInfo", "info() failed", "UnsupportedOperationException", "not today");
            assertFailure(r, "mixed.jar", "acme.BadId", "info() failed", "dotted lower case");
            assertFailure(r, "mixed.jar", "acme.BadParams", "params() failed", "0..10");
            assertFailure(r, "mixed.jar", "acme.NullParams", "params() returned null");
            assertEquals(12, failuresFrom(r, "mixed.jar").size(), () -> r.failures().toString());
        }
    }

    @Test
    void jarsAreIsolatedFromEachOther() throws IOException {
        Path dir = work.resolve("plugins-two");
        jar(dir, "a.jar", "acme.Good");
        jar(dir, "b.jar", "acme.Fine");
        try (PluginRegistry r = PluginRegistry.discover(dir)) {
            ClassLoader a = r.find("acme.good").orElseThrow().plugin().getClass().getClassLoader();
            ClassLoader b = r.find("acme.fine").orElseThrow().plugin().getClass().getClassLoader();
            assertNotSame(a, b);
            assertTrue(failuresFrom(r, "a.jar").isEmpty() && failuresFrom(r, "b.jar").isEmpty(), r.failures().toString());
            // One jar cannot load the other's classes.
            assertThrowsClassNotFound(a, "acme.Fine");
            assertThrowsClassNotFound(b, "acme.Good");
        }
    }

    static void assertThrowsClassNotFound(ClassLoader l, String name) {
        try {
            Class.forName(name, false, l);
            throw new AssertionError(name + " should not be visible");
        } catch (ClassNotFoundException expected) {
            // isolated
        }
    }

    @Test
    void classPathComesFirstAndResultsAreSortedByName() throws IOException {
        Path cpDir = work.resolve("cp");
        Path cpJar = jar(cpDir, "cp.jar", "acme.Good", "acme.Zebra");
        Path dir = work.resolve("plugins-dup-of-cp");
        jar(dir, "dup.jar", "acme.Dup");
        jar(dir, "fine.jar", "acme.Fine");
        try (URLClassLoader app = new URLClassLoader(new URL[] {cpJar.toUri().toURL()}, PluginRegistry.class.getClassLoader());
                PluginRegistry r = PluginRegistry.discover(app, dir)) {
            assertEquals(PluginRegistry.CLASS_PATH, r.find("acme.good").orElseThrow().source());
            assertEquals(PluginRegistry.CLASS_PATH, r.find("acme.zebra").orElseThrow().source());
            assertFailure(r, "dup.jar", "acme.Dup", "duplicate plugin id acme.good", "class path");
            List<String> acme = r.plugins().stream().map(LoadedPlugin::id).filter(id -> id.startsWith("acme.")).toList();
            assertEquals(List.of("acme.zebra", "acme.fine", "acme.good"), acme, "by name: aardvark view, Fine, Good");
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang guard, not a speed measure
    void aPluginThatNeverAnswersIsReportedAndTheOthersLoad() throws IOException {
        Path dir = work.resolve("plugins-hanging");
        jar(dir, "a-good.jar", "acme.Good");
        jar(dir, "hanging.jar", "acme.Hanging", "acme.Fine"); // the jar's other plugin still loads
        jar(dir, "info-hangs.jar", "acme.HangingInfo");
        jar(dir, "z-last.jar", "acme.Zebra"); // after the hanging ones
        List<String> builtIns;
        try (PluginRegistry none = PluginRegistry.discover(work.resolve("no-such-folder"))) {
            builtIns = none.plugins().stream().map(LoadedPlugin::id).toList();
        }
        assertFalse(builtIns.isEmpty(), "the app's tests run with the shipped plugins on the class path");

        try (PluginRegistry r = PluginRegistry.discover(PluginRegistry.class.getClassLoader(), dir, Duration.ofSeconds(1))) {
            for (String id : builtIns) {
                assertEquals(PluginRegistry.CLASS_PATH, r.find(id).orElseThrow(() -> new AssertionError(id)).source());
            }
            assertEquals("a-good.jar", r.find("acme.good").orElseThrow(() -> new AssertionError(r.failures().toString())).source());
            assertEquals("hanging.jar", r.find("acme.fine").orElseThrow().source());
            assertEquals("z-last.jar", r.find("acme.zebra").orElseThrow().source());
            assertFailure(r, "hanging.jar", "acme.Hanging", "did not answer within 1 s");
            assertFailure(r, "info-hangs.jar", "acme.HangingInfo", "did not answer within 1 s");
            assertTrue(r.find("acme.hanging").isEmpty() && r.find("acme.hanginginfo").isEmpty());
            assertEquals(2, r.failures().size(), r.failures().toString());
        }
    }

    @Test
    void theLoadLimitMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PluginRegistry.discover(PluginRegistry.class.getClassLoader(), work, Duration.ZERO));
        assertTrue(e.getMessage().contains("load limit"), e.getMessage());
    }

    @Test
    void missingFolderMeansNoUserPlugins() {
        try (PluginRegistry r = PluginRegistry.discover(work.resolve("no-such-folder"))) {
            assertTrue(r.failures().stream().noneMatch(f -> f.source().contains("no-such-folder")), r.failures().toString());
            for (LoadedPlugin p : r.plugins()) {
                assertEquals(PluginRegistry.CLASS_PATH, p.source());
                assertEquals(PluginApi.VERSION, p.info().apiVersion());
            }
        }
    }

    @Test
    void aFileWhereTheFolderShouldBeIsReported() throws IOException {
        Path file = Files.writeString(work.resolve("plugins-file"), "x");
        try (PluginRegistry r = PluginRegistry.discover(file)) {
            assertFailure(r, file.toString(), null, "not a folder");
        }
    }

    @Test
    void defaultFolderIsUnderTheHomeFolder() {
        String old = System.getProperty(PluginRegistry.PLUGIN_DIR_PROPERTY);
        try {
            System.clearProperty(PluginRegistry.PLUGIN_DIR_PROPERTY);
            assertEquals(Path.of(System.getProperty("user.home"), ".loupe", "plugins"), PluginRegistry.defaultPluginDir());
            System.setProperty(PluginRegistry.PLUGIN_DIR_PROPERTY, "/x/y");
            assertEquals(Path.of("/x/y"), PluginRegistry.defaultPluginDir());
        } finally {
            if (old == null) {
                System.clearProperty(PluginRegistry.PLUGIN_DIR_PROPERTY);
            } else {
                System.setProperty(PluginRegistry.PLUGIN_DIR_PROPERTY, old);
            }
        }
    }
}
