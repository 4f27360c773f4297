package dev.loupe.engine.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A Hugging Face checkpoint folder: which files hold the config, the tokenizer and the weights.
 *
 * <p>{@link #inspect} only looks at file names (and the shard index, if any); it opens no weights, so the app can
 * show what it found before the slower load. Pickle checkpoints ({@code pytorch_model.bin} and friends) are
 * refused outright, never unpickled: unpickling executes code from the file.
 *
 * <p>A final class rather than a record so that the only way to get one is through {@link #inspect}'s checks.
 */
public final class CheckpointFolder {

    public static final String CONFIG = "config.json";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String SINGLE_WEIGHTS = "model.safetensors";
    public static final String SHARD_INDEX = "model.safetensors.index.json";

    private static final String SAFETENSORS_SUFFIX = ".safetensors";
    private static final List<String> PICKLE_SUFFIXES = List.of(".bin", ".pt", ".pth", ".ckpt", ".pkl");
    private static final String PICKLE_INDEX = "pytorch_model.bin.index.json";

    private final Path dir;
    private final Path configFile;
    private final Path tokenizerFile;
    private final List<Path> weightFiles;
    private final Path shardIndexFile;

    private CheckpointFolder(Path dir, Path configFile, Path tokenizerFile, List<Path> weightFiles,
                             Path shardIndexFile) {
        this.dir = dir;
        this.configFile = configFile;
        this.tokenizerFile = tokenizerFile;
        this.weightFiles = List.copyOf(weightFiles);
        this.shardIndexFile = shardIndexFile;
    }

    /**
     * Finds the checkpoint's files. Weights come from {@code model.safetensors}, else from
     * {@code model.safetensors.index.json}, else from the folder's only {@code *.safetensors} file.
     *
     * @throws ModelFormatException naming the folder or file at fault: no such folder, no config.json, only pickle
     *                              weights, several candidate weight files, or none
     */
    public static CheckpointFolder inspect(Path dir) {
        if (!Files.exists(dir)) {
            throw new ModelFormatException(dir + ": checkpoint folder not found");
        }
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException(dir + ": not a folder (a checkpoint is a folder holding " + CONFIG
                    + " and *.safetensors weights)");
        }
        Path config = dir.resolve(CONFIG);
        if (!Files.isRegularFile(config)) {
            throw new ModelFormatException(config + ": not found (a Hugging Face checkpoint folder needs " + CONFIG
                    + " next to its weights)");
        }
        Path tokenizer = dir.resolve(TOKENIZER);
        Path tokenizerOrNull = Files.isRegularFile(tokenizer) ? tokenizer : null;

        Path single = dir.resolve(SINGLE_WEIGHTS);
        if (Files.isRegularFile(single)) {
            return new CheckpointFolder(dir, config, tokenizerOrNull, List.of(single), null);
        }
        Path index = dir.resolve(SHARD_INDEX);
        if (Files.isRegularFile(index)) {
            List<Path> shards = ShardedSafetensors.readIndex(index).shardFiles();
            return new CheckpointFolder(dir, config, tokenizerOrNull, shards, index);
        }

        List<String> names = listFileNames(dir);
        List<String> safetensors = names.stream().filter(n -> n.endsWith(SAFETENSORS_SUFFIX)).toList();
        if (safetensors.size() == 1) {
            return new CheckpointFolder(dir, config, tokenizerOrNull, List.of(dir.resolve(safetensors.get(0))), null);
        }
        if (safetensors.size() > 1) {
            throw new ModelFormatException(dir + ": found " + safetensors.size() + " .safetensors files ("
                    + String.join(", ", safetensors) + ") but no " + SINGLE_WEIGHTS + " or " + SHARD_INDEX
                    + " to say which hold the model");
        }

        List<String> pickles = names.stream().filter(CheckpointFolder::isPickleCheckpoint)
                .sorted(Comparator.comparing((String n) -> !n.startsWith("pytorch_model"))) // the likely weights first
                .toList();
        if (!pickles.isEmpty()) {
            throw new ModelFormatException(dir.resolve(pickles.get(0)) + ": refusing to load a pickle checkpoint: "
                    + "unpickling runs arbitrary code. Convert it to safetensors first, e.g. in Python: "
                    + "model.save_pretrained(" + pythonString(dir) + ", safe_serialization=True)");
        }
        throw new ModelFormatException(dir + ": no weights found: looked for " + SINGLE_WEIGHTS + ", " + SHARD_INDEX
                + " or a single *" + SAFETENSORS_SUFFIX + " file");
    }

    public Path dir() {
        return dir;
    }

    public Path configFile() {
        return configFile;
    }

    /** {@code tokenizer.json}, or null when the folder has none (vision models, or a tokenizer supplied apart). */
    public Path tokenizerFile() {
        return tokenizerFile;
    }

    /** The safetensors files holding the weights: one file, or the shards in the order the index names them. */
    public List<Path> weightFiles() {
        return weightFiles;
    }

    /** {@code model.safetensors.index.json} for a sharded checkpoint, else null. */
    public Path shardIndexFile() {
        return shardIndexFile;
    }

    public boolean isSharded() {
        return shardIndexFile != null;
    }

    /** Parses {@code config.json}. */
    public HfConfig readConfig() {
        return HfConfig.read(configFile);
    }

    /** Opens the weights; the caller closes the returned source. */
    public TensorSource openWeights() {
        return isSharded() ? ShardedSafetensors.open(shardIndexFile) : SafetensorsFile.open(weightFiles.get(0));
    }

    @Override
    public String toString() {
        return "CheckpointFolder[" + dir + ", weights " + weightFiles + "]";
    }

    private static boolean isPickleCheckpoint(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        return lower.equals(PICKLE_INDEX) || PICKLE_SUFFIXES.stream().anyMatch(lower::endsWith);
    }

    /** Regular files only (following links, as the Hugging Face cache needs), sorted so messages are stable. */
    private static List<String> listFileNames(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            List<String> names = new ArrayList<>();
            entries.filter(Files::isRegularFile).forEach(p -> names.add(p.getFileName().toString()));
            names.sort(null);
            return names;
        } catch (IOException e) {
            throw new ModelFormatException(dir + ": cannot list folder (" + e + ")", e);
        }
    }

    /** The folder as a Python string literal; a raw string keeps Windows backslashes from turning into escapes. */
    private static String pythonString(Path dir) {
        String s = dir.toString();
        return (s.contains("\\") ? "r" : "") + "\"" + s + "\"";
    }
}
