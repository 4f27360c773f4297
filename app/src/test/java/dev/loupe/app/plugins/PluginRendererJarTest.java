package dev.loupe.app.plugins;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.app.plugins.PluginRegistry.LoadedPlugin;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.ResultCodec;
import dev.loupe.plugin.result.ResultType;
import dev.loupe.plugin.result.ResultTypes;
import dev.loupe.viewers.export.FigureExporter;
import dev.loupe.viewers.spi.ResultRenderer;
import dev.loupe.viewers.spi.ResultRenderers;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin jar outside the class path that ships an analysis plugin, its own result type and its own renderer: the
 * registry finds all three in the jar's class loader, the result survives the session codec, and its figure
 * exports headless. The app side (the view in a tab, a real session file) is {@code PluginRendererFxTest}.
 */
class PluginRendererJarTest {
    @TempDir
    Path work;

    @Test
    void aJarBringsItsPluginResultTypeAndRendererAndItsFigureExportsHeadless() throws Exception {
        Path dir = work.resolve("plugins");
        RendererPluginJar.build(work.resolve("build"), dir);
        Result result;
        try (PluginRegistry r = PluginRegistry.discover(dir)) {
            assertTrue(r.failures().isEmpty(), r.failures().toString());
            LoadedPlugin p = r.find(RendererPluginJar.PLUGIN_ID).orElseThrow();
            assertEquals(RendererPluginJar.JAR, p.source());
            ClassLoader jarLoader = p.plugin().getClass().getClassLoader();
            assertNotSame(PluginRegistry.class.getClassLoader(), jarLoader, "the jar is not on the class path");

            assertEquals(1, r.resultTypes().size());
            ResultType<?> type = r.resultTypes().get(0);
            assertEquals(RendererPluginJar.TYPE, type.type());
            assertSame(jarLoader, type.getClass().getClassLoader());
            assertSame(type, ResultTypes.forName(RendererPluginJar.TYPE).orElseThrow());

            assertEquals(1, r.renderers().size());
            ResultRenderer<?> renderer = r.renderers().get(0);
            assertSame(jarLoader, renderer.getClass().getClassLoader());
            assertSame(renderer, ResultRenderers.forKind(RendererPluginJar.TYPE).orElseThrow());

            result = p.plugin().analyze(null, p.params().defaults(), Progress.none());
            assertEquals(RendererPluginJar.TYPE, result.viewKind(), "a plugin's type names its view by default");
            // The session's binary form and result.json both go through the jar's type.
            Result back = ResultCodec.fromSafetensors(ResultCodec.toSafetensors(result));
            assertEquals(result.getClass(), back.getClass());
            assertEquals(ResultCodec.toJson(result), ResultCodec.toJson(back));
            assertEquals(ResultCodec.toJson(result), ResultCodec.toJson(ResultCodec.fromJson(ResultCodec.toJson(result))));

            Path png = work.resolve("out/spiral.png");
            FigureExporter.writePng(result, png);
            BufferedImage img = ImageIO.read(png.toFile());
            assertEquals(240, img.getWidth(), "the figure's 120 units at the default scale of 2");
            assertEquals(RendererPluginJar.FIGURE_RGB, img.getRGB(120, 80) & 0xFFFFFF);
            Path svg = work.resolve("out/spiral.svg");
            FigureExporter.writeSvg(result, svg);
            String text = Files.readString(svg);
            assertTrue(text.contains("<svg") && text.contains("rgb(32,96,192)"), text);
        }
        assertTrue(ResultTypes.forName(RendererPluginJar.TYPE).isEmpty(), "closing the registry uninstalls the type");
        assertTrue(ResultRenderers.forKind(RendererPluginJar.TYPE).isEmpty(), "and the renderer");
    }

    @Test
    void aJarCannotReplaceABuiltInTypeAndABrokenRendererIsReportedAgainstItsJar() throws Exception {
        Path classes = PluginJars.compile(work.resolve("build"), java.util.Map.of(
                "acme.FakeMatrix", """
                        package acme;

                        import dev.loupe.plugin.result.MatrixResult;
                        import dev.loupe.plugin.result.ResultReader;
                        import dev.loupe.plugin.result.ResultType;
                        import dev.loupe.plugin.result.ResultWriter;

                        public final class FakeMatrix implements ResultType<MatrixResult> {
                            public String type() {
                                return "matrix";
                            }

                            public Class<MatrixResult> resultClass() {
                                return MatrixResult.class;
                            }

                            public void write(MatrixResult r, ResultWriter out) {
                            }

                            public MatrixResult read(String title, ResultReader in) {
                                throw new UnsupportedOperationException();
                            }
                        }
                        """));
        Path dir = Files.createDirectories(work.resolve("plugins-broken"));
        PluginJars.jar(dir.resolve("fake.jar"), classes, java.util.List.of("acme.FakeMatrix"), java.util.Map.of(
                ResultType.class, java.util.List.of("acme.FakeMatrix"),
                ResultRenderer.class, java.util.List.of("acme.NoSuchRenderer")));
        try (PluginRegistry r = PluginRegistry.discover(dir)) {
            PluginRegistryTest.assertFailure(r, "fake.jar", "acme.FakeMatrix", "result type \"matrix\"",
                    "already provided by");
            PluginRegistryTest.assertFailure(r, "fake.jar", null, "acme.NoSuchRenderer");
            assertTrue(r.resultTypes().isEmpty() && r.renderers().isEmpty());
        }
        assertEquals("matrix", ResultTypes.forName("matrix").orElseThrow().type());
    }
}
