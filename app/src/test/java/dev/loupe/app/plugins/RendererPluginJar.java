package dev.loupe.app.plugins;

import dev.loupe.plugin.AnalysisPlugin;
import dev.loupe.plugin.result.ResultType;
import dev.loupe.viewers.spi.ResultRenderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A third-party plugin jar as an author would ship it, built at test time outside the class path: an analysis
 * plugin ({@code acme.spiral.SpiralPlugin}) whose result is a class of its own ({@code SpiralResult}), stored by its
 * own {@link ResultType} and shown by its own {@link ResultRenderer} (an FX view and a headless figure).
 */
public final class RendererPluginJar {
    public static final String PLUGIN_ID = "acme.spiral";
    public static final String PLUGIN_NAME = "Spiral";
    public static final String TYPE = "acme.spiral";
    /** The id of the view's node, for lookups in the app. */
    public static final String VIEW_ID = "acme-spiral-view";
    /** What the figure paints everywhere. */
    public static final int FIGURE_RGB = 0x2060C0;
    public static final String JAR = "spiral.jar";

    private RendererPluginJar() {
    }

    private static final String RESULT = """
            package acme.spiral;

            import dev.loupe.plugin.result.Result;

            public record SpiralResult(String title, float[] radii) implements Result {
            }
            """;

    private static final String TYPE_SRC = """
            package acme.spiral;

            import dev.loupe.plugin.result.ResultReader;
            import dev.loupe.plugin.result.ResultType;
            import dev.loupe.plugin.result.ResultWriter;

            public final class SpiralType implements ResultType<SpiralResult> {
                public String type() {
                    return "%s";
                }

                public Class<SpiralResult> resultClass() {
                    return SpiralResult.class;
                }

                public void write(SpiralResult r, ResultWriter out) {
                    out.floats("radii", r.radii());
                }

                public SpiralResult read(String title, ResultReader in) {
                    return new SpiralResult(title, in.floats("radii"));
                }
            }
            """.formatted(TYPE);

    private static final String PLUGIN = """
            package acme.spiral;

            import dev.loupe.engine.ModelInfo;
            import dev.loupe.plugin.AnalysisContext;
            import dev.loupe.plugin.AnalysisPlugin;
            import dev.loupe.plugin.PluginApi;
            import dev.loupe.plugin.PluginInfo;
            import dev.loupe.plugin.Progress;
            import dev.loupe.plugin.params.ParamSpec;
            import dev.loupe.plugin.params.Params;
            import dev.loupe.plugin.result.Result;
            import java.util.List;

            public final class SpiralPlugin implements AnalysisPlugin {
                public PluginInfo info() {
                    return new PluginInfo("%s", "%s", "1.0", PluginApi.VERSION, "a result type of its own");
                }

                public ParamSpec params() {
                    return ParamSpec.of();
                }

                public boolean accepts(ModelInfo model) {
                    return true;
                }

                public List<String> captures(ModelInfo model, Params params) {
                    return List.of();
                }

                public Result analyze(AnalysisContext context, Params params, Progress progress) {
                    return new SpiralResult("Spiral", new float[] {1, 2, 3, 5, 8});
                }
            }
            """.formatted(PLUGIN_ID, PLUGIN_NAME);

    private static final String RENDERER = """
            package acme.spiral;

            import com.google.gson.JsonObject;
            import dev.loupe.plugin.result.Result;
            import dev.loupe.viewers.ResultView;
            import dev.loupe.viewers.export.Figure;
            import dev.loupe.viewers.spi.ResultRenderer;
            import java.awt.Color;
            import java.awt.Dimension;
            import java.awt.Graphics2D;
            import java.awt.geom.Rectangle2D;
            import javafx.scene.Node;
            import javafx.scene.control.Label;

            public final class SpiralRenderer implements ResultRenderer<SpiralResult> {
                public String kind() {
                    return "%s";
                }

                public Class<SpiralResult> resultClass() {
                    return SpiralResult.class;
                }

                public ResultView view(SpiralResult r) {
                    Label label = new Label("spiral of " + r.radii().length + " radii");
                    label.setId("%s");
                    return new ResultView() {
                        public Node node() {
                            return label;
                        }

                        public Result result() {
                            return r;
                        }

                        public JsonObject viewState() {
                            JsonObject o = new JsonObject();
                            o.addProperty("turns", r.radii().length);
                            return o;
                        }

                        public void restoreViewState(JsonObject state) {
                        }
                    };
                }

                public Figure figure(SpiralResult r, JsonObject viewState) {
                    return new Figure() {
                        public Dimension preferredSize() {
                            return new Dimension(120, 80);
                        }

                        public void paint(Graphics2D g, double w, double h) {
                            g.setColor(new Color(0x%06X));
                            g.fill(new Rectangle2D.Double(0, 0, w, h));
                        }
                    };
                }
            }
            """.formatted(TYPE, VIEW_ID, FIGURE_RGB);

    /** Builds {@value #JAR} in {@code pluginDir} (created), compiling in {@code work}. */
    public static Path build(Path work, Path pluginDir) throws IOException {
        Path classes = PluginJars.compile(work, Map.of("acme.spiral.SpiralResult", RESULT, "acme.spiral.SpiralType",
                TYPE_SRC, "acme.spiral.SpiralPlugin", PLUGIN, "acme.spiral.SpiralRenderer", RENDERER));
        Files.createDirectories(pluginDir);
        return PluginJars.jar(pluginDir.resolve(JAR), classes, List.of("acme.spiral.SpiralResult",
                "acme.spiral.SpiralType", "acme.spiral.SpiralPlugin", "acme.spiral.SpiralRenderer"), Map.of(
                AnalysisPlugin.class, List.of("acme.spiral.SpiralPlugin"),
                ResultType.class, List.of("acme.spiral.SpiralType"),
                ResultRenderer.class, List.of("acme.spiral.SpiralRenderer")));
    }
}
