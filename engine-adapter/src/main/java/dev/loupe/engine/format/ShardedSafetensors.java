package dev.loupe.engine.format;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint split across several safetensors files by a Hugging Face {@code model.safetensors.index.json}, whose
 * {@code weight_map} names the shard holding each tensor.
 *
 * <p>All shards are opened, and every index entry checked against its shard, when this is opened: headers are
 * small, and a broken index should fail at load time with a message naming the index and the shard, not in the
 * middle of a run. Tensor data is still mapped lazily, per tensor, by the shard's {@link SafetensorsFile}.
 */
public final class ShardedSafetensors implements TensorSource {

    /** The parsed, validated {@code weight_map}: tensor name to shard path, and the distinct shards in order. */
    record ShardIndex(Path indexFile, Map<String, Path> shardOfTensor, List<Path> shardFiles) {
    }

    private final Path indexFile;
    private final Map<String, SafetensorsFile> shardOfTensor;
    private final List<SafetensorsFile> shards;
    private final long totalBytes;

    private ShardedSafetensors(Path indexFile, Map<String, SafetensorsFile> shardOfTensor,
                               List<SafetensorsFile> shards) {
        this.indexFile = indexFile;
        this.shardOfTensor = Collections.unmodifiableMap(shardOfTensor);
        this.shards = List.copyOf(shards);
        long sum = 0;
        for (Map.Entry<String, SafetensorsFile> e : shardOfTensor.entrySet()) {
            sum += e.getValue().info(e.getKey()).byteLength();
        }
        this.totalBytes = sum;
    }

    /**
     * Opens the index and every shard it names.
     *
     * @throws ModelFormatException naming the index (and the shard or tensor) if the index is unreadable, a shard
     *                              is missing or escapes the folder, a shard is corrupt, or a tensor is not where
     *                              the index says it is
     */
    public static ShardedSafetensors open(Path indexFile) {
        ShardIndex index = readIndex(indexFile);
        Map<Path, SafetensorsFile> opened = new LinkedHashMap<>();
        try {
            for (Path shard : index.shardFiles()) {
                opened.put(shard, SafetensorsFile.open(shard));
            }
            Map<String, SafetensorsFile> shardOfTensor = new LinkedHashMap<>();
            for (Map.Entry<String, Path> e : index.shardOfTensor().entrySet()) {
                SafetensorsFile shard = opened.get(e.getValue());
                if (!shard.contains(e.getKey())) {
                    throw new ModelFormatException(indexFile + ": tensor \"" + e.getKey() + "\" is mapped to shard "
                            + e.getValue() + " but that shard has no such tensor");
                }
                shardOfTensor.put(e.getKey(), shard);
            }
            return new ShardedSafetensors(indexFile, shardOfTensor, new ArrayList<>(opened.values()));
        } catch (RuntimeException e) {
            opened.values().forEach(SafetensorsFile::close);
            throw e;
        }
    }

    /**
     * Reads and validates the index without opening any shard; {@link CheckpointFolder} uses this to list the
     * weight files.
     */
    static ShardIndex readIndex(Path indexFile) {
        JsonElement root;
        try (Reader reader = Files.newBufferedReader(indexFile, StandardCharsets.UTF_8)) {
            root = StrictJson.parse(reader);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(indexFile + ": file not found");
        } catch (StrictJson.InvalidJsonException e) {
            throw new ModelFormatException(indexFile + ": not valid JSON (" + e.getMessage() + ")");
        } catch (IOException e) {
            // Includes MalformedInputException: the index is not UTF-8 text.
            throw new ModelFormatException(indexFile + ": cannot read (" + e + ")", e);
        }
        if (!root.isJsonObject()) {
            throw new ModelFormatException(indexFile + ": expected a JSON object at the top level, found "
                    + StrictJson.preview(root));
        }
        JsonElement weightMap = root.getAsJsonObject().get("weight_map");
        if (weightMap == null || weightMap.isJsonNull()) {
            throw new ModelFormatException(indexFile + ": missing field \"weight_map\"");
        }
        if (!weightMap.isJsonObject()) {
            throw new ModelFormatException(indexFile + ": field \"weight_map\" must be an object of tensor name to "
                    + "shard file, found " + StrictJson.preview(weightMap));
        }
        JsonObject entries = weightMap.getAsJsonObject();
        if (entries.isEmpty()) {
            throw new ModelFormatException(indexFile + ": field \"weight_map\" is empty");
        }

        Path folder = indexFile.toAbsolutePath().getParent();
        Map<String, Path> shardOfTensor = new LinkedHashMap<>();
        Set<Path> shardFiles = new LinkedHashSet<>();
        for (Map.Entry<String, JsonElement> e : entries.entrySet()) {
            String tensor = e.getKey();
            JsonElement value = e.getValue();
            if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
                throw new ModelFormatException(indexFile + ": field \"weight_map\" entry \"" + tensor
                        + "\" must be a shard file name, found " + StrictJson.preview(value));
            }
            Path shard = resolveShard(indexFile, folder, tensor, value.getAsString());
            if (shardFiles.add(shard) && !Files.isRegularFile(shard)) { // check each shard once
                throw new ModelFormatException(indexFile + ": shard \"" + value.getAsString()
                        + "\" named by the index is missing (expected at " + shard + ")");
            }
            shardOfTensor.put(tensor, shard);
        }
        return new ShardIndex(indexFile, Collections.unmodifiableMap(shardOfTensor), List.copyOf(shardFiles));
    }

    /**
     * The shard's path inside the index's folder. An index is data from the internet: a name like
     * {@code ../../.ssh/id_rsa} or {@code /etc/passwd} must not make Loupe read files outside the checkpoint.
     * Symbolic links inside the folder are followed on purpose (the Hugging Face cache is made of them).
     */
    private static Path resolveShard(Path indexFile, Path folder, String tensor, String shardName) {
        String refusal = indexFile + ": shard file \"" + shardName + "\" for tensor \"" + tensor + "\" ";
        if (shardName.isEmpty()) {
            throw new ModelFormatException(refusal + "is empty");
        }
        Path relative;
        try {
            relative = folder.getFileSystem().getPath(shardName);
        } catch (InvalidPathException e) {
            throw new ModelFormatException(refusal + "is not a valid file name");
        }
        if (relative.isAbsolute() || relative.getRoot() != null) {
            throw new ModelFormatException(refusal + "is an absolute path; shards must be inside the checkpoint "
                    + "folder " + folder);
        }
        for (Path part : relative) {
            if (part.toString().equals("..")) {
                throw new ModelFormatException(refusal + "escapes the checkpoint folder " + folder);
            }
        }
        Path resolved = folder.resolve(relative).normalize();
        if (!resolved.startsWith(folder.normalize())) {
            throw new ModelFormatException(refusal + "escapes the checkpoint folder " + folder);
        }
        return resolved;
    }

    // ---- TensorSource ----

    public Path indexFile() {
        return indexFile;
    }

    /** The shard files, in the order the index first names them. */
    public List<Path> shardFiles() {
        List<Path> files = new ArrayList<>();
        for (SafetensorsFile s : shards) {
            files.add(s.file());
        }
        return files;
    }

    /** Tensor names in index order; tensors a shard holds but the index does not name are not part of the model. */
    @Override
    public Set<String> names() {
        return shardOfTensor.keySet();
    }

    @Override
    public TensorInfo info(String name) {
        return shardFor(name).info(name);
    }

    @Override
    public ByteBuffer data(String name) {
        return shardFor(name).data(name);
    }

    @Override
    public long totalBytes() {
        return totalBytes;
    }

    @Override
    public void close() {
        shards.forEach(SafetensorsFile::close);
    }

    @Override
    public String toString() {
        return "ShardedSafetensors[" + indexFile + ", " + shards.size() + " shards, " + shardOfTensor.size()
                + " tensors]";
    }

    private SafetensorsFile shardFor(String name) {
        SafetensorsFile shard = shardOfTensor.get(name);
        if (shard == null) {
            throw new ModelFormatException(indexFile + ": no tensor named \"" + name + "\" in the weight_map");
        }
        return shard;
    }
}
