package dev.loupe.app.cli;

import dev.loupe.engine.Intervention;
import dev.loupe.engine.LoupeException;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.format.SafetensorsFile;
import dev.loupe.engine.format.TensorDType;
import dev.loupe.engine.format.TensorInfo;
import dev.loupe.engine.format.TensorSource;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One {@code --steer HOOK:FILE.safetensors:COEF}: add COEF times the vector stored in FILE at HOOK, at every
 * position (CAA-style activation steering). Parsing is split from loading so that a malformed option fails before
 * the model is opened.
 */
record SteeringSpec(String hook, Path file, double coefficient) {

    static final String FORM = "HOOK:FILE.safetensors:COEF";

    /** Hook names hold no ':', so the first ':' ends the hook and the last starts the coefficient; the file may hold ':'. */
    static SteeringSpec parse(String spec) {
        int first = spec.indexOf(':');
        int last = spec.lastIndexOf(':');
        if (first < 0 || last == first) {
            throw new UsageException("--steer \"" + spec + "\" is not " + FORM);
        }
        String hook = spec.substring(0, first).trim();
        String file = spec.substring(first + 1, last);
        String coef = spec.substring(last + 1).trim();
        if (hook.isEmpty() || file.isEmpty()) {
            throw new UsageException("--steer \"" + spec + "\" is not " + FORM);
        }
        double c;
        try {
            c = Double.parseDouble(coef);
        } catch (NumberFormatException e) {
            throw new UsageException("--steer \"" + spec + "\": coefficient \"" + coef + "\" is not a number");
        }
        if (!Double.isFinite(c)) {
            throw new UsageException("--steer \"" + spec + "\": coefficient \"" + coef + "\" is not a finite number");
        }
        return new SteeringSpec(hook, Path.of(file), c);
    }

    /** Reads the vector and checks it against the model: the hook exists, and the size fits it where that is known. */
    Intervention.AddVector load(ModelInfo info, List<String> modelHooks) {
        List<String> targets = HookGlobs.matching(hook, modelHooks);
        if (targets.isEmpty()) {
            throw new LoupeException("--steer: hook \"" + hook + "\" matches no hook of this model (it has "
                    + HookGlobs.sample(modelHooks) + ")");
        }
        if (!Files.isRegularFile(file)) {
            throw new LoupeException(file + ": " + (Files.isDirectory(file) ? "is a folder" : "file not found")
                    + " (--steer needs a safetensors file holding the vector)");
        }
        float[] vector;
        String tensor;
        try (TensorSource src = SafetensorsFile.open(file)) {
            tensor = pickTensor(src);
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
    private String pickTensor(TensorSource src) {
        Set<String> names = src.names();
        if (names.isEmpty()) {
            throw new LoupeException(file + ": holds no tensor (--steer needs one F32 vector)");
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
     * The trailing size of the hooks the vector goes to, when the CLI knows it and all targets agree; null leaves the
     * check to the engine (attention hooks, whose trailing axis depends on the hook and the input).
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
