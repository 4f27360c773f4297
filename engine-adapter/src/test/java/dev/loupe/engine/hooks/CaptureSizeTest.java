package dev.loupe.engine.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.engine.testing.TestCheckpoints.Spec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The size predicted from the dimensions is the size every family's forward pass really captures, hook by hook. */
class CaptureSizeTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama", "bert"})
    void everyHookHoldsWhatItsDimensionsSay(String family) {
        Spec spec = switch (family) {
            case "gpt2" -> Spec.gpt2();
            case "llama" -> Spec.llama(); // grouped-query: 4 heads, 2 key/value heads
            default -> Spec.bert();
        };
        Path dir = TestCheckpoints.write(tmp.resolve(family), spec);
        long[] tokens = {3, 5, 7, 9, 11, 2, 4};
        try (LoupeModel model = LoupeModel.open(dir);
                RunResult run = model.run(RunRequest.of(tokens).capture("*"))) {
            List<String> hooks = model.hookNames();
            long actualBytes = 0;
            for (String hook : hooks) {
                long actual = 1;
                for (long d : run.cache().shape(hook)) {
                    actual *= d;
                }
                actualBytes += actual * 4;
                assertEquals(actual, CaptureSize.elements(model.info(), hook, tokens.length), hook);
            }
            assertTrue(hooks.size() > 10, "all hooks captured: " + hooks);
            assertEquals(actualBytes, CaptureSize.f32Bytes(model.info(), hooks, tokens.length));
        }
    }
}
