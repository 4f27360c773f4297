package dev.loupe.app.session;


import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.reflect.TypeToken;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.input.InputKind;
import dev.loupe.plugin.ArtifactStore;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.ResultCodec;
import dev.loupe.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A Loupe session: one SQLite file holding the models used, the inputs, every run as a provenance record with its
 * result and notes, the artifacts plugins keep to reproduce their results (see {@link ArtifactStore}), and the
 * workspace's view state.
 *
 * <p>Every save is one transaction (WAL journal, synchronous=FULL), so a crash or {@code kill -9} at any moment
 * leaves the file as it was after the last completed save. The schema is versioned with {@code PRAGMA user_version}
 * and upgraded on open by {@link Schema#MIGRATIONS}; a file from a newer Loupe is refused, not guessed at.
 *
 * <p>Methods are synchronized: the app's background tasks and its FX thread may share one store.
 */
public final class SessionStore implements AutoCloseable {
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().disableHtmlEscaping().create();
    /** SQLite's default limit on one value (SQLITE_MAX_LENGTH); checked first to say so in words. */
    static final int MAX_ARTIFACT_BYTES = 1_000_000_000;

    private final Path file;
    private final Connection conn;
    private final int schemaVersion;
    private ModelHasher hasher = ModelHasher.shared();
    private boolean closed;

    /** Called inside each write transaction at named points; the crash test uses it to kill the JVM mid-save. */
    volatile Consumer<String> writeHook = point -> {
    };

    private SessionStore(Path file, Connection conn, int schemaVersion) {
        this.file = file;
        this.conn = conn;
        this.schemaVersion = schemaVersion;
    }

    // ---- create / open ----

    /** A new, empty session at {@code file}, which must not exist yet. */
    public static SessionStore create(Path file) {
        return create(file, Schema.MIGRATIONS);
    }

    /** Opens an existing session, upgrading its schema if it comes from an older Loupe. */
    public static SessionStore open(Path file) {
        return open(file, Schema.MIGRATIONS);
    }

    /**
     * Opens the session, or creates it if there is none. Safe when several processes do this to one new file at
     * once: one creates it (complete, by an atomic rename) and the others open what it made.
     */
    public static SessionStore openOrCreate(Path file) {
        if (Files.exists(file)) {
            return open(file);
        }
        try {
            return create(file);
        } catch (SessionException e) {
            if (e.getCause() instanceof FileAlreadyExistsException || Files.exists(file)) {
                return open(file);
            }
            throw e;
        }
    }

    static SessionStore create(Path file, List<Migration> migrations) {
        List<Migration> steps = Schema.checked(migrations);
        Path target = file.toAbsolutePath().normalize();
        if (Files.exists(target)) {
            throw new SessionException(target, "already exists; open it, or choose a new file name");
        }
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new SessionException(target, "cannot create the session: folder " + dir + " does not exist");
        }
        // Built aside and renamed into place: the session file either does not exist or is complete.
        Path tmp = null;
        try {
            tmp = SqliteFiles.tempSibling(target, "new");
            try (Connection c = SqliteFiles.connect(tmp, true)) {
                initialize(c, steps);
            }
            SqliteFiles.fsync(tmp);
            SqliteFiles.moveIfAbsent(tmp, target);
            SqliteFiles.fsyncDir(dir);
        } catch (FileAlreadyExistsException e) {
            throw new SessionException(target, "already exists; open it, or choose a new file name", e);
        } catch (IOException e) {
            throw new SessionException(target, "cannot create the session: " + e.getMessage(), e);
        } catch (SQLException e) {
            throw SqliteFiles.explain(target, "cannot create the session", e);
        } finally {
            SqliteFiles.deleteQuietly(tmp);
        }
        return open(target, steps);
    }

    static SessionStore open(Path file, List<Migration> migrations) {
        List<Migration> steps = Schema.checked(migrations);
        Path f = file.toAbsolutePath().normalize();
        String problem = SqliteFiles.fileProblem(f);
        if (problem != null) {
            throw new SessionException(f, problem);
        }
        Connection c = null;
        try {
            c = SqliteFiles.connect(f, false);
            // Validate before anything writes: a foreign or newer file must be left exactly as it was.
            problem = SqliteFiles.sessionProblem(c, Schema.latest(steps), false);
            if (problem == null) {
                problem = Schema.tableProblem(c);
            }
            if (problem != null) {
                throw new SessionException(f, problem);
            }
            SqliteFiles.exec(c, "PRAGMA synchronous=FULL");
            // Upgrade before switching the journal to WAL: switching writes the file header, so a failed upgrade
            // that says "the file is unchanged" must not have switched it already.
            migrate(f, c, steps);
            SqliteFiles.exec(c, "PRAGMA journal_mode=WAL");
            // FULL (above): a commit that returned is on disk, so "autosaved after every run" survives power loss.
            SqliteFiles.exec(c, "PRAGMA foreign_keys=ON");
            AtomicFiles.removeStaleTemps(f.getParent()); // the next start cleans up after a kill -9
            return new SessionStore(f, c, Schema.latest(steps));
        } catch (SQLException e) {
            closeQuietly(c);
            throw SqliteFiles.explain(f, "cannot open the session", e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static void initialize(Connection c, List<Migration> steps) throws SQLException {
        SqliteFiles.exec(c, "BEGIN IMMEDIATE");
        try {
            SqliteFiles.exec(c, "PRAGMA application_id=" + Schema.APPLICATION_ID);
            for (Migration m : steps) {
                m.step().apply(c);
            }
            SqliteFiles.exec(c, "PRAGMA user_version=" + Schema.latest(steps));
            long now = System.currentTimeMillis();
            putMeta(c, "created", Long.toString(now));
            putMeta(c, "created_by", appVersion());
            putMeta(c, "modified", Long.toString(now));
            putMeta(c, "app_version", appVersion());
            SqliteFiles.exec(c, "COMMIT");
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            throw e;
        }
    }

    /** All pending steps in one transaction: an upgrade that fails halfway leaves the file at its old version. */
    private static void migrate(Path f, Connection c, List<Migration> steps) throws SQLException {
        int from = SqliteFiles.pragmaInt(c, "user_version");
        int to = Schema.latest(steps);
        if (from == to) {
            return;
        }
        // Foreign keys off so a step can rebuild a table (SQLite's 12-step ALTER); checked again before commit.
        SqliteFiles.exec(c, "PRAGMA foreign_keys=OFF");
        SqliteFiles.exec(c, "BEGIN IMMEDIATE");
        Migration current = null;
        try {
            from = SqliteFiles.pragmaInt(c, "user_version"); // another process may have upgraded it meanwhile
            for (Migration m : steps) {
                if (m.version() > from) {
                    current = m;
                    m.step().apply(c);
                }
            }
            current = null;
            SqliteFiles.exec(c, "PRAGMA user_version=" + to);
            try (PreparedStatement ps = c.prepareStatement("PRAGMA foreign_key_check"); ResultSet r = ps.executeQuery()) {
                if (r.next()) {
                    throw new SQLException("the upgrade leaves a dangling reference in table " + r.getString(1));
                }
            }
            SqliteFiles.exec(c, "COMMIT");
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            String step = current == null ? "" : " (step " + current.version() + ", " + current.description() + ")";
            throw new SessionException(f, "cannot upgrade the session from schema version " + from + " to " + to + step
                    + ": " + e.getMessage() + "; the file is unchanged", e);
        }
    }

    // ---- writes: each one transaction ----

    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    private synchronized <T> T write(String what, SqlWork<T> work) {
        ensureOpen();
        boolean committed = false;
        try {
            SqliteFiles.exec(conn, "BEGIN IMMEDIATE");
            T value = work.run();
            long now = System.currentTimeMillis();
            putMeta(conn, "modified", Long.toString(now));
            putMeta(conn, "app_version", appVersion());
            writeHook.accept("before-commit");
            SqliteFiles.exec(conn, "COMMIT");
            committed = true;
            return value;
        } catch (SQLException e) {
            throw SqliteFiles.explain(file, "cannot " + what, e);
        } finally {
            if (!committed) {
                rollbackQuietly(conn);
            }
        }
    }

    private synchronized <T> T read(String what, SqlWork<T> work) {
        ensureOpen();
        try {
            return work.run();
        } catch (SQLException e) {
            throw SqliteFiles.explain(file, "cannot " + what, e);
        }
    }

    public long recordModel(Path modelPath, ModelInfo info) {
        return recordModel(modelPath, info.family(), info.toJson());
    }

    /**
     * Records a model by its path and content hash; the same unchanged model (path, hash and card) gets the same
     * id. Hashing happens before the transaction and reuses hashes of files whose size and mtime did not change.
     */
    public long recordModel(Path modelPath, String family, JsonObject info) {
        Path path = modelPath.toAbsolutePath().normalize();
        String infoText = info == null ? null : GSON.toJson(info);
        List<ModelHasher.FileHash> known = new ArrayList<>();
        read("read the models", () -> {
            for (StoredModel m : queryModels("WHERE path = ?", path.toString())) {
                known.addAll(m.files());
            }
            return null;
        });
        ModelHasher.ModelHash hash;
        try {
            hash = hasher.hash(path, known);
        } catch (IOException e) {
            throw new SessionException(file, "cannot record the model: " + e.getMessage(), e);
        }
        String filesJson = GSON.toJson(hash.files());
        return write("record the model", () -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT id, files_json FROM models WHERE path = ? AND sha256 = ? AND info_json IS ?")) {
                ps.setString(1, path.toString());
                ps.setString(2, hash.sha256());
                ps.setString(3, infoText);
                try (ResultSet r = ps.executeQuery()) {
                    if (r.next()) {
                        long id = r.getLong(1);
                        if (!filesJson.equals(r.getString(2))) {
                            // Same bytes, new mtimes (copied or touched): remember them so the next check is free.
                            try (PreparedStatement u = conn.prepareStatement("UPDATE models SET files_json = ? WHERE id = ?")) {
                                u.setString(1, filesJson);
                                u.setLong(2, id);
                                u.executeUpdate();
                            }
                        }
                        return id;
                    }
                }
            }
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO models(path, sha256, family, info_json, files_json,"
                    + " recorded_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, path.toString());
                ps.setString(2, hash.sha256());
                ps.setString(3, family);
                ps.setString(4, infoText);
                ps.setString(5, filesJson);
                ps.setLong(6, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return lastId();
        });
    }

    /** Records an input; the same input recorded again gets the same id. */
    public long recordInput(InputRecord input) {
        String key = contentKey(input);
        InputRecord.Image image = input.image();
        return write("record the input", () -> {
            try (PreparedStatement ps = conn.prepareStatement("INSERT OR IGNORE INTO inputs(kind, text, token_ids,"
                    + " token_labels, image_path, image_sha256, image_width, image_height, image_bytes, content_key,"
                    + " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, input.kind().id());
                ps.setString(2, input.text());
                ps.setString(3, input.tokenIds() == null ? null : GSON.toJson(input.tokenIds()));
                ps.setString(4, GSON.toJson(input.tokenLabels()));
                ps.setString(5, image == null ? null : image.path().toString());
                ps.setString(6, image == null ? null : image.sha256());
                setNullableLong(ps, 7, image == null ? null : (long) image.width());
                setNullableLong(ps, 8, image == null ? null : (long) image.height());
                ps.setBytes(9, image == null ? null : image.bytes());
                ps.setString(10, key);
                ps.setLong(11, System.currentTimeMillis());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = conn.prepareStatement("SELECT id FROM inputs WHERE content_key = ?")) {
                ps.setString(1, key);
                try (ResultSet r = ps.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            }
        });
    }

    /**
     * The hash that makes an input recorded twice one row. A text input's is what version 1 files hold (so an old
     * session keeps matching its inputs); an image's is its provenance, whether the bytes travel included.
     */
    private static String contentKey(InputRecord input) {
        JsonObject canonical = new JsonObject();
        if (input.kind() == InputKind.TEXT) {
            canonical.addProperty("text", input.text());
            canonical.add("token_ids", input.tokenIds() == null ? null : GSON.toJsonTree(input.tokenIds()));
        } else {
            InputRecord.Image image = input.image();
            canonical.addProperty("kind", input.kind().id());
            canonical.addProperty("path", image.path().toString());
            canonical.addProperty("sha256", image.sha256());
            canonical.addProperty("width", image.width());
            canonical.addProperty("height", image.height());
            canonical.addProperty("bytes", image.bytes() != null);
        }
        canonical.add("token_labels", GSON.toJsonTree(input.tokenLabels()));
        return ModelHasher.hex(ModelHasher.digest().digest(GSON.toJson(canonical).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Records a finished run and its result in one transaction (the app's autosave after every run) and returns
     * the run's id. The result is encoded before the transaction starts, so the write lock is held only to write.
     */
    public long recordRun(RunRecord run) {
        ResultBlob blob = run.result() == null ? null : ResultBlob.encode(run.result(), schemaVersion);
        return write("record the run", () -> {
            requireRow("models", run.modelId(), "model");
            requireRow("inputs", run.inputId(), "input");
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO runs(plugin_id, plugin_version, params_json,"
                    + " params_version, model_id, input_id, status, error, started_at, finished_at, duration_ms)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, run.pluginId());
                ps.setString(2, run.pluginVersion());
                ps.setString(3, GSON.toJson(run.params()));
                setNullableLong(ps, 4, run.paramsVersion() == null ? null : run.paramsVersion().longValue());
                setNullableLong(ps, 5, run.modelId());
                setNullableLong(ps, 6, run.inputId());
                ps.setString(7, run.status().dbName());
                ps.setString(8, run.error());
                ps.setLong(9, run.startedAt().toEpochMilli());
                ps.setLong(10, run.finishedAt().toEpochMilli());
                ps.setLong(11, run.duration().toMillis());
                ps.executeUpdate();
            }
            long id = lastId();
            writeHook.accept("run-inserted");
            if (blob != null) {
                try (PreparedStatement ps = conn.prepareStatement(
                        "INSERT INTO results(run_id, encoding, " + ResultBlob.sizeColumn(schemaVersion)
                                + ", sha256, data) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setLong(1, id);
                    ps.setString(2, blob.encoding());
                    ps.setLong(3, blob.size());
                    ps.setString(4, blob.sha256());
                    ps.setBytes(5, blob.data());
                    ps.executeUpdate();
                }
            }
            return id;
        });
    }

    public void setNotes(long runId, String text) {
        write("save the notes", () -> {
            try (PreparedStatement ps = conn.prepareStatement("UPDATE runs SET notes = ? WHERE id = ?")) {
                ps.setString(1, text == null ? "" : text);
                ps.setLong(2, runId);
                if (ps.executeUpdate() == 0) {
                    throw new SessionException(file, "cannot save the notes: there is no run " + runId);
                }
            }
            return null;
        });
    }

    /**
     * Marks a run that computed but whose outputs could not all be delivered (the CLI could not write its files) as
     * failed with {@code error}; its result stays stored. A run must not read "ok" when the user did not get it.
     */
    public void markFailed(long runId, String error) {
        write("record the run as failed", () -> {
            try (PreparedStatement ps = conn.prepareStatement("UPDATE runs SET status = 'failed', error = ? WHERE id = ?")) {
                ps.setString(1, Objects.requireNonNull(error, "error"));
                ps.setLong(2, runId);
                if (ps.executeUpdate() == 0) {
                    throw new SessionException(file, "cannot record the run as failed: there is no run " + runId);
                }
            }
            return null;
        });
    }

    /** Replaces the workspace's view state (open tabs, their order, each view's state); the app owns its shape. */
    public void saveWorkspace(JsonObject state) {
        String json = GSON.toJson(Objects.requireNonNull(state, "state"));
        write("save the workspace", () -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "INSERT OR REPLACE INTO workspace(id, state_json, saved_at) VALUES (1, ?, ?)")) {
                ps.setString(1, json);
                ps.setLong(2, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Stores (or replaces) a plugin's artifact, with the SHA-256 of its bytes so that damage is caught when it is read.
     * {@code runId} is the run that produced it, or null while that run is not recorded yet (see
     * {@link #attributeArtifacts}).
     */
    public void putArtifact(String pluginId, String key, byte[] data, Long runId) {
        checkPluginId(pluginId);
        checkArtifactKey(key);
        Objects.requireNonNull(data, "data");
        if (data.length > MAX_ARTIFACT_BYTES) {
            throw new SessionException(file, "cannot save artifact " + pluginId + "/" + key + ": it is " + data.length
                    + " bytes, more than a session holds in one entry (" + MAX_ARTIFACT_BYTES + ")");
        }
        String sha = ModelHasher.hex(ModelHasher.digest().digest(data));
        write("save artifact " + pluginId + "/" + key, () -> {
            requireRun(runId, "save artifact " + pluginId + "/" + key);
            try (PreparedStatement ps = conn.prepareStatement("INSERT OR REPLACE INTO artifacts(plugin_id, key, created_at,"
                    + " sha256, size, data, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, pluginId);
                ps.setString(2, key);
                ps.setLong(3, System.currentTimeMillis());
                ps.setString(4, sha);
                ps.setLong(5, data.length);
                ps.setBytes(6, data);
                setNullableLong(ps, 7, runId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** A plugin's key (see ArtifactStore) with the host's scope in front (see SessionArtifacts): room for both. */
    private static void checkArtifactKey(String key) {
        ArtifactStore.checkKey(key, ArtifactStore.MAX_KEY_LENGTH + 56);
    }

    /** Records {@code runId} as the run that produced these artifacts of the plugin (put before the run was recorded). */
    public void attributeArtifacts(String pluginId, Collection<String> keys, long runId) {
        checkPluginId(pluginId);
        if (keys.isEmpty()) {
            return;
        }
        write("link the artifacts of run " + runId, () -> {
            requireRun(runId, "link artifacts to run " + runId);
            try (PreparedStatement ps = conn.prepareStatement("UPDATE artifacts SET run_id = ? WHERE plugin_id = ? AND key = ?")) {
                for (String key : keys) {
                    ps.setLong(1, runId);
                    ps.setString(2, pluginId);
                    ps.setString(3, key);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /**
     * A plugin's artifact, checked against its stored size and SHA-256; empty when there is none. Bytes that do not
     * match are a {@link SessionException} naming the artifact, never handed to the plugin.
     */
    public Optional<byte[]> artifact(String pluginId, String key) {
        checkPluginId(pluginId);
        checkArtifactKey(key);
        String name = pluginId + "/" + key;
        return read("read artifact " + name, () -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT sha256, size, data FROM artifacts WHERE plugin_id = ? AND key = ?")) {
                ps.setString(1, pluginId);
                ps.setString(2, key);
                try (ResultSet r = ps.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    String sha = r.getString(1);
                    long size = r.getLong(2);
                    byte[] data = r.getBytes(3);
                    if (data == null) {
                        data = new byte[0];
                    }
                    if (data.length != size || !ModelHasher.hex(ModelHasher.digest().digest(data)).equals(sha)) {
                        throw new SessionException(file, "artifact " + name + " is damaged: its " + data.length
                                + " bytes do not match the stored checksum (sha256 " + sha + ", " + size
                                + " bytes); it is not used");
                    }
                    return Optional.of(data);
                }
            }
        });
    }

    /** Every artifact in the session, without its bytes, by plugin and key. */
    public List<StoredArtifact> artifacts() {
        return read("read the artifacts", () -> {
            List<StoredArtifact> list = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement("SELECT plugin_id, key, created_at, sha256, size, run_id"
                    + " FROM artifacts ORDER BY plugin_id, key"); ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    list.add(new StoredArtifact(r.getString(1), r.getString(2), Instant.ofEpochMilli(r.getLong(3)),
                            r.getString(4), r.getLong(5), nullableLong(r, 6)));
                }
            }
            return list;
        });
    }

    // ---- reads ----

    public List<StoredRun> runs() {
        return read("read the runs", () -> queryRuns("", null));
    }

    public Optional<StoredRun> run(long id) {
        return read("read run " + id, () -> queryRuns("WHERE r.id = ?", id).stream().findFirst());
    }

    /** The run's result, decoded; empty when there is no such run or it has no result (failed, cancelled). */
    public Optional<Result> result(long runId) {
        return read("read the result of run " + runId, () -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT encoding, " + ResultBlob.sizeColumn(schemaVersion) + ", sha256, data FROM results WHERE run_id = ?")) {
                ps.setLong(1, runId);
                try (ResultSet r = ps.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    ResultBlob blob = new ResultBlob(r.getString(1), r.getLong(2), r.getString(3), r.getBytes(4));
                    try {
                        return Optional.of(blob.decode());
                    } catch (IOException e) {
                        throw new SessionException(file, "the result of run " + runId + " is damaged: " + e.getMessage(), e);
                    } catch (RuntimeException e) {
                        throw new SessionException(file, "the result of run " + runId + " cannot be decoded: "
                                + e.getMessage(), e);
                    }
                }
            }
        });
    }

    /** The run's result as its ResultCodec JSON (the result.json form), checked against the stored checksum. */
    public Optional<JsonObject> resultJson(long runId) {
        return result(runId).map(ResultCodec::toJson);
    }

    public List<StoredModel> models() {
        return read("read the models", () -> queryModels("", null));
    }

    public Optional<StoredModel> model(long id) {
        return read("read model " + id, () -> queryModels("WHERE id = ?", id).stream().findFirst());
    }

    public Optional<InputRecord> input(long id) {
        return read("read input " + id, () -> {
            try (PreparedStatement ps = conn.prepareStatement("SELECT kind, text, token_ids, token_labels, image_path,"
                    + " image_sha256, image_width, image_height, image_bytes FROM inputs WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet r = ps.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    InputKind kind = InputKind.fromId(r.getString(1));
                    String ids = r.getString(3);
                    List<String> labels = GSON.fromJson(r.getString(4), new TypeToken<List<String>>() { }.getType());
                    InputRecord.Image image = kind != InputKind.IMAGE ? null : new InputRecord.Image(
                            Path.of(r.getString(5)), r.getString(6), r.getInt(7), r.getInt(8), r.getBytes(9));
                    return Optional.of(new InputRecord(kind, r.getString(2),
                            ids == null ? null : GSON.fromJson(ids, long[].class), image, labels));
                }
            }
        });
    }

    /** The last saved workspace state; empty for a session whose workspace was never saved. */
    public Optional<JsonObject> workspace() {
        return read("read the workspace", () -> {
            try (PreparedStatement ps = conn.prepareStatement("SELECT state_json FROM workspace WHERE id = 1");
                    ResultSet r = ps.executeQuery()) {
                return r.next() ? Optional.of(StoredFields.object(new StoredFields.Where(file, "workspace", 1, "state_json"),
                        r.getString(1))) : Optional.empty();
            }
        });
    }

    public SessionMeta meta() {
        return read("read the session metadata", () -> {
            Map<String, String> m = new HashMap<>();
            try (PreparedStatement ps = conn.prepareStatement("SELECT key, value FROM session_meta");
                    ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    m.put(r.getString(1), r.getString(2));
                }
            }
            return new SessionMeta(SqliteFiles.pragmaInt(conn, "user_version"),
                    StoredFields.millis(new StoredFields.Where(file, "session_meta", "created", "value"), m.get("created")),
                    StoredFields.millis(new StoredFields.Where(file, "session_meta", "modified", "value"), m.get("modified")), m.getOrDefault("created_by", "unknown"), m.getOrDefault("app_version", "unknown"));
        });
    }

    public Path file() {
        return file;
    }

    public int schemaVersion() {
        return schemaVersion;
    }

    // ---- copies ----

    /**
     * Writes a consistent copy of the session's committed state to {@code target}, replacing it atomically: a
     * snapshot into a temp file in the target's folder, synced, then renamed over the target. A crash at any point
     * leaves the target as it was. This store stays on its own file.
     */
    public synchronized void saveCopyAs(Path target) {
        ensureOpen();
        Path t = target.toAbsolutePath().normalize();
        if (t.equals(file)) {
            throw new SessionException(t, "is this session's own file; a copy needs another name");
        }
        if (Files.isDirectory(t)) {
            throw new SessionException(t, "is a folder; a copy needs a file name");
        }
        if (t.getParent() == null || !Files.isDirectory(t.getParent())) {
            throw new SessionException(t, "cannot save a copy: folder " + t.getParent() + " does not exist");
        }
        Path tmp = null;
        try {
            tmp = SqliteFiles.tempSibling(t, "copy");
            SqliteFiles.vacuumInto(conn, tmp);
            SqliteFiles.fsync(tmp);
            SqliteFiles.replace(tmp, t);
        } catch (IOException e) {
            throw new SessionException(t, "cannot save a copy: " + e.getMessage(), e);
        } catch (SQLException e) {
            throw SqliteFiles.explain(t, "cannot save a copy", e);
        } finally {
            SqliteFiles.deleteQuietly(tmp);
        }
    }

    /** Exports the session as one portable file (see {@link SessionArchive}). */
    public void exportTo(Path exportFile) {
        SessionArchive.export(this, exportFile);
    }

    /**
     * Checks an export completely and only then creates {@code targetDb} from it; a file that fails any check
     * changes nothing. Returns the new session file (open it with {@link #open}).
     */
    public static Path importFrom(Path exportFile, Path targetDb) {
        return SessionArchive.importFrom(exportFile, targetDb);
    }

    /** A consistent snapshot of the committed state into an existing empty file. */
    synchronized void snapshotTo(Path emptyFile) throws SQLException {
        ensureOpen();
        SqliteFiles.vacuumInto(conn, emptyFile);
    }

    /** A pragma's value on this store's own connection (foreign_keys is per connection); for tests. */
    synchronized String pragma(String name) {
        return read("read pragma " + name, () -> SqliteFiles.pragmaText(conn, name));
    }

    /** Tests swap in a fresh hasher to count what gets hashed. */
    synchronized void useHasher(ModelHasher h) {
        hasher = h;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                conn.close();
            } catch (SQLException e) {
                throw SqliteFiles.explain(file, "cannot close the session", e);
            }
        }
    }

    // ---- helpers ----

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(file + ": session is closed");
        }
    }

    private void requireRow(String table, Long id, String what) throws SQLException {
        if (id == null) {
            return;
        }
        try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM " + table + " WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet r = ps.executeQuery()) {
                if (!r.next()) {
                    throw new SessionException(file, "cannot record the run: this session has no " + what + " " + id);
                }
            }
        }
    }

    private void requireRun(Long runId, String doing) throws SQLException {
        if (runId == null) {
            return;
        }
        try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM runs WHERE id = ?")) {
            ps.setLong(1, runId);
            try (ResultSet r = ps.executeQuery()) {
                if (!r.next()) {
                    throw new SessionException(file, "cannot " + doing + ": this session has no run " + runId);
                }
            }
        }
    }

    private static void checkPluginId(String pluginId) {
        if (pluginId == null || pluginId.isBlank()) {
            throw new IllegalArgumentException("an artifact needs a plugin id, got \"" + pluginId + "\"");
        }
    }

    private List<StoredRun> queryRuns(String where, Object arg) throws SQLException {
        List<StoredRun> list = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT r.id, r.plugin_id, r.plugin_version, r.params_json,"
                + " r.params_version, r.model_id, r.input_id, r.status, r.error, r.started_at, r.finished_at, r.duration_ms,"
                + " r.notes, COALESCE(res." + ResultBlob.sizeColumn(schemaVersion) + ", 0) FROM runs r LEFT JOIN results res ON res.run_id = r.id " + where
                + " ORDER BY r.id")) {
            if (arg != null) {
                ps.setObject(1, arg);
            }
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    long id = r.getLong(1);
                    // A damaged row is listed as damaged, so that one bad row does not hide every other run.
                    JsonObject params;
                    String damage = null;
                    try {
                        params = StoredFields.object(new StoredFields.Where(file, "runs", id, "params_json"), r.getString(4));
                    } catch (SessionException e) {
                        params = new JsonObject();
                        damage = e.getMessage();
                    }
                    list.add(new StoredRun(id, r.getString(2), r.getString(3), params, nullableInt(r, 5),
                            nullableLong(r, 6), nullableLong(r, 7), RunStatus.fromDb(r.getString(8)), r.getString(9),
                            Instant.ofEpochMilli(r.getLong(10)), Instant.ofEpochMilli(r.getLong(11)),
                            Duration.ofMillis(r.getLong(12)), r.getString(13), r.getLong(14), damage));
                }
            }
        }
        return list;
    }

    private List<StoredModel> queryModels(String where, Object arg) throws SQLException {
        List<StoredModel> list = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT id, path, sha256, family, info_json, files_json, recorded_at"
                + " FROM models " + where + " ORDER BY id")) {
            if (arg != null) {
                ps.setObject(1, arg);
            }
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    long id = r.getLong(1);
                    String info = r.getString(5);
                    // Both fields only save work (rehashing, reopening for the card): a damaged one is dropped, and
                    // the model's file list is then rehashed the next time it is recorded.
                    List<ModelHasher.FileHash> files;
                    try {
                        files = StoredFields.json(new StoredFields.Where(file, "models", id, "files_json"), r.getString(6),
                                new TypeToken<List<ModelHasher.FileHash>>() { }.getType(), GSON);
                        if (files.stream().anyMatch(java.util.Objects::isNull)) {
                            files = List.of();
                        }
                    } catch (SessionException e) {
                        files = List.of();
                    }
                    JsonObject infoJson;
                    try {
                        infoJson = info == null ? null
                                : StoredFields.object(new StoredFields.Where(file, "models", id, "info_json"), info);
                    } catch (SessionException e) {
                        infoJson = null;
                    }
                    list.add(new StoredModel(id, Path.of(r.getString(2)), r.getString(3), r.getString(4), infoJson, files,
                            Instant.ofEpochMilli(r.getLong(7))));
                }
            }
        }
        return list;
    }

    private long lastId() throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT last_insert_rowid()"); ResultSet r = ps.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    private static void putMeta(Connection c, String key, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO session_meta(key, value) VALUES (?, ?)")) {
            ps.setString(1, key);
            ps.setString(2, value);
            ps.executeUpdate();
        }
    }

    private static void setNullableLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setLong(index, value);
        }
    }

    private static Long nullableLong(ResultSet r, int index) throws SQLException {
        long v = r.getLong(index);
        return r.wasNull() ? null : v;
    }

    private static Integer nullableInt(ResultSet r, int index) throws SQLException {
        int v = r.getInt(index);
        return r.wasNull() ? null : v;
    }


    private static void rollbackQuietly(Connection c) {
        try {
            SqliteFiles.exec(c, "ROLLBACK");
        } catch (SQLException ignored) {
            // No transaction was open (BEGIN itself failed) or SQLite already rolled back.
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // Already failing; the first error is the one to report.
            }
        }
    }

    /** The running Loupe's version, from the jar manifest; "dev" when run from classes. */
    static String appVersion() {
        String v = SessionStore.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
