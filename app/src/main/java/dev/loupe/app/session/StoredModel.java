package dev.loupe.app.session;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** A model a session used: where it was, what it was (content hash, family, model card JSON), when recorded. */
public record StoredModel(long id, Path path, String sha256, String family, JsonObject info,
        List<ModelHasher.FileHash> files, Instant recordedAt) {

    public StoredModel {
        info = info == null ? null : info.deepCopy();
        files = List.copyOf(files);
    }

    @Override
    public JsonObject info() {
        return info == null ? null : info.deepCopy();
    }
}
