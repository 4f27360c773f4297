package dev.loupe.plugins.logitlens;

import com.google.gson.JsonObject;
import dev.loupe.engine.LoupeException;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.ModelInfo;
import dev.loupe.plugin.AnalysisContext;
import dev.loupe.plugin.AnalysisPlugin;
import dev.loupe.plugin.ArtifactStore;
import dev.loupe.plugin.PluginApi;
import dev.loupe.plugin.PluginInfo;
import dev.loupe.plugin.Progress;
import dev.loupe.plugin.params.Param;
import dev.loupe.plugin.params.ParamSpec;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.ComparisonResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tuned lens beside the logit lens: trains per-layer affine translators (see {@link TunedLens}) on a text, then
 * shows the logit lens grid and the same layer x position grid read through the translators, side by side, so that
 * where they differ is seen at once. The training text is the one given, else the model folder's corpus.txt (the
 * sample models ship theirs), else the input itself.
 *
 * <p>Trained translators are kept in the context's {@link ArtifactStore} (the session, in the app and in
 * {@code analyze --session}) under a key derived from the model, the training tokens and the settings, so opening
 * the view again, or the session on another machine, reproduces the grid without training.
 */
public final class TunedLensPlugin implements AnalysisPlugin {
    static final String ID = "loupe.tuned-lens";
    /** The stat a result read through stored translators carries (1), so a user can tell it was not trained now. */
    static final String LOADED_STAT = "translators loaded from the session";
    /** The stat of a lens whose translators could not be kept (their size): the next run trains again. */
    static final String NOT_SAVED_STAT = "translators not saved (bytes)";

    static final Param<String> TRAIN_TEXT = Param.text("trainText", "Training text",
            "text to fit the translators on; empty = the model folder's corpus.txt, else the input", "");
    static final Param<Integer> STEPS = Param.intParam("steps", "Training steps", "Adam steps", 150, 1, 100000);
    static final Param<Double> LR = Param.doubleParam("lr", "Learning rate", "Adam learning rate", 1e-3, 1e-6, 1);
    static final Param<Integer> MAX_TOKENS = Param.intParam("maxTokens", "Training tokens",
            "at most this many tokens of the text", 4096, 16, 1_000_000);
    static final Param<Boolean> RETRAIN = Param.bool("retrain", "Retrain",
            "train new translators even if the session has some for these settings (and replace them)", false);

    private static final ParamSpec PARAMS = ParamSpec.of(TRAIN_TEXT, STEPS, LR, MAX_TOKENS, LensReadout.COLOUR_BY,
            LensReadout.TOP_K, RETRAIN);

    @Override
    public PluginInfo info() {
        return new PluginInfo(ID, "Tuned lens", "1.1", PluginApi.VERSION,
                "Per-layer affine translators trained to read each layer as the final layer would, beside the logit lens");
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
        String text = trainingText(ctx, params.get(TRAIN_TEXT));
        long[] ids = text == null ? ctx.tokens() : model.encode(text);
        int chunk = Math.min(64, model.info().contextLength());
        long[] used = Arrays.copyOf(ids, Math.min(ids.length, params.get(MAX_TOKENS)));
        if (used.length < chunk) {
            chunk = used.length;
        }
        String key = artifactKey(model, used, params);
        Optional<byte[]> stored = params.get(RETRAIN) ? Optional.empty() : stored(ctx.artifacts(), key);
        TunedLens lens;
        TunedLens.Training training;
        Double notSaved = null; // the size in bytes of translators the store could not keep
        if (stored.isPresent()) {
            TunedLens.Stored s;
            try {
                s = TunedLens.fromBytes(model, stored.get(), "artifact " + key);
            } catch (LoupeException e) {
                throw new LoupeException(e.getMessage() + "; set retrain to train new translators", e);
            }
            lens = s.lens();
            training = s.training();
        } else {
            lens = TunedLens.identity(model);
            try {
                training = lens.train(model, TunedLens.chunks(used, chunk), params.get(STEPS), params.get(LR),
                        progress);
            } catch (RuntimeException e) {
                lens.close();
                throw e;
            }
            notSaved = save(ctx.artifacts(), key, lens, training, progress);
        }
        try (lens) {
            Map<String, Double> stats = new HashMap<>();
            if (notSaved != null) {
                stats.put(NOT_SAVED_STAT, notSaved);
            }
            stats.put("training tokens", (double) training.tokens());
            stats.put("KL before training (nats)", training.initialKl());
            stats.put("KL after training (nats)", training.finalKl());
            if (stored.isPresent()) {
                stats.put(LOADED_STAT, 1.0);
            }
            // The logit lens is the tuned lens with identity translators: the same grid code, side by side.
            LensReadout readout = LensReadout.of(params);
            MatrixResult logit = readout.grid(ctx, progress, "Logit lens", LensReadout.Translator.IDENTITY, Map.of());
            MatrixResult tuned = readout.grid(ctx, progress, "Tuned lens", lens::translate, stats);
            return new ComparisonResult("Logit lens and tuned lens (" + readout.colourName() + ")",
                    List.of(logit, tuned));
        }
    }

    /**
     * Keeps freshly trained translators in the store. Translators too large for it (a session holds up to 1 GB in
     * one entry, a Java array 2 GB: a 7B model's are about 2 GB) are not kept, but the grid they trained is still
     * shown, with a note; they are trained again next time.
     *
     * @return null when kept, else their size in bytes
     */
    private static Double save(ArtifactStore store, String key, TunedLens lens, TunedLens.Training training,
            Progress progress) {
        long bytes = lens.tensorBytes();
        if (bytes > Integer.MAX_VALUE - (1 << 20)) {
            progress.message(String.format(java.util.Locale.ROOT, "translators not saved: %.1f GB is more than one "
                    + "session entry holds", bytes / 1e9));
            return (double) bytes;
        }
        try {
            store.put(key, lens.toBytes(training));
            return null;
        } catch (LoupeException e) {
            progress.message("translators not saved: " + e.getMessage());
            return (double) bytes;
        }
    }

    /** The stored bytes; a store that finds them damaged says so, with how to get past it. */
    private static Optional<byte[]> stored(ArtifactStore store, String key) {
        try {
            return store.get(key);
        } catch (LoupeException e) {
            throw new LoupeException(e.getMessage() + "; set retrain to train new translators", e);
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

    /**
     * The store key of translators trained with these settings on these tokens for this model's shape (its card,
     * less its path and device): anything that changes what training would produce changes the key. Which weights
     * is the host's part: a session scopes artifacts by the model's content hash, so a session opened elsewhere, with
     * the model in another folder, still finds its translators.
     */
    static String artifactKey(LoupeModel model, long[] tokens, Params params) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update((TunedLens.FORMAT + "/" + TunedLens.FORMAT_VERSION + "\n").getBytes(StandardCharsets.UTF_8));
        JsonObject card = model.info().toJson();
        card.remove("path"); // where the weights are, and on which device they run, does not change the translators
        card.remove("device");
        sha.update((card + "\n").getBytes(StandardCharsets.UTF_8));
        StringBuilder t = new StringBuilder();
        for (long id : tokens) {
            t.append(id).append(',');
        }
        sha.update(t.append('\n').toString().getBytes(StandardCharsets.UTF_8));
        sha.update((params.get(STEPS) + "/" + params.get(LR)).getBytes(StandardCharsets.UTF_8));
        return "translators/" + HexFormat.of().formatHex(sha.digest()).substring(0, 32);
    }
}
