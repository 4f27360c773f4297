package dev.loupe.app.session;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The portable session file ({@code .loupe}): a zip holding {@code manifest.json} (format name, version, and each
 * entry's size and SHA-256) and {@code session.db}, a VACUUM INTO snapshot of the session. Nothing else.
 *
 * <p>Import trusts nothing in the file: it checks the zip, the manifest, every hash and the database's integrity
 * before it creates the target, and any failure is one message naming the file and the problem, with nothing
 * changed on disk. Entries are never extracted by their own names, and a name that would escape the folder
 * (zip-slip) rejects the whole file.
 */
final class SessionArchive {
    static final String FORMAT = "loupe-session-export";
    static final int VERSION = 1;
    static final String MANIFEST = "manifest.json";
    static final String DATABASE = "session.db";
    private static final int MAX_MANIFEST_BYTES = 1 << 20;

    private SessionArchive() {
    }

    static void export(SessionStore store, Path exportFile) {
        Path out = exportFile.toAbsolutePath().normalize();
        if (Files.isDirectory(out)) {
            throw new SessionException(out, "is a folder; the export needs a file name");
        }
        if (out.getParent() == null || !Files.isDirectory(out.getParent())) {
            throw new SessionException(out, "cannot export: folder " + out.getParent() + " does not exist");
        }
        if (out.equals(store.file())) {
            throw new SessionException(out, "is the session itself; export to another file");
        }
        Path snapshot = null;
        Path zip = null;
        try {
            snapshot = SqliteFiles.tempSibling(out, "snapshot");
            store.snapshotTo(snapshot);
            Digest db = digest(snapshot);

            JsonObject manifest = new JsonObject();
            manifest.addProperty("format", FORMAT);
            manifest.addProperty("version", VERSION);
            manifest.addProperty("schema_version", store.schemaVersion());
            manifest.addProperty("app_version", SessionStore.appVersion());
            manifest.addProperty("exported", Instant.now().toString());
            JsonArray entries = new JsonArray();
            JsonObject entry = new JsonObject();
            entry.addProperty("path", DATABASE);
            entry.addProperty("size", db.size());
            entry.addProperty("sha256", db.sha256());
            entries.add(entry);
            manifest.add("entries", entries);

            zip = SqliteFiles.tempSibling(out, "export");
            try (ZipOutputStream z = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(zip), 1 << 16))) {
                z.putNextEntry(new ZipEntry(MANIFEST));
                z.write(new GsonBuilder().setPrettyPrinting().create().toJson(manifest).getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
                z.putNextEntry(new ZipEntry(DATABASE));
                Files.copy(snapshot, z);
                z.closeEntry();
            }
            SqliteFiles.fsync(zip);
            SqliteFiles.replace(zip, out);
        } catch (IOException e) {
            throw new SessionException(out, "cannot export: " + e.getMessage(), e);
        } catch (SQLException e) {
            throw SqliteFiles.explain(out, "cannot export", e);
        } finally {
            SqliteFiles.deleteQuietly(snapshot);
            SqliteFiles.deleteQuietly(zip);
        }
    }

    static Path importFrom(Path exportFile, Path targetDb) {
        Path src = exportFile.toAbsolutePath().normalize();
        Path target = targetDb.toAbsolutePath().normalize();
        if (!Files.exists(src)) {
            throw new SessionException(src, "no such file");
        }
        if (!Files.isRegularFile(src)) {
            throw new SessionException(src, "is not a file");
        }
        if (Files.exists(target)) {
            throw new SessionException(target, "already exists; import into a new file name");
        }
        if (target.getParent() == null || !Files.isDirectory(target.getParent())) {
            throw new SessionException(target, "cannot import: folder " + target.getParent() + " does not exist");
        }
        checkLooksLikeZip(src);

        Path tmp = null;
        try (ZipFile zip = openZip(src)) {
            Map<String, ZipEntry> entries = entries(src, zip);
            ZipEntry manifestEntry = entries.get(MANIFEST);
            if (manifestEntry == null) {
                throw new SessionException(src, "is not a Loupe session export: " + MANIFEST + " is missing");
            }
            Map<String, Digest> listed = readManifest(src, zip, manifestEntry);
            for (String name : entries.keySet()) {
                if (!name.equals(MANIFEST) && !listed.containsKey(name)) {
                    throw new SessionException(src, "has an entry \"" + name + "\" that its manifest does not list");
                }
            }
            for (String name : listed.keySet()) {
                if (!entries.containsKey(name)) {
                    throw new SessionException(src, "is missing the entry \"" + name + "\" that its manifest lists");
                }
            }

            tmp = SqliteFiles.tempSibling(target, "import");
            Digest expected = listed.get(DATABASE);
            Digest actual = extract(src, zip, entries.get(DATABASE), tmp, expected.size());
            if (!actual.equals(expected)) {
                throw new SessionException(src, "entry " + DATABASE + " does not match its manifest ("
                        + (actual.size() != expected.size() ? "size " + actual.size() + " instead of " + expected.size()
                                : "sha256 differs") + "): the file was changed or damaged after export");
            }
            checkDatabase(src, tmp);
            SqliteFiles.fsync(tmp);
            Files.move(tmp, target);
            SqliteFiles.fsyncDir(target.getParent());
            return target;
        } catch (FileAlreadyExistsException e) {
            throw new SessionException(target, "already exists; import into a new file name");
        } catch (IOException e) {
            throw new SessionException(src, "cannot import: " + e.getMessage(), e);
        } finally {
            SqliteFiles.deleteQuietly(tmp);
        }
    }

    private static void checkLooksLikeZip(Path src) {
        byte[] head;
        try (InputStream in = Files.newInputStream(src)) {
            head = in.readNBytes(4);
        } catch (IOException e) {
            throw new SessionException(src, "cannot be read (" + e.getMessage() + ")", e);
        }
        boolean zip = head.length == 4 && head[0] == 'P' && head[1] == 'K'
                && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
        if (!zip) {
            String hint = SqliteFiles.fileProblem(src) == null ? " (it is a session database: open it directly)" : "";
            throw new SessionException(src, "is not a Loupe session export (not a zip file)" + hint);
        }
    }

    private static ZipFile openZip(Path src) {
        try {
            return new ZipFile(src.toFile());
        } catch (IOException e) {
            // A zip's directory is at its end, so a cut-off download fails exactly here.
            throw new SessionException(src, "is truncated or damaged: its zip directory cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static Map<String, ZipEntry> entries(Path src, ZipFile zip) {
        Map<String, ZipEntry> map = new LinkedHashMap<>();
        Enumeration<? extends ZipEntry> e = zip.entries();
        while (e.hasMoreElements()) {
            ZipEntry entry = e.nextElement();
            String name = entry.getName();
            if (escapes(name)) {
                throw new SessionException(src, "has an entry whose path escapes its folder (\"" + name
                        + "\"); refusing the whole file");
            }
            if (map.put(name, entry) != null) {
                throw new SessionException(src, "has the entry \"" + name + "\" twice");
            }
        }
        return map;
    }

    /** Absolute paths, drive letters and ".." segments: names an unpacker could be tricked into writing elsewhere. */
    static boolean escapes(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*")
                || name.indexOf('\0') >= 0) {
            return true;
        }
        for (String part : name.split("[/\\\\]")) {
            if (part.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Digest> readManifest(Path src, ZipFile zip, ZipEntry entry) {
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
            bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        } catch (IOException e) {
            throw new SessionException(src, "is damaged: " + MANIFEST + " cannot be read (" + e.getMessage() + ")", e);
        }
        if (bytes.length > MAX_MANIFEST_BYTES) {
            throw new SessionException(src, "is not a Loupe session export: " + MANIFEST + " is implausibly large");
        }
        JsonObject m;
        try {
            m = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new SessionException(src, "is damaged: " + MANIFEST + " is not valid JSON");
        }
        String format = string(m, "format");
        if (!FORMAT.equals(format)) {
            throw new SessionException(src, "is not a Loupe session export (its manifest says format "
                    + (format == null ? "nothing" : "\"" + format + "\"") + ", expected \"" + FORMAT + "\")");
        }
        JsonElement v = m.get("version");
        if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()
                || v.getAsDouble() != Math.rint(v.getAsDouble()) || v.getAsDouble() < 1) {
            throw new SessionException(src, "has an invalid export format version (" + v + ") in its manifest");
        }
        if (v.getAsDouble() > VERSION) {
            throw new SessionException(src, "was exported by a newer Loupe (export format version " + v.getAsLong()
                    + "; this Loupe reads up to version " + VERSION + "); update Loupe to import it");
        }
        Map<String, Digest> listed = new LinkedHashMap<>();
        JsonElement entries = m.get("entries");
        if (entries == null || !entries.isJsonArray()) {
            throw new SessionException(src, "has a manifest without its list of entries");
        }
        for (JsonElement e : entries.getAsJsonArray()) {
            String path = e.isJsonObject() ? string(e.getAsJsonObject(), "path") : null;
            String sha = e.isJsonObject() ? string(e.getAsJsonObject(), "sha256") : null;
            JsonElement size = e.isJsonObject() ? e.getAsJsonObject().get("size") : null;
            if (path == null || sha == null || size == null || !size.isJsonPrimitive() || !size.getAsJsonPrimitive().isNumber()) {
                throw new SessionException(src, "has a manifest entry without path, size and sha256: " + e);
            }
            if (escapes(path)) {
                throw new SessionException(src, "has a manifest entry whose path escapes its folder (\"" + path
                        + "\"); refusing the whole file");
            }
            listed.put(path, new Digest(size.getAsLong(), sha.toLowerCase(Locale.ROOT)));
        }
        if (!listed.containsKey(DATABASE)) {
            throw new SessionException(src, "is not a Loupe session export: its manifest lists no " + DATABASE);
        }
        return listed;
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e instanceof JsonPrimitive p && p.isString() ? p.getAsString() : null;
    }

    /** Copies an entry while hashing it, reading at most one byte more than declared (no zip bombs). */
    private static Digest extract(Path src, ZipFile zip, ZipEntry entry, Path to, long declaredSize) {
        MessageDigest md = ModelHasher.digest();
        long total = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = zip.getInputStream(entry); OutputStream out = Files.newOutputStream(to)) {
            for (int n; total <= declaredSize && (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
                out.write(buf, 0, n);
                total += n;
            }
        } catch (ZipException | EOFException e) {
            throw new SessionException(src, "is truncated or damaged: entry " + entry.getName() + " cannot be read ("
                    + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new SessionException(src, "cannot import: " + e.getMessage(), e);
        }
        return new Digest(total, ModelHasher.hex(md.digest()));
    }

    /** The extracted database must be a Loupe session this Loupe can read, and pass a full integrity check. */
    private static void checkDatabase(Path src, Path db) {
        String problem = SqliteFiles.fileProblem(db);
        if (problem != null) {
            throw new SessionException(src, "entry " + DATABASE + " " + problem);
        }
        try (Connection c = SqliteFiles.connect(db, false)) {
            problem = SqliteFiles.sessionProblem(c, Schema.latest(Schema.MIGRATIONS), true);
        } catch (SQLException e) {
            throw new SessionException(src, "entry " + DATABASE + " is damaged: " + e.getMessage(), e);
        }
        if (problem != null) {
            throw new SessionException(src, "entry " + DATABASE + " " + problem);
        }
    }

    private static Digest digest(Path file) throws IOException {
        MessageDigest md = ModelHasher.digest();
        long total = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
                total += n;
            }
        }
        return new Digest(total, ModelHasher.hex(md.digest()));
    }

    private record Digest(long size, String sha256) {
    }
}
