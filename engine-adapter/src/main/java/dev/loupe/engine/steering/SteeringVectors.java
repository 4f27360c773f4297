package dev.loupe.engine.steering;

import dev.loupe.engine.Intervention;
import dev.loupe.engine.LoupeException;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.format.SafetensorsFile;
import dev.loupe.engine.format.TensorDType;
import dev.loupe.engine.format.TensorInfo;
import dev.loupe.engine.format.TensorSource;
import dev.loupe.engine.hooks.HookGlob;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Steering vectors (CAA-style activation addition) read from safetensors files and checked against the model they
 * will steer: the hook exists, the tensor is one F32 vector, and its size fits the hook where that is known. The
 * CLI's {@code --steer} and the steering view both load through here, so a file means the same to both.
 */
public final class SteeringVectors {
    private SteeringVectors() {
    }

    /**
     * Reads the vector for {@code hook} (a name or glob) from {@code file} as an intervention that adds
     * {@code coefficient} times it at every position.
     *
     * @param modelHooks the model's hook names, to match {@code hook} against
     * @param asker who wants the vector, as messages name it (the CLI passes "--steer")
     * @throws LoupeException naming the file, the tensor or the hook and what was expected
     */
    public static Intervention.AddVector load(String hook, Path file, double coefficient, ModelInfo info,
            List<String> modelHooks, String asker) {
        List<String> targets = HookGlob.of(hook).select(modelHooks);
        if (targets.isEmpty()) {
            throw new LoupeException(asker + ": hook \"" + hook + "\" matches no hook of this model (it has "
                    + HookGlob.sample(modelHooks) + ")");
        }
        if (!Files.isRegularFile(file)) {
            throw new LoupeException(file + ": " + (Files.isDirectory(file) ? "is a folder" : "file not found")
                    + " (" + asker + " needs a safetensors file holding the vector)");
        }
        float[] vector;
        String tensor;
        try (TensorSource src = SafetensorsFile.open(file)) {
            tensor = pickTensor(src, file, hook, asker);
            TensorInfo t = src.info(tensor);
            if (t.dtype() != TensorDType.F32) {
                throw new LoupeException(file + ": tensor \"" + tensor + "\" is " + t.dtype().safetensorsName()
                        + "; a steering vector must be F32");
            }
            for (int i = 0; i + 1 < t.shape().length; i++) {
                if (t.shape()[i] != 1) {
                    throw new LoupeException(file + ": tensor \"" + tensor + "\" has shape " + t.shapeString()
                            + "; a steering vector must be 1-D (or [1, d])");
                }
            }
            long n = t.elementCount();
            if (n == 0 || n > Integer.MAX_VALUE) {
                throw new LoupeException(file + ": tensor \"" + tensor + "\" has shape " + t.shapeString()
                        + "; a steering vector must be 1-D (or [1, d])");
            }
            vector = new float[(int) n];
            src.data(tensor).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        }
        Integer expected = expectedSize(targets, info);
        if (expected != null && vector.length != expected) {
            throw new LoupeException(file + ": tensor \"" + tensor + "\" has " + vector.length + " values but " + hook
                    + " needs " + sizeName(targets.get(0)) + " = " + expected);
        }
        return new Intervention.AddVector(hook, vector, coefficient, null);
    }

    /** The single tensor in the file, or the one named like the hook when the file holds several. */
    private static String pickTensor(TensorSource src, Path file, String hook, String asker) {
        Set<String> names = src.names();
        if (names.isEmpty()) {
            throw new LoupeException(file + ": holds no tensor (" + asker + " needs one F32 vector)");
        }
        if (names.size() == 1) {
            return names.iterator().next();
        }
        if (names.contains(hook)) {
            return hook;
        }
        List<String> shown = new ArrayList<>(names);
        String list = shown.size() <= 5 ? String.join(", ", shown) : String.join(", ", shown.subList(0, 5)) + ", ...";
        throw new LoupeException(file + ": holds " + names.size() + " tensors (" + list + ") and none is named \"" + hook
                + "\"; keep one vector per file or name it after the hook");
    }

    /**
     * The trailing size of the hooks the vector goes to, when it is known from the model card and all targets
     * agree; null leaves the check to the engine's forward pass (attention hooks, whose trailing axis depends on
     * the hook and the input).
     */
    static Integer expectedSize(List<String> targets, ModelInfo info) {
        Set<Integer> sizes = new HashSet<>();
        for (String h : targets) {
            sizes.add(sizeOf(h, info));
        }
        return sizes.size() == 1 ? sizes.iterator().next() : null;
    }

    private static Integer sizeOf(String hook, ModelInfo info) {
        return switch (sizeName(hook)) {
            case "d_model" -> info.dModel();
            case "d_mlp" -> info.dMlp();
            case "d_vocab" -> info.dVocab();
            default -> null;
        };
    }

    private static String sizeName(String hook) {
        if (hook.equals("logits")) {
            return "d_vocab";
        }
        if (hook.endsWith("mlp.hook_pre") || hook.endsWith("mlp.hook_pre_linear") || hook.endsWith("mlp.hook_post")) {
            return "d_mlp";
        }
        if (hook.contains("hook_resid_") || hook.endsWith("hook_attn_out") || hook.endsWith("hook_mlp_out")
                || hook.endsWith("hook_normalized") || hook.endsWith("embed")) {
            return "d_model";
        }
        return "?";
    }
}
