package dev.loupe.app;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The models Loupe ships (sample-models/tiny-lm, sample-models/looped-lm): opened when no model is named, so a
 * fresh install shows something real at once. The folder is the system property {@code loupe.samples} (the
 * launcher sets it), else beside the jar (an installed app image), else in the source tree the jar was built in
 * (app/target/loupe-app.jar -> sample-models/).
 */
public final class SampleModels {
    public static final String TINY_LM = "tiny-lm";
    public static final String LOOPED_LM = "looped-lm";

    private SampleModels() {
    }

    public static Optional<Path> folder() {
        String configured = System.getProperty("loupe.samples");
        if (configured != null) {
            return Optional.of(Path.of(configured));
        }
        try {
            Path jar = Path.of(SampleModels.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // An installed app (installer/jpackage.sh) keeps them beside its jars.
            Path beside = jar.getParent() == null ? null : jar.getParent().resolve("sample-models");
            if (beside != null && Files.isDirectory(beside)) {
                return Optional.of(beside);
            }
            // app/target/loupe-app.jar or app/target/classes -> the repository root is three levels up.
            Path root = jar.getParent() == null ? null : jar.getParent().getParent();
            root = root == null ? null : root.getParent();
            Path samples = root == null ? null : root.resolve("sample-models");
            return samples != null && Files.isDirectory(samples) ? Optional.of(samples) : Optional.empty();
        } catch (URISyntaxException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** The sample model's folder if it is there (has a config.json). */
    public static Optional<Path> find(String name) {
        return folder().map(f -> f.resolve(name)).filter(d -> Files.isRegularFile(d.resolve("config.json")));
    }

    /** Where a sample would be, for messages. */
    public static String expectedLocation(String name) {
        return folder().map(f -> f.resolve(name).toString()).orElse("sample-models/" + name);
    }
}
