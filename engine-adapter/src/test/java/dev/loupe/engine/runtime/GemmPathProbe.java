package dev.loupe.engine.runtime;

import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** A JVM of its own for {@link MklVendorGateTest}: opens MODEL, runs 64 tokens, writes the GEMM path and logits. */
public final class GemmPathProbe {
    private GemmPathProbe() {
    }

    public static void main(String[] args) throws Exception {
        long[] tokens = new long[64];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (i * 37L + 5) % 1000;
        }
        try (LoupeModel model = LoupeModel.open(Path.of(args[0]));
                RunResult run = model.run(RunRequest.of(tokens));
                DataOutputStream out = new DataOutputStream(Files.newOutputStream(Path.of(args[1])))) {
            float[] logits = run.logits().toFloatArray();
            out.writeUTF(PyTorchRuntime.gemmPath());
            out.writeInt(logits.length);
            for (float f : logits) {
                out.writeFloat(f);
            }
        }
        System.exit(0); // native engine threads must not keep the JVM alive
    }
}
