package dev.loupe.app.session;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The content hash that identifies a model in a session: SHA-256 over config.json and the weight files, streamed.
 * The model hash is the SHA-256 of the {@code sha256sum}-style listing ("HEX  NAME\n" per file, sorted by name), so
 * it can be checked by hand: {@code sha256sum config.json *.safetensors | sort -k2 | sha256sum}.
 *
 * <p>File hashes are cached by path, size and modification time: reopening a multi-gigabyte checkpoint hashes
 * nothing unless a file changed.
 */
public final class ModelHasher {
    private static final ModelHasher SHARED = new ModelHasher();
    private static final int CACHE_ENTRIES = 4096;
    private static final List<String> WEIGHT_SUFFIXES = List.of(".safetensors", ".bin", ".pt", ".pth", ".onnx", ".gguf");

    /** A file as it was when hashed: a change in size or mtime means it must be hashed again. */
    public record FileHash(String name, long size, long mtimeNanos, String sha256) {
    }

    public record ModelHash(String sha256, List<FileHash> files) {
        public ModelHash {
            files = List.copyOf(files);
        }
    }

    private record Key(Path file, long size, long mtimeNanos) {
    }

    private final Map<Key, String> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, String> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };
    private final AtomicLong bytesHashed = new AtomicLong();

    /** The process-wide hasher, so every session opened in one app run shares the cache. */
    public static ModelHasher shared() {
        return SHARED;
    }

    /** Bytes read for hashing so far; cache hits read nothing. */
    public long bytesHashed() {
        return bytesHashed.get();
    }

    /**
     * Hashes a checkpoint folder (config.json and weight files at its top level) or a single model file.
     * {@code known} are hashes recorded earlier for the same path (from the session), used when size and mtime
     * still match.
     */
    public ModelHash hash(Path model, Collection<FileHash> known) throws IOException {
        Path base = Files.isDirectory(model) ? model : model.getParent();
        Map<Key, String> remembered = new LinkedHashMap<>();
        for (FileHash f : known) {
            remembered.put(new Key(base.resolve(f.name()).toAbsolutePath(), f.size(), f.mtimeNanos()), f.sha256());
        }
        List<FileHash> files = new ArrayList<>();
        StringBuilder listing = new StringBuilder();
        for (Path file : hashedFiles(model)) {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            Key key = new Key(file.toAbsolutePath(), a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS));
            String sha;
            synchronized (cache) {
                sha = cache.get(key);
            }
            if (sha == null) {
                sha = remembered.get(key);
            }
            if (sha == null) {
                sha = sha256(file);
            }
            synchronized (cache) {
                cache.put(key, sha);
            }
            String name = file.getFileName().toString();
            files.add(new FileHash(name, key.size(), key.mtimeNanos(), sha));
            listing.append(sha).append("  ").append(name).append('\n');
        }
        return new ModelHash(hex(digest().digest(listing.toString().getBytes(StandardCharsets.UTF_8))), files);
    }

    /** The files that define a model's numbers, sorted by name; tokenizer and README changes do not change them. */
    static List<Path> hashedFiles(Path model) throws IOException {
        if (Files.isRegularFile(model)) {
            return List.of(model);
        }
        if (!Files.isDirectory(model)) {
            throw new IOException(model + ": no such model file or folder");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(model)) {
            files = s.filter(Files::isRegularFile).filter(ModelHasher::isHashed).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException(model + ": has no config.json or weight files (" + String.join(", ", WEIGHT_SUFFIXES) + ")");
        }
        return files;
    }

    private static boolean isHashed(Path file) {
        String name = file.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        return name.equals("config.json") || WEIGHT_SUFFIXES.stream().anyMatch(lower::endsWith);
    }

    private String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
                bytesHashed.addAndGet(n);
            }
        }
        return hex(md.digest());
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
