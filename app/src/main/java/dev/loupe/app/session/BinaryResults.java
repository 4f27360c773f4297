package dev.loupe.app.session;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.ResultCodec;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * Schema step 3: results become {@link ResultBlob#SAFETENSORS} blobs (numeric arrays as binary tensors, JSON only for
 * the structure around them; see docs/decisions/0002). The table is rebuilt with the new encoding allowed and
 * {@code json_bytes} renamed {@code size} (it is no longer always JSON), and every stored row is converted. A row
 * that does not match its checksum is copied unchanged, so that reading it still says it is damaged.
 *
 * <p>Results written before step 3 carry no view kind; their attention patterns were recognised by the axis names
 * "query" and "key". That rule is applied here, once, so that no view ever reads labels again.
 */
final class BinaryResults {
    private BinaryResults() {
    }

    static void migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE results_v3 (
                      run_id   INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
                      encoding TEXT NOT NULL CHECK (encoding IN ('safetensors', 'json', 'json+gzip')),
                      size     INTEGER NOT NULL,
                      sha256   TEXT NOT NULL,
                      data     BLOB NOT NULL
                    )""");
        }
        try (PreparedStatement read = c.prepareStatement("SELECT run_id, encoding, json_bytes, sha256, data FROM results");
                PreparedStatement write = c.prepareStatement(
                        "INSERT INTO results_v3(run_id, encoding, size, sha256, data) VALUES (?, ?, ?, ?, ?)");
                ResultSet r = read.executeQuery()) {
            while (r.next()) {
                ResultBlob old = new ResultBlob(r.getString(2), r.getLong(3), r.getString(4), r.getBytes(5));
                ResultBlob blob = convert(old);
                write.setLong(1, r.getLong(1));
                write.setString(2, blob.encoding());
                write.setLong(3, blob.size());
                write.setString(4, blob.sha256());
                write.setBytes(5, blob.data());
                write.executeUpdate();
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE results");
            s.execute("ALTER TABLE results_v3 RENAME TO results");
        }
    }

    /** The row as a binary blob, or unchanged when its bytes are damaged or do not decode. */
    static ResultBlob convert(ResultBlob old) {
        if (!old.legacy()) {
            return old;
        }
        try {
            JsonObject json = old.legacyJson();
            markAttention(json);
            Result result = ResultCodec.fromJson(json);
            return ResultBlob.encode(result);
        } catch (IOException | RuntimeException e) {
            return old;
        }
    }

    /** Gives every matrix of a pre-step-3 document with axes "query" x "key" the {@link MatrixResult#ATTENTION} kind. */
    static void markAttention(JsonObject doc) {
        for (String list : new String[] {"cells", "panels"}) {
            JsonElement e = doc.get(list);
            if (e != null && e.isJsonArray()) {
                e.getAsJsonArray().forEach(m -> {
                    if (m.isJsonObject()) {
                        markMatrix(m.getAsJsonObject());
                    }
                });
            }
        }
        if (doc.has("type") && "matrix".equals(doc.get("type").getAsString())) {
            markMatrix(doc);
        }
    }

    private static void markMatrix(JsonObject m) {
        if (!m.has("kind") && axisIs(m.get("rowAxis"), "query") && axisIs(m.get("colAxis"), "key")
                && m.has("rows") && m.get("rows").getAsInt() > 0 && m.has("cols") && m.get("cols").getAsInt() > 0) {
            m.addProperty("kind", MatrixResult.ATTENTION);
        }
    }

    // "query" or "query ..." (e.g. "query token"), any case: the rule views used before step 3.
    private static boolean axisIs(JsonElement axis, String name) {
        if (axis == null || !axis.isJsonPrimitive() || !axis.getAsJsonPrimitive().isString()) {
            return false;
        }
        String a = axis.getAsString().strip().toLowerCase(Locale.ROOT);
        return a.equals(name) || a.startsWith(name + " ");
    }
}
