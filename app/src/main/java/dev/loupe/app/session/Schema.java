package dev.loupe.app.session;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The session schema as an ordered list of migrations; {@code PRAGMA user_version} holds the last one applied. To
 * change the schema, append a step with the next version number; never edit a released one.
 */
final class Schema {
    /** {@code PRAGMA application_id}: "Loup". Tells a Loupe session from any other SQLite file. */
    static final int APPLICATION_ID = 0x4C6F7570;

    static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "models, inputs, runs, results, workspace, metadata", Schema::v1),
            new Migration(2, "plugin artifacts", Schema::v2),
            new Migration(3, "results as binary safetensors blobs", BinaryResults::migrate),
            new Migration(4, "inputs of any kind (text, image)", Schema::v4));

    private Schema() {
    }

    static int latest(List<Migration> migrations) {
        return migrations.get(migrations.size() - 1).version();
    }

    /** A gap or a reordering would skip or repeat a step on someone's file: refuse such a list outright. */
    static List<Migration> checked(List<Migration> migrations) {
        if (migrations.isEmpty()) {
            throw new IllegalArgumentException("no migrations");
        }
        for (int i = 0; i < migrations.size(); i++) {
            if (migrations.get(i).version() != i + 1) {
                throw new IllegalArgumentException("migration " + i + " has version " + migrations.get(i).version()
                        + ", expected " + (i + 1) + ": versions must run 1, 2, 3... without gaps");
            }
        }
        return List.copyOf(migrations);
    }

    /**
     * Why the file's tables are not the ones its schema version promises, or null. A file can carry Loupe's
     * application id and a plausible user_version and still hold other tables (made by hand, or by another program);
     * writing into those would fail half way, after some rows went in. So the tables and their columns are compared
     * with the schema the released migrations build up to the file's version (in memory, once per version),
     * before anything writes.
     */
    static String tableProblem(Connection file) throws SQLException {
        int version = SqliteFiles.pragmaInt(file, "user_version");
        Map<String, List<String>> expected = RELEASED_TABLES.computeIfAbsent(version, Schema::releasedTables);
        Map<String, List<String>> found = tables(file);
        for (var e : expected.entrySet()) {
            List<String> columns = found.get(e.getKey());
            if (columns == null) {
                return "is not a complete Loupe session: table " + e.getKey() + " is missing (schema version " + version + ")";
            }
            // A later step may add columns; what the released steps made must all be there, with their types.
            if (!columns.containsAll(e.getValue())) {
                return "is not a Loupe session of schema version " + version + ": table " + e.getKey() + " has columns "
                        + columns + " where Loupe expects " + e.getValue();
            }
        }
        return null;
    }

    /** Per schema version, the tables the released steps up to it make. */
    private static final Map<Integer, Map<String, List<String>>> RELEASED_TABLES = new ConcurrentHashMap<>();

    private static Map<String, List<String>> releasedTables(int version) {
        try (Connection reference = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            for (Migration m : MIGRATIONS) {
                if (m.version() <= version) {
                    m.step().apply(reference);
                }
            }
            return tables(reference);
        } catch (SQLException e) {
            throw new IllegalStateException("the released schema steps do not apply to an empty database", e);
        }
    }

    /** Table name -> "column TYPE" for every ordinary table (SQLite's own tables left out). */
    private static Map<String, List<String>> tables(Connection c) throws SQLException {
        Map<String, List<String>> out = new TreeMap<>();
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) {
            while (r.next()) {
                names.add(r.getString(1));
            }
        }
        for (String name : names) {
            List<String> columns = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name, type FROM pragma_table_info(?)")) {
                ps.setString(1, name);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        columns.add(r.getString(1) + " " + r.getString(2));
                    }
                }
            }
            out.put(name, columns);
        }
        return out;
    }

    private static void v1(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE session_meta (
                      key   TEXT PRIMARY KEY,
                      value TEXT NOT NULL
                    ) WITHOUT ROWID""");
            // files_json keeps each hashed file's size and mtime, so recording the same unchanged model again
            // (today or after reopening the session) skips rehashing gigabytes of weights.
            s.execute("""
                    CREATE TABLE models (
                      id          INTEGER PRIMARY KEY,
                      path        TEXT NOT NULL,
                      sha256      TEXT NOT NULL,
                      family      TEXT,
                      info_json   TEXT,
                      files_json  TEXT NOT NULL,
                      recorded_at INTEGER NOT NULL
                    )""");
            s.execute("CREATE INDEX models_by_path ON models(path)");
            s.execute("""
                    CREATE TABLE inputs (
                      id           INTEGER PRIMARY KEY,
                      text         TEXT,
                      token_ids    TEXT,
                      token_labels TEXT,
                      content_key  TEXT NOT NULL UNIQUE,
                      recorded_at  INTEGER NOT NULL,
                      CHECK (text IS NOT NULL OR token_ids IS NOT NULL)
                    )""");
            s.execute("""
                    CREATE TABLE runs (
                      id             INTEGER PRIMARY KEY,
                      plugin_id      TEXT NOT NULL,
                      plugin_version TEXT NOT NULL,
                      params_json    TEXT NOT NULL,
                      params_version INTEGER,
                      model_id       INTEGER REFERENCES models(id),
                      input_id       INTEGER REFERENCES inputs(id),
                      status         TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'cancelled')),
                      error          TEXT,
                      started_at     INTEGER NOT NULL,
                      finished_at    INTEGER NOT NULL,
                      duration_ms    INTEGER NOT NULL,
                      notes          TEXT NOT NULL DEFAULT ''
                    )""");
            s.execute("CREATE INDEX runs_by_model ON runs(model_id)");
            s.execute("CREATE INDEX runs_by_input ON runs(input_id)");
            // sha256 is of the uncompressed JSON: a damaged blob is reported as damaged, not decoded into nonsense.
            s.execute("""
                    CREATE TABLE results (
                      run_id     INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
                      encoding   TEXT NOT NULL CHECK (encoding IN ('json', 'json+gzip')),
                      json_bytes INTEGER NOT NULL,
                      sha256     TEXT NOT NULL,
                      data       BLOB NOT NULL
                    )""");
            s.execute("""
                    CREATE TABLE workspace (
                      id         INTEGER PRIMARY KEY CHECK (id = 1),
                      state_json TEXT NOT NULL,
                      saved_at   INTEGER NOT NULL
                    )""");
        }
    }

    /**
     * Large derived data plugins keep to reproduce a result without redoing the work (trained tuned-lens
     * translators), keyed by plugin id and the plugin's key behind the host's model scope ("model-<sha256 prefix>/",
     * see SessionArtifacts). sha256 is of the bytes: a damaged blob is reported, never used. run_id is the run that produced it; deleting that run keeps the artifact.
     */
    private static void v2(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE artifacts (
                      plugin_id  TEXT NOT NULL,
                      key        TEXT NOT NULL,
                      created_at INTEGER NOT NULL,
                      sha256     TEXT NOT NULL,
                      size       INTEGER NOT NULL,
                      data       BLOB NOT NULL,
                      run_id     INTEGER REFERENCES runs(id) ON DELETE SET NULL,
                      PRIMARY KEY (plugin_id, key)
                    )""");
            s.execute("CREATE INDEX artifacts_by_run ON artifacts(run_id)");
        }
    }

    /**
     * Inputs carry their kind: a text input as before, an image as its file, the sha256 of its bytes, its size and
     * optionally the bytes. Version 1's CHECK (text or token ids present) cannot admit an image row and SQLite cannot
     * alter a CHECK, so the table is rebuilt (SQLite's 12-step ALTER; the runner has foreign keys off) and every old
     * row becomes a text input with the same id and content key.
     */
    private static void v4(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE inputs_v4 (
                      id           INTEGER PRIMARY KEY,
                      kind         TEXT NOT NULL CHECK (kind IN ('text', 'image')),
                      text         TEXT,
                      token_ids    TEXT,
                      token_labels TEXT,
                      image_path   TEXT,
                      image_sha256 TEXT,
                      image_width  INTEGER,
                      image_height INTEGER,
                      image_bytes  BLOB,
                      content_key  TEXT NOT NULL UNIQUE,
                      recorded_at  INTEGER NOT NULL,
                      CHECK (kind != 'text' OR ((text IS NOT NULL OR token_ids IS NOT NULL) AND image_path IS NULL)),
                      CHECK (kind != 'image' OR (image_path IS NOT NULL AND image_sha256 IS NOT NULL
                             AND image_width > 0 AND image_height > 0 AND text IS NULL AND token_ids IS NULL))
                    )""");
            s.execute("""
                    INSERT INTO inputs_v4(id, kind, text, token_ids, token_labels, content_key, recorded_at)
                    SELECT id, 'text', text, token_ids, token_labels, content_key, recorded_at FROM inputs""");
            s.execute("DROP TABLE inputs");
            s.execute("ALTER TABLE inputs_v4 RENAME TO inputs");
        }
    }
}
