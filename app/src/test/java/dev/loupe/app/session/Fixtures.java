package dev.loupe.app.session;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.ResultCodec;
import dev.loupe.plugin.result.TokenScoresResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Test data for sessions: fake checkpoint folders, deterministic results, run records. */
final class Fixtures {
    static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");

    private Fixtures() {
    }

    /** A checkpoint folder: config.json, two weight shards of random bytes, and files that are not hashed. */
    static Path fakeModel(Path dir, int shardBytes, long seed) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt2\", \"n_layer\": 2}");
        Random rnd = new Random(seed);
        for (String shard : List.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")) {
            byte[] b = new byte[shardBytes];
            rnd.nextBytes(b);
            Files.write(dir.resolve(shard), b);
        }
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        Files.writeString(dir.resolve("README.md"), "a model");
        return dir;
    }

    /** A rows x cols matrix whose values follow from {@code seed}, so a reader can check it without the writer. */
    static MatrixResult matrix(int rows, int cols, long seed) {
        Random rnd = new Random(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        List<String> rl = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            rl.add("tok" + r);
        }
        List<String> cl = new ArrayList<>();
        for (int c = 0; c < cols; c++) {
            cl.add("d" + c);
        }
        return new MatrixResult("matrix " + seed, rows, cols, v, rl, cl, "token", "dim", "activation", true,
                Map.of("mean", 0.0, "seed", (double) seed));
    }

    static TokenScoresResult scores() {
        return new TokenScoresResult("scores", List.of("The", " cat"), new float[] {0.25f, -1.5f}, "probe", true);
    }

    static JsonObject params(int version, long seed) {
        JsonObject p = new JsonObject();
        p.addProperty("$version", version);
        p.addProperty("hook", "blocks.0.hook_resid_post");
        p.addProperty("seed", seed);
        return p;
    }

    static RunRecord okRun(Long model, Long input, long seed, Result result) {
        return RunRecord.ok("loupe.activations", "0.1.0", params(2, seed), model, input, T0, T0.plusMillis(1234),
                Duration.ofMillis(1234), result);
    }

    /** Results compare as their codec JSON: records with arrays do not compare by content. */
    static JsonObject json(Result r) {
        return ResultCodec.toJson(r);
    }

    /** Overwrites the b-tree headers and cells of pages 2..5, as a bad disk or a careless tool would. */
    static byte[] scramblePages(byte[] db) {
        byte[] b = db.clone();
        int page = 4096;
        if (b.length < 6 * page) {
            throw new IllegalArgumentException("needs a database of a few pages, has " + b.length + " bytes");
        }
        for (int p = 1; p < 5; p++) {
            for (int i = 8; i < 2000; i++) {
                b[p * page + i] = (byte) 0x5A;
            }
        }
        return b;
    }
}
