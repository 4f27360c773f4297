package dev.loupe.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.engine.format.SafetensorsWriter;
import dev.loupe.engine.format.TensorData;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.engine.testing.TestCheckpoints.Spec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recurrent-depth family: a block schedule over shared weights, hooks named by applied layer. */
class LoopedModelTest {
    @TempDir
    Path tmp;

    private static final List<Integer> SCHEDULE = List.of(0, 0, 0, 1, 1, 1);

    private Spec looped() {
        return Spec.gpt2().withModelType("loupe_looped").withLayers(2).withConfig("block_schedule", SCHEDULE);
    }

    @Test
    void infoReportsTheScheduleAndHooksAreNamedByAppliedLayer() {
        try (LoupeModel m = LoupeModel.open(TestCheckpoints.write(tmp.resolve("looped"), looped()))) {
            assertEquals("looped", m.info().family());
            assertEquals(6, m.info().layers());
            assertEquals(List.of("A", "A", "A", "B", "B", "B"), m.info().blockSchedule());
            assertTrue(m.hookNames().contains("blocks.5.hook_resid_post"));
            assertTrue(m.info().toJson().has("block_schedule"));
        }
    }

    @Test
    void aLoopedModelEqualsTheUnrolledModelWithCopiedBlocks() throws IOException {
        Spec spec = looped();
        Path loopedDir = TestCheckpoints.write(tmp.resolve("looped"), spec);
        // Unroll: a plain 6-layer GPT-2 whose h.{l} is a copy of distinct block SCHEDULE[l].
        Map<String, TensorData> distinct = TestCheckpoints.tensors(spec);
        Map<String, TensorData> unrolled = new LinkedHashMap<>();
        distinct.forEach((name, t) -> {
            if (!name.startsWith("h.")) {
                unrolled.put(name, t);
            }
        });
        for (int l = 0; l < SCHEDULE.size(); l++) {
            String from = "h." + SCHEDULE.get(l) + ".";
            for (var e : distinct.entrySet()) {
                if (e.getKey().startsWith(from)) {
                    unrolled.put("h." + l + "." + e.getKey().substring(from.length()), e.getValue());
                }
            }
        }
        Path plainDir = TestCheckpoints.write(tmp.resolve("plain"), Spec.gpt2().withLayers(6));
        SafetensorsWriter.write(plainDir.resolve("model.safetensors"), unrolled, Map.of());

        long[] tokens = {3, 14, 15, 9, 26, 5, 35};
        try (LoupeModel a = LoupeModel.open(loopedDir); LoupeModel b = LoupeModel.open(plainDir);
                RunResult ra = a.run(RunRequest.of(tokens).capture("blocks.*.hook_resid_post"));
                RunResult rb = b.run(RunRequest.of(tokens).capture("blocks.*.hook_resid_post"))) {
            assertEquals(6, b.info().layers());
            for (int l = 0; l < 6; l++) {
                String h = "blocks." + l + ".hook_resid_post";
                assertArrayEquals(rb.cache().floats(h), ra.cache().floats(h), 1e-6f, h);
            }
            assertArrayEquals(rb.logits().toFloatArray(), ra.logits().toFloatArray(), 1e-5f);
        }
    }

    @Test
    void aScheduleThatNamesAMissingBlockIsRefused() throws IOException {
        Path dir = TestCheckpoints.write(tmp.resolve("bad"), looped().withConfig("block_schedule", List.of(0, 2)));
        LoupeException e = assertThrows(LoupeException.class, () -> LoupeModel.open(dir));
        assertTrue(e.getMessage().contains("block_schedule") && e.getMessage().contains("entry 1"), e.getMessage());
    }
}
