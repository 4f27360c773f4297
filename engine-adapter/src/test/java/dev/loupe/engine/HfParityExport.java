package dev.loupe.engine;

import com.google.gson.JsonObject;
import dev.loupe.engine.format.SafetensorsWriter;
import dev.loupe.engine.format.TensorData;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.engine.testing.TestCheckpoints.Spec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Writes the parity cases (ReferenceParityTest's configurations plus a few larger ones) as Hugging Face checkpoint
 * folders together with Loupe's logits, so that Hugging Face transformers itself can be run on them where it is
 * installed (src/test/python/hf_reference.py) — the independent reference the engine issue names. Not a test: a
 * main, run by hand; BENCHMARKS.md / the issue notes record its result.
 *
 * <p>Usage: {@code java ... dev.loupe.engine.HfParityExport OUT_DIR}
 */
public final class HfParityExport {
    private HfParityExport() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        List<Object[]> cases = new ArrayList<>();
        ReferenceParityTest.cases().map(Arguments::get).forEach(cases::add);
        // Larger and longer than the unit cases: positions well into the rotary tables, a real-sized vocabulary.
        cases.add(new Object[] {"llama d256 gqa4 vocab1000 300 tokens",
                Spec.llama().withDims(256, 688).withHeads(8, 2).withLayers(4).withVocab(1000).withContext(2048)
                        .withSeed(90).withConfig("rope_theta", 500000.0), 300});
        cases.add(new Object[] {"gpt2 d128 vocab1000 200 tokens",
                Spec.gpt2().withDims(128, 512).withLayers(4).withVocab(1000).withContext(256).withSeed(91), 200});
        cases.add(new Object[] {"bert d64 encoder", Spec.bert().withDims(64, 256).withSeed(92), 24});
        int index = 0;
        for (Object[] c : cases) {
            String name = (String) c[0];
            Spec spec = (Spec) c[1];
            int length = (Integer) c[2];
            Path dir = TestCheckpoints.write(out.resolve(String.format("case%02d", index++)), spec.withoutTokenizer());
            long[] tokens = new long[length];
            Random r = new Random(length * 31L + index);
            for (int i = 0; i < length; i++) {
                tokens[i] = r.nextInt(spec.vocab());
            }
            Map<String, TensorData> t = new LinkedHashMap<>();
            t.put("tokens", TensorData.ofLongs(new long[] {length}, tokens));
            try (LoupeModel m = LoupeModel.open(dir); RunResult run = m.run(RunRequest.of(tokens))) {
                boolean encoder = !m.info().causal();
                float[] values = encoder ? run.lastHiddenState().toFloatArray() : run.logits().toFloatArray();
                long width = encoder ? m.info().dModel() : m.info().dVocab();
                t.put(encoder ? "last_hidden_state" : "logits", TensorData.ofFloats(new long[] {length, width}, values));
            }
            SafetensorsWriter.write(dir.resolve("loupe.safetensors"), t, Map.of());
            JsonObject meta = new JsonObject();
            meta.addProperty("name", name);
            meta.addProperty("model_type", spec.modelType());
            Files.writeString(dir.resolve("case.json"), meta.toString(), StandardCharsets.UTF_8);
            System.out.println(dir.getFileName() + "  " + name);
        }
    }
}
