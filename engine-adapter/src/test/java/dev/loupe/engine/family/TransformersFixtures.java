package dev.loupe.engine.family;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loupe.engine.format.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The checkpoints under src/test/resources/hf5, written by transformers 5's own save_pretrained
 * (src/test/python/write_hf5_fixtures.py), with the activations transformers computed on them.
 */
final class TransformersFixtures {
    static final String[] NAMES = {"gpt2", "llama", "mistral", "qwen2", "bert"};

    enum Layout { V5, V4 }

    private TransformersFixtures() {
    }

    static Path resource(String name) {
        try {
            return Path.of(TransformersFixtures.class.getResource("/hf5/" + name + "/config.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A copy of fixture {@code name} in {@code tmp}, with config.json in {@code layout} (V4: config.v4.json, the same
     * config in transformers 4's spelling), edited by {@code edit}.
     */
    static Path copy(String name, Layout layout, Path tmp, Consumer<JsonObject> edit) {
        Path src = resource(name);
        Path dir = tmp.resolve(name + "-" + layout.name().toLowerCase());
        try {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.list(src)) {
                for (Path f : files.toList()) {
                    if (!f.getFileName().toString().startsWith("config")) {
                        Files.copy(f, dir.resolve(f.getFileName()));
                    }
                }
            }
            Path config = src.resolve(layout == Layout.V4 ? "config.v4.json" : "config.json");
            JsonObject json = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
            edit.accept(json);
            Files.writeString(dir.resolve("config.json"), json.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    static JsonObject config(String name, Layout layout) {
        try {
            return JsonParser.parseString(Files.readString(resource(name)
                    .resolve(layout == Layout.V4 ? "config.v4.json" : "config.json"))).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** transformers' activations: tokens (as float), pattern.{layer} [heads, q, k], last_hidden, logits. */
    static Map<String, float[]> expected(String name) {
        Map<String, float[]> out = new HashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(resource(name).resolve("expected.safetensors"))) {
            for (String t : f.names()) {
                var bytes = f.data(t).duplicate().order(ByteOrder.LITTLE_ENDIAN);
                if (t.equals("tokens")) {
                    float[] ids = new float[bytes.remaining() / 8];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = bytes.getLong();
                    }
                    out.put(t, ids);
                } else {
                    FloatBuffer fb = bytes.asFloatBuffer();
                    float[] v = new float[fb.remaining()];
                    fb.get(v);
                    out.put(t, v);
                }
            }
        }
        return out;
    }

    static long[] tokens(Map<String, float[]> expected) {
        float[] t = expected.get("tokens");
        long[] ids = new long[t.length];
        for (int i = 0; i < t.length; i++) {
            ids[i] = (long) t[i];
        }
        return ids;
    }

    /** max |ours - ref| / max |ref|. */
    static double relError(float[] ours, float[] ref) {
        if (ours.length != ref.length) {
            throw new AssertionError("length " + ours.length + " != " + ref.length);
        }
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < ref.length; i++) {
            diff = Math.max(diff, Math.abs((double) ours[i] - ref[i]));
            scale = Math.max(scale, Math.abs(ref[i]));
        }
        return scale > 0 ? diff / scale : diff;
    }
}
