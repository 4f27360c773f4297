package dev.loupe.plugins.logitlens;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.loupe.engine.LoupeException;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.engine.format.ModelFormatException;
import dev.loupe.engine.format.SafetensorsFile;
import dev.loupe.engine.format.SafetensorsWriter;
import dev.loupe.engine.format.TensorDType;
import dev.loupe.engine.format.TensorData;
import dev.loupe.engine.format.TensorInfo;
import dev.loupe.engine.model.Unembedding;
import dev.loupe.plugin.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tuned lens (Belrose et al., 2023): for each layer l an affine translator h -> h + h A_l + b_l, trained so
 * that the final norm and unembedding of the translated residual match the model's own final distribution
 * (minimising KL(final || lens) over the positions of a training text). The translators start at the identity,
 * so an untrained tuned lens is the logit lens. Training is DJL autograd on the model's device; the model's
 * weights are not trained.
 */
final class TunedLens implements AutoCloseable {
    /** The stored format's name and version, kept in the safetensors metadata (see {@link #toBytes}). */
    static final String FORMAT = "loupe.tuned-lens";
    static final String FORMAT_VERSION = "1";

    private final NDManager manager;
    private final NDArray a; // [layers, d, d]
    private final NDArray b; // [layers, 1, d]
    private final int layers;

    private TunedLens(NDManager manager, NDArray a, NDArray b) {
        this.manager = manager;
        this.a = a;
        this.b = b;
        this.layers = (int) a.getShape().get(0);
    }

    static TunedLens identity(LoupeModel model) {
        NDManager m = model.manager().newSubManager();
        int d = model.info().dModel();
        int layers = model.info().layers();
        return new TunedLens(m, m.zeros(new Shape(layers, d, d)), m.zeros(new Shape(layers, 1, d)));
    }

    /** Training summary: the KL before and after, averaged over layers and positions (nats). */
    record Training(double initialKl, double finalKl, int steps, int tokens) {
    }

    /**
     * Trains on {@code chunks} (token rows of equal length) for {@code steps} Adam steps; cancellable between
     * steps.
     */
    Training train(LoupeModel model, List<long[]> chunks, int steps, double lr, Progress progress) {
        Unembedding readout = model.unembedding();
        NDArray residuals;
        NDArray target;
        int tokens = chunks.size() * chunks.get(0).length;
        // Inputs and targets are fixed: one forward pass, kept for all steps.
        try (RunResult run = model.run(RunRequest.ofBatch(chunks.toArray(new long[0][])).capture("blocks.*.hook_resid_pre"))) {
            NDList stack = new NDList();
            for (int l = 0; l < layers; l++) {
                stack.add(run.cache().get("blocks." + l + ".hook_resid_pre").toType(DataType.FLOAT32, false));
            }
            residuals = NDArrays.stack(stack, 0).reshape(layers, -1, model.info().dModel()); // [L, N, d]
            residuals.attach(manager);
            target = run.logits().toType(DataType.FLOAT32, false).reshape(-1, model.info().dVocab()).logSoftmax(-1);
            target.attach(manager);
        }
        NDArray targetP = target.exp();
        NDArray[] momentsA = {a.zerosLike(), a.zerosLike()};
        NDArray[] momentsB = {b.zerosLike(), b.zerosLike()};
        a.setRequiresGradient(true);
        b.setRequiresGradient(true);
        double first = Double.NaN;
        double last = Double.NaN;
        progress.begin("Training the tuned lens", steps);
        NDIndex all = new NDIndex(":");
        for (int step = 1; step <= steps; step++) {
            progress.checkCancelled();
            // Everything a step creates lands in its own scope: views of the fixed inputs are fetched into it, and
            // results are created on the manager of their first operand.
            try (NDManager scope = manager.newSubManager()) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray res = residuals.get(scope, all);
                    NDArray translated = res.add(res.matMul(a)).add(b);
                    NDArray logp = readout.apply(translated).logSoftmax(-1); // [L, N, V]
                    NDArray kl = targetP.get(scope, all).mul(target.get(scope, all).sub(logp)).sum(new int[] {-1})
                            .mean();
                    gc.backward(kl);
                    last = kl.getFloat();
                }
                if (step == 1) {
                    first = last;
                }
                // Take the gradients, then update with tracking off: PyTorch forbids in-place writes to a leaf
                // that requires grad. Switching tracking back on starts the next step with fresh gradients.
                NDArray gradA = takeGradient(a, scope);
                NDArray gradB = takeGradient(b, scope);
                a.setRequiresGradient(false);
                b.setRequiresGradient(false);
                adam(a, gradA, momentsA, lr, step, scope);
                adam(b, gradB, momentsB, lr, step, scope);
                a.setRequiresGradient(true);
                b.setRequiresGradient(true);
            }
            progress.worked(1);
            progress.message(String.format(java.util.Locale.ROOT, "step %d/%d, KL %.4f nats", step, steps, last));
        }
        a.setRequiresGradient(false);
        b.setRequiresGradient(false);
        for (NDArray x : new NDArray[] {residuals, target, targetP, momentsA[0], momentsA[1], momentsB[0], momentsB[1]}) {
            x.close();
        }
        return new Training(first, last, steps, tokens);
    }

    /** The translators' F32 bytes (A and b), what {@link #toBytes} holds besides its small header. */
    long tensorBytes() {
        return 4L * (a.size() + b.size());
    }

    /** The translated residual of layer {@code layer}: [pos, d] -> [pos, d]. Layers past the last are identity. */
    NDArray translate(int layer, NDArray resid) {
        if (layer >= layers) {
            return resid;
        }
        NDManager m = resid.getManager();
        NDArray al = a.get(m, new NDIndex("{}", layer));
        NDArray bl = b.get(m, new NDIndex("{}", layer));
        return resid.add(resid.matMul(al)).add(bl);
    }

    /**
     * The translators as the bytes of a safetensors file: F32 {@code A} [layers, d, d] and {@code b} [layers, 1, d],
     * with the format, its version and the training summary as metadata, so that a lens read back reports how it was
     * trained.
     */
    byte[] toBytes(Training training) {
        Map<String, TensorData> t = new LinkedHashMap<>();
        t.put("A", TensorData.ofFloats(a.getShape().getShape(), a.toFloatArray()));
        t.put("b", TensorData.ofFloats(b.getShape().getShape(), b.toFloatArray()));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("version", FORMAT_VERSION);
        meta.put("initial_kl", Double.toString(training.initialKl()));
        meta.put("final_kl", Double.toString(training.finalKl()));
        meta.put("steps", Integer.toString(training.steps()));
        meta.put("tokens", Integer.toString(training.tokens()));
        // The engine's writer and reader work on files; a scratch file keeps one validated format for both.
        Path dir = scratchDir();
        try {
            Path file = dir.resolve("translators.safetensors");
            SafetensorsWriter.write(file, t, meta);
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise the tuned lens: " + e.getMessage(), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /** A lens read back by {@link #fromBytes}, with the summary of the training that made it. */
    record Stored(TunedLens lens, Training training) {
    }

    /**
     * Reads {@link #toBytes} output, checked against this model: anything else (not safetensors, another format, a
     * lens for another width or depth) is a {@link LoupeException} that starts with {@code what} and says what is
     * wrong, never a crash in the read-out.
     */
    static Stored fromBytes(LoupeModel model, byte[] bytes, String what) {
        int layers = model.info().layers();
        int d = model.info().dModel();
        Path dir = scratchDir();
        float[] av;
        float[] bv;
        Training training;
        try {
            Path file = dir.resolve("translators.safetensors");
            Files.write(file, bytes);
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                Map<String, String> meta = f.metadata();
                if (!FORMAT.equals(meta.get("format"))) {
                    throw new LoupeException(what + " is not a tuned lens (format " + quoteOrNone(meta.get("format"))
                            + ", expected \"" + FORMAT + "\")");
                }
                if (!FORMAT_VERSION.equals(meta.get("version"))) {
                    throw new LoupeException(what + " has tuned-lens format version " + quoteOrNone(meta.get("version"))
                            + "; this Loupe reads version " + FORMAT_VERSION);
                }
                if (!f.names().equals(Set.of("A", "b"))) {
                    throw new LoupeException(what + " holds tensors " + new TreeSet<>(f.names()) + ", expected [A, b]");
                }
                av = floats(f, "A", new long[] {layers, d, d}, what, layers, d);
                bv = floats(f, "b", new long[] {layers, 1, d}, what, layers, d);
                training = new Training(number(meta, "initial_kl", what), number(meta, "final_kl", what),
                        (int) number(meta, "steps", what), (int) number(meta, "tokens", what));
            }
        } catch (ModelFormatException e) {
            // The reader names its scratch file; the user knows the artifact.
            String msg = e.getMessage();
            int at = msg.indexOf(": ");
            throw new LoupeException(what + " is not a valid translator file (" + (at >= 0 ? msg.substring(at + 2) : msg)
                    + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tuned lens: " + e.getMessage(), e);
        } finally {
            deleteQuietly(dir);
        }
        NDManager m = model.manager().newSubManager();
        NDArray a = m.create(av, new Shape(layers, d, d));
        NDArray b = m.create(bv, new Shape(layers, 1, d));
        return new Stored(new TunedLens(m, a, b), training);
    }

    private static float[] floats(SafetensorsFile f, String name, long[] expected, String what, int layers, int d) {
        TensorInfo info = f.info(name);
        if (info.dtype() != TensorDType.F32) {
            throw new LoupeException(what + ": tensor " + name + " is " + info.dtype() + ", expected F32");
        }
        if (!Arrays.equals(info.shape(), expected)) {
            throw new LoupeException(what + " does not fit this model: " + name + " has shape " + info.shapeString()
                    + ", expected " + Arrays.toString(expected) + " (" + layers + " layers of width " + d + ")");
        }
        float[] out = new float[(int) info.elementCount()];
        f.data(name).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    private static double number(Map<String, String> meta, String key, String what) {
        String v = meta.get(key);
        try {
            return Double.parseDouble(v);
        } catch (NullPointerException | NumberFormatException e) {
            throw new LoupeException(what + ": metadata " + key + " is " + quoteOrNone(v) + ", not a number");
        }
    }

    private static String quoteOrNone(String s) {
        return s == null ? "missing" : "\"" + s + "\"";
    }

    private static Path scratchDir() {
        try {
            return Files.createTempDirectory("loupe-tuned-lens");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch folder for the tuned lens: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // A scratch file the OS still maps (Windows) stays in the temp folder; nothing depends on it.
        }
    }

    @Override
    public void close() {
        manager.close();
    }

    /**
     * One Adam step (Kingma & Ba, default betas) on {@code param} with moments {m, v}, updated in place. The
     * temporaries are created in {@code scope} (operations on views fetched into it).
     */
    private static NDArray takeGradient(NDArray param, NDManager scope) {
        NDArray grad = param.getGradient();
        NDArray g = grad.duplicate();
        g.attach(scope);
        grad.muli(0f); // PyTorch accumulates into .grad: clear it for the next step
        grad.close();
        return g;
    }

    private static void adam(NDArray param, NDArray g, NDArray[] moments, double lr, int t, NDManager scope) {
        NDIndex all = new NDIndex(":");
        NDArray m = moments[0].get(scope, all).mul(0.9f).add(g.mul(0.1f));
        NDArray v = moments[1].get(scope, all).mul(0.999f).add(g.square().mul(0.001f));
        moments[0].set(all, m);
        moments[1].set(all, v);
        double c1 = 1 - Math.pow(0.9, t);
        double c2 = 1 - Math.pow(0.999, t);
        NDArray update = m.div((float) c1).div(v.div((float) c2).sqrt().add(1e-8f)).mul((float) lr);
        param.set(all, param.get(scope, all).sub(update));
    }

    static List<long[]> chunks(long[] ids, int length) {
        List<long[]> out = new ArrayList<>();
        for (int start = 0; start + length <= ids.length; start += length) {
            long[] c = new long[length];
            System.arraycopy(ids, start, c, 0, length);
            out.add(c);
        }
        return out;
    }
}
