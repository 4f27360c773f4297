package dev.loupe.plugins.logitlens;

import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.ModelInfo;
import dev.loupe.plugin.AnalysisContext;
import dev.loupe.plugin.AnalysisPlugin;
import dev.loupe.plugin.PluginApi;
import dev.loupe.plugin.PluginInfo;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.params.ParamDef;
import dev.loupe.plugin.params.ParamSpec;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The tuned lens grid: trains per-layer affine translators (see {@link TunedLens}) on a text, then shows the same
 * layer x position grid as the logit lens through them. The training text is the one given, else the model
 * folder's corpus.txt (the sample models ship theirs), else the input itself. Trained translators are kept under
 * the Loupe home (tuned-lens/, keyed by model, text and settings), so re-opening the view does not retrain.
 */
public final class TunedLensPlugin implements AnalysisPlugin {
    static final String ID = "loupe.tuned-lens";

    private static final ParamSpec PARAMS = ParamSpec.of(
            new ParamDef.TextParam("trainText", "Training text",
                    "text to fit the translators on; empty = the model folder's corpus.txt, else the input", ""),
            new ParamDef.IntParam("steps", "Training steps", "Adam steps", 150, 1, 100000),
            new ParamDef.DoubleParam("lr", "Learning rate", "Adam learning rate", 1e-3, 1e-6, 1),
            new ParamDef.IntParam("maxTokens", "Training tokens", "at most this many tokens of the text", 4096, 16, 1_000_000),
            new ParamDef.ChoiceParam("colorBy", "Colour by", "probability of the top-1 token, or entropy",
                    "probability", List.of("probability", "entropy")),
            new ParamDef.IntParam("topK", "Top k", "tokens listed on hover", 5, 1, 50));

    @Override
    public PluginInfo info() {
        return new PluginInfo(ID, "Tuned lens", "1.0", PluginApi.VERSION,
                "Per-layer affine translators trained to read each layer as the final layer would");
    }

    @Override
    public ParamSpec params() {
        return PARAMS;
    }

    @Override
    public boolean accepts(ModelInfo model) {
        return ResidualLayers.accepts(model);
    }

    @Override
    public List<String> captures(ModelInfo model, Params params) {
        return ResidualLayers.captures(model);
    }

    @Override
    public Result analyze(AnalysisContext ctx, Params params, Progress progress) throws IOException {
        LoupeModel model = ctx.model();
        String text = trainingText(ctx, params.getString("trainText"));
        long[] ids = text == null ? ctx.tokens() : model.encode(text);
        int chunk = Math.min(64, model.info().contextLength());
        int limit = Math.min(ids.length, params.getInt("maxTokens"));
        long[] used = java.util.Arrays.copyOf(ids, limit);
        if (used.length < chunk) {
            chunk = used.length;
        }
        List<long[]> chunks = TunedLens.chunks(used, chunk);
        Path cacheFile = cacheFile(model, used, params);
        TunedLens lens;
        TunedLens.Training training = null;
        if (Files.isRegularFile(cacheFile)) {
            lens = TunedLens.load(model, cacheFile);
        } else {
            lens = TunedLens.identity(model);
            training = lens.train(model, chunks, params.getInt("steps"), params.getDouble("lr"), progress);
            Files.createDirectories(cacheFile.getParent());
            lens.save(cacheFile);
        }
        try (lens) {
            Map<String, Double> stats = training == null
                    ? Map.of("training tokens", (double) used.length)
                    : Map.of("training tokens", (double) training.tokens(), "KL before training (nats)",
                            training.initialKl(), "KL after training (nats)", training.finalKl());
            return LogitLensPlugin.lensGrid(ctx, params, progress, "Tuned lens", lens::translate, stats);
        }
    }

    private static String trainingText(AnalysisContext ctx, String given) throws IOException {
        if (!given.isBlank()) {
            return given;
        }
        Path corpus = ctx.model().dir().resolve("corpus.txt");
        if (Files.isRegularFile(corpus)) {
            return Files.readString(corpus, StandardCharsets.UTF_8);
        }
        return null;
    }

    /** Where translators trained with these settings on this text for this model are kept. */
    static Path cacheFile(LoupeModel model, long[] tokens, Params params) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(model.dir().toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
            sha.update(model.info().toJson().toString().getBytes(StandardCharsets.UTF_8));
            for (long t : tokens) {
                sha.update(Long.toString(t).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) ',');
            }
            sha.update((params.getInt("steps") + "/" + params.getDouble("lr")).getBytes(StandardCharsets.UTF_8));
            String key = HexFormat.of().formatHex(sha.digest()).substring(0, 24);
            return loupeHome().resolve("tuned-lens").resolve(key + ".safetensors");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path loupeHome() {
        String home = System.getProperty("loupe.home");
        return home != null ? Path.of(home) : Path.of(System.getProperty("user.home"), ".loupe");
    }
}
