package dev.loupe.engine.steering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.engine.Intervention;
import dev.loupe.engine.LoupeException;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.format.SafetensorsWriter;
import dev.loupe.engine.format.TensorDType;
import dev.loupe.engine.format.TensorData;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.engine.testing.TestCheckpoints.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a steering vector: what a good file gives, and one message naming the file for each way it is wrong. */
class SteeringVectorsTest {
    @TempDir
    static Path tmp;
    static LoupeModel gpt2; // d_model 32, d_mlp 128, 2 layers
    static ModelInfo info;
    static List<String> hooks;

    @BeforeAll
    static void open() {
        gpt2 = LoupeModel.open(TestCheckpoints.write(tmp.resolve("gpt2"), Spec.gpt2()));
        info = gpt2.info();
        hooks = gpt2.hookNames();
    }

    @AfterAll
    static void close() {
        gpt2.close();
    }

    private static float[] ramp(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i * 0.5f - 3;
        }
        return v;
    }

    private static Path file(String name, Map<String, TensorData> tensors) {
        Path f = tmp.resolve(name);
        SafetensorsWriter.write(f, tensors, Map.of());
        return f;
    }

    private static Path vectorFile(String name, Map<String, float[]> vectors) {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        vectors.forEach((k, v) -> tensors.put(k, TensorData.ofFloats(new long[] {v.length}, v)));
        return file(name, tensors);
    }

    private static void assertRefused(String hook, Path f, String... fragments) {
        LoupeException e = assertThrows(LoupeException.class,
                () -> SteeringVectors.load(hook, f, 1, info, hooks, "--steer"));
        assertTrue(e.getMessage().lines().count() == 1, "one line: " + e.getMessage());
        for (String s : fragments) {
            assertTrue(e.getMessage().contains(s), "should name \"" + s + "\": " + e.getMessage());
        }
    }

    @Test
    void aVectorBecomesAnAdditionAtEveryPosition() {
        Path f = vectorFile("v.safetensors", Map.of("direction", ramp(32)));
        Intervention.AddVector add = SteeringVectors.load("blocks.1.hook_resid_post", f, -2.5, info, hooks, "--steer");
        assertEquals("blocks.1.hook_resid_post", add.hook());
        assertArrayEquals(ramp(32), add.vector());
        assertEquals(-2.5, add.coefficient());
        assertNull(add.positions(), "every position");
    }

    @Test
    void aRowVectorAndAGlobAreAccepted() {
        Path f = file("row.safetensors", Map.of("v", TensorData.ofFloats(new long[] {1, 32}, ramp(32))));
        assertArrayEquals(ramp(32), SteeringVectors.load("blocks.*.hook_resid_pre", f, 1, info, hooks, "x").vector());
    }

    @Test
    void ofSeveralTensorsTheOneNamedAfterTheHookIsTaken() {
        Map<String, float[]> named = new LinkedHashMap<>();
        named.put("blocks.0.hook_resid_pre", ramp(32));
        float[] other = new float[32];
        other[3] = 1;
        named.put("blocks.1.hook_resid_pre", other);
        Path f = vectorFile("named.safetensors", named);
        assertArrayEquals(other, SteeringVectors.load("blocks.1.hook_resid_pre", f, 1, info, hooks, "x").vector());
        assertRefused("blocks.0.hook_mlp_out", f, f.toString(), "2 tensors", "\"blocks.0.hook_mlp_out\"");
    }

    @Test
    void theSizeMustFitTheHook() {
        Path small = vectorFile("small.safetensors", Map.of("v", ramp(31)));
        assertRefused("blocks.0.hook_resid_pre", small, small.toString(), "31 values", "d_model = 32");
        Path mlp = vectorFile("mlp.safetensors", Map.of("v", ramp(32)));
        assertRefused("blocks.0.mlp.hook_post", mlp, "d_mlp = 128");
        assertEquals(128, SteeringVectors.load("blocks.0.mlp.hook_post",
                vectorFile("mlp128.safetensors", Map.of("v", ramp(128))), 1, info, hooks, "x").vector().length);
    }

    @Test
    void fileProblemsNameTheFileAndTheAsker() {
        Path missing = tmp.resolve("nope.safetensors");
        LoupeException e = assertThrows(LoupeException.class,
                () -> SteeringVectors.load("blocks.0.hook_resid_pre", missing, 1, info, hooks, "the steering view"));
        assertEquals(missing + ": file not found (the steering view needs a safetensors file holding the vector)",
                e.getMessage());
        assertRefused("blocks.0.hook_resid_pre", tmp, "is a folder");
        Path empty = file("empty.safetensors", Map.of());
        assertRefused("blocks.0.hook_resid_pre", empty, empty + ": holds no tensor (--steer needs one F32 vector)");
        Path f16 = file("f16.safetensors",
                Map.of("v", TensorData.ofFloats(new long[] {32}, ramp(32)).convert(TensorDType.F16)));
        assertRefused("blocks.0.hook_resid_pre", f16, f16.toString(), "F16", "must be F32");
        Path matrix = file("matrix.safetensors", Map.of("v", TensorData.ofFloats(new long[] {2, 16}, ramp(32))));
        assertRefused("blocks.0.hook_resid_pre", matrix, "[2, 16]", "1-D");
        assertTrue(Files.isRegularFile(matrix));
    }

    @Test
    void anUnknownHookIsNamedWithASampleOfTheModelsHooks() {
        Path f = vectorFile("v2.safetensors", Map.of("v", ramp(32)));
        LoupeException e = assertThrows(LoupeException.class,
                () -> SteeringVectors.load("blocks.5.hook_resid_pre", f, 1, info, hooks, "--steer"));
        assertTrue(e.getMessage().startsWith("--steer: hook \"blocks.5.hook_resid_pre\" matches no hook of this model "
                + "(it has hook_embed, "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; " + hooks.size() + " hooks)"), e.getMessage());
    }

    @Test
    void theExpectedSizeIsLeftToTheEngineWhereItIsNotKnown() {
        assertEquals(32, SteeringVectors.expectedSize(List.of("blocks.0.hook_resid_pre", "blocks.1.hook_attn_out"), info));
        assertNull(SteeringVectors.expectedSize(List.of("blocks.0.attn.hook_z"), info));
        assertNull(SteeringVectors.expectedSize(List.of("blocks.0.hook_resid_pre", "blocks.0.mlp.hook_post"), info));
        assertEquals(64, SteeringVectors.expectedSize(List.of("logits"), info));
    }
}
