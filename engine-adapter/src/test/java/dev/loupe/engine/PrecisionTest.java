package dev.loupe.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.engine.format.TensorDType;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.engine.testing.TestCheckpoints.Spec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** F16/BF16 checkpoints load; F16 compute is selectable and close to F32; BF16 compute is refused in words. */
class PrecisionTest {
    @TempDir
    Path tmp;

    private static final long[] TOKENS = {4, 8, 15, 16, 23, 42};

    @Test
    void halfPrecisionComputeTracksF32() {
        Path dir = TestCheckpoints.write(tmp.resolve("llama"), Spec.llama());
        try (LoupeModel f32 = LoupeModel.open(dir);
                LoupeModel f16 = LoupeModel.open(dir, ModelOptions.defaults().withPrecision(Precision.F16));
                RunResult a = f32.run(RunRequest.of(TOKENS));
                RunResult b = f16.run(RunRequest.of(TOKENS).capture("blocks.0.hook_resid_post"))) {
            assertEquals("F16", f16.info().computeDtype());
            assertEquals("FLOAT16", b.cache().get("blocks.0.hook_resid_post").getDataType().name());
            float[] x = a.logits().toFloatArray();
            float[] y = b.logits().toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < x.length; i++) {
                scale = Math.max(scale, Math.abs(x[i]));
                diff = Math.max(diff, Math.abs(x[i] - y[i]));
            }
            assertTrue(diff / scale < 2e-2, "F16 logits within 2% of F32: " + diff / scale);
        }
    }

    @Test
    void storedHalfAndBfloatCheckpointsLoadAndReportTheirDtype() {
        for (TensorDType t : new TensorDType[] {TensorDType.F16, TensorDType.BF16}) {
            Path dir = TestCheckpoints.write(tmp.resolve(t.name()), Spec.gpt2().withDtype(t));
            try (LoupeModel m = LoupeModel.open(dir); RunResult r = m.run(RunRequest.of(TOKENS))) {
                assertEquals(t.safetensorsName(), m.info().storageDtype());
                assertEquals("F32", m.info().computeDtype());
                assertTrue(Float.isFinite(r.logits().toFloatArray()[0]));
            }
        }
    }

    @Test
    void bf16ComputeIsRefusedWithAReason() {
        Path dir = TestCheckpoints.write(tmp.resolve("gpt2"), Spec.gpt2());
        LoupeException e = assertThrows(LoupeException.class,
                () -> LoupeModel.open(dir, ModelOptions.defaults().withPrecision(Precision.BF16)));
        assertTrue(e.getMessage().contains("bf16"), e.getMessage());
    }
}
