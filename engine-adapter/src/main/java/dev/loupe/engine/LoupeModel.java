package dev.loupe.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.loupe.engine.family.ModelFamilies;
import dev.loupe.engine.family.ModelFamily;
import dev.loupe.engine.format.CheckpointFolder;
import dev.loupe.engine.format.HfConfig;
import dev.loupe.engine.format.TensorSource;
import dev.loupe.engine.generate.Sampler;
import dev.loupe.engine.hooks.HookContext;
import dev.loupe.engine.hooks.HookGlob;
import dev.loupe.engine.input.ImageInput;
import dev.loupe.engine.input.InputKind;
import dev.loupe.engine.input.ModelInput;
import dev.loupe.engine.input.TokenInput;
import dev.loupe.engine.model.KvCache;
import dev.loupe.engine.model.NetInput;
import dev.loupe.engine.model.TransformerNet;
import dev.loupe.engine.model.Unembedding;
import dev.loupe.engine.runtime.PyTorchRuntime;
import dev.loupe.engine.tokenizer.ModelTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/**
 * A transformer checkpoint opened for interpretability work: run it with captures and interventions, generate
 * from it, tokenize for it. One model = one NDManager on one device holding the weights; every run gets its own
 * scope, freed when the run's result is closed.
 *
 * <p>Not thread-safe: like DJL's predictors, a model is driven by one thread at a time (the app's engine lane).
 */
public final class LoupeModel implements AutoCloseable {
    static {
        // Loupe never downloads: DJL must take its native library from the pytorch-native jar on the class path.
        System.setProperty("ai.djl.offline", "true");
    }

    private final Path dir;
    private final NDManager manager;
    private final TensorSource weightsSource;
    private final TransformerNet net;
    private final ModelTokenizer tokenizer;
    private final ModelInfo info;
    private final long bosTokenId;
    private final List<String> hookNames;
    private final java.util.Map<Long, String> tokenLabelCache = new java.util.HashMap<>();

    private LoupeModel(Path dir, NDManager manager, TensorSource source, TransformerNet net, List<String> hookNames,
            ModelTokenizer tokenizer, ModelInfo info, long bosTokenId) {
        this.bosTokenId = bosTokenId;
        this.dir = dir;
        this.manager = manager;
        this.weightsSource = source;
        this.net = net;
        this.tokenizer = tokenizer;
        this.info = info;
        this.hookNames = List.copyOf(hookNames);
    }

    public static LoupeModel open(Path dir) {
        return open(dir, ModelOptions.defaults());
    }

    public static LoupeModel open(Path dir, ModelOptions options) {
        CheckpointFolder folder = CheckpointFolder.inspect(dir);
        HfConfig config = folder.readConfig();
        ModelFamily family = ModelFamilies.forConfig(config);
        family.validate(config);
        String modelType = config.optString("model_type", family.name()).toLowerCase(Locale.ROOT);
        Engine engine = pytorch();
        Device device = chooseDevice(engine, options.device());
        DataType compute = computeType(options.precision());
        TensorSource source = folder.openWeights();
        NDManager manager = engine.newBaseManager(device);
        ModelTokenizer tokenizer = null;
        try {
            ModelFamily.Built built = family.build(config, modelType, source, manager, compute);
            if (folder.tokenizerFile() != null) {
                tokenizer = ModelTokenizer.load(folder.tokenizerFile());
            }
            var s = built.net().spec();
            ModelInfo info = new ModelInfo(s.family(), s.modelType(), s.layers(), s.heads(), s.kvHeads(), s.dModel(),
                    s.dHead(), s.dMlp(), built.weights().parameterCount(), built.weights().storageDtype(),
                    dtypeName(compute), deviceName(device), s.causal(), s.blockSchedule(), folder.dir(),
                    built.modality());
            // Kept as written: random small checkpoints keep GPT-2's 50256 on a tiny vocabulary, and transformers
            // loads them; whoever puts the BOS into an input checks it against the vocabulary.
            long bos = config.has("bos_token_id") ? config.requireInt("bos_token_id") : -1;
            return new LoupeModel(folder.dir(), manager, source, built.net(), family.hookNames(built), tokenizer, info,
                    bos);
        } catch (RuntimeException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            manager.close();
            source.close();
            throw e;
        }
    }

    private static Engine pytorch() {
        try {
            return PyTorchRuntime.engine();
        } catch (LoupeException e) {
            throw e;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new LoupeException("the PyTorch engine could not start (" + e.getMessage()
                    + "); its native library should come from the pytorch-native jar on the class path");
        }
    }

    private static Device chooseDevice(Engine engine, String requested) {
        int gpus = engine.getGpuCount();
        if (requested.equals("cpu")) {
            return Device.cpu();
        }
        if (requested.equals("auto")) {
            return gpus > 0 ? Device.gpu() : Device.cpu();
        }
        if (gpus == 0) {
            throw new LoupeException("device \"" + requested + "\" was asked for but PyTorch sees no GPU on this machine");
        }
        return requested.equals("gpu") ? Device.gpu() : Device.fromName(requested);
    }

    private static DataType computeType(Precision p) {
        return switch (p) {
            case F32 -> DataType.FLOAT32;
            case F16 -> DataType.FLOAT16;
            case BF16 -> throw new LoupeException(
                    "bf16 compute is not available: DJL 0.32's PyTorch bridge cannot create BF16 arrays (BF16 checkpoints load fine; compute in f32 or f16)");
        };
    }

    /** "cpu" or "gpu(0)": DJL's own toString says "cpu()". */
    private static String deviceName(Device d) {
        return d.isGpu() ? "gpu(" + d.getDeviceId() + ")" : "cpu";
    }

    private static String dtypeName(DataType t) {
        return t == DataType.FLOAT16 ? "F16" : "F32";
    }

    public ModelInfo info() {
        return info;
    }

    public Path dir() {
        return dir;
    }

    public boolean hasTokenizer() {
        return tokenizer != null;
    }

    /** Token ids for text, as the checkpoint's tokenizer.json encodes it (special tokens as the tokenizer adds them). */
    public long[] encode(String text) {
        return requireTokenizer().encode(text);
    }

    /** {@code text}'s tokens without the special tokens added around a whole input: see ModelTokenizer#encodePiece. */
    public long[] encodePiece(String text) {
        return requireTokenizer().encodePiece(text);
    }

    /**
     * The words of {@code text} that this model's vocabulary lacks, which it reads as its unknown token: callers
     * warn about them, since an analysis of "<unk> <unk> is in the city of" is not what the user meant.
     */
    public List<String> unknownWords(String text) {
        return tokenizer == null ? List.of() : tokenizer.unknownWords(text);
    }

    /**
     * The config's bos_token_id, or -1 without one: the token a model trained with one expects first, so that
     * inputs Loupe makes up itself (induction sequences, random probes) start as the model's training rows did.
     */
    public long bosTokenId() {
        return bosTokenId;
    }

    /**
     * The tokenizer's special tokens (BOS/EOS, padding, the unknown token; tokenizer.json's added tokens marked
     * special), sorted; empty without a tokenizer. Random probes draw from the ordinary vocabulary around them.
     */
    public long[] specialTokenIds() {
        return tokenizer == null ? new long[0] : tokenizer.specialTokenIds();
    }

    /** The id of the tokenizer's unknown-word token, or -1 when there is none. */
    public long unknownTokenId() {
        return tokenizer == null ? -1 : tokenizer.unknownTokenId();
    }

    /** The tokenizer's token strings for text, aligned with {@link #encode}. */
    public String[] tokenStrings(String text) {
        return requireTokenizer().tokens(text);
    }

    public String decode(long[] ids) {
        return requireTokenizer().decode(ids);
    }

    /**
     * A display label per token id: each id decoded on its own (" Paris", not the byte-level "ĠParis"); without a
     * tokenizer, the id as text. Memoised, since views label thousands of cells with a few hundred distinct ids.
     */
    public List<String> tokenLabels(long[] ids) {
        List<String> out = new ArrayList<>(ids.length);
        for (long id : ids) {
            out.add(tokenLabelCache.computeIfAbsent(id,
                    k -> tokenizer == null ? "#" + k : tokenizer.decode(new long[] {k})));
        }
        return out;
    }

    /**
     * A prompt as this model reads it: encoded by the checkpoint's tokenizer, each token labelled as
     * {@link #tokenLabels} does. Hosts prepare an input once and hand the same one to the session and the run.
     */
    public TokenInput prepareText(String text) {
        if (text == null || text.isEmpty()) {
            throw new LoupeException("the prompt is empty");
        }
        long[] ids = encode(text);
        if (ids.length == 0) {
            throw new LoupeException("the prompt \"" + text + "\" encodes to no tokens");
        }
        return TokenInput.of(text, ids, tokenLabels(ids));
    }

    /** Token ids given directly, labelled as {@link #tokenLabels} does (checked against the vocabulary when run). */
    public TokenInput prepareTokens(long... ids) {
        return TokenInput.of(null, ids, tokenLabels(ids));
    }

    /** The input kinds this model runs on ({@link #run} refuses the others). */
    public Set<InputKind> inputKinds() {
        return net.inputKinds();
    }

    private ModelTokenizer requireTokenizer() {
        if (tokenizer == null) {
            throw new LoupeException(dir.resolve("tokenizer.json") + ": file not found (text input needs the checkpoint's tokenizer; give token ids instead)");
        }
        return tokenizer;
    }

    /** Every hook name this model exposes, in forward order. */
    public List<String> hookNames() {
        return hookNames;
    }

    public NDManager manager() {
        return manager;
    }

    /**
     * Layer {@code layer}'s attention output projection: {W_O [heads*d_head, d_model], b_O [d_model] or null}, owned
     * by the model (do not close). hook_z [b, p, h, d_head] reshaped to [b, p, h*d_head] times W_O plus b_O is
     * hook_attn_out; per head, z_h times its d_head rows of W_O is that head's write.
     */
    public NDArray[] attentionOutput(int layer) {
        if (layer < 0 || layer >= info.layers()) {
            throw new LoupeException("layer " + layer + " is out of range (the model has " + info.layers() + ")");
        }
        return net.attentionOutput(layer);
    }

    /**
     * The final norm and W_U, to read the residual stream at any layer as next-token logits (the logit lens).
     *
     * @throws LoupeException for encoders without a language-modelling head
     */
    public Unembedding unembedding() {
        Unembedding u = net.unembedding();
        if (u == null) {
            throw new LoupeException(dir.getFileName() + " is a " + info.modelType()
                    + " encoder without a language-modelling head; it has no unembedding");
        }
        return u;
    }

    /** One forward pass with the request's captures and interventions. Close the result to free its memory. */
    public RunResult run(RunRequest request) {
        ModelInput input = request.input();
        checkInput(input);
        List<HookGlob> captures = resolveGlobs(request.captures(), "capture");
        resolveGlobs(request.interventions().stream().map(Intervention::hook).toList(), "intervention");
        ActivationCache cache = new ActivationCache(manager);
        try (NDManager pass = manager.newSubManager()) {
            HookContext hooks = new HookContext(captures, request.interventions(), cache);
            TransformerNet.Output out = net.forward(onDevice(input, pass), null, hooks);
            NDArray logits = out.logits();
            if (logits != null) {
                logits.attach(cache.manager());
            }
            NDArray hidden = out.lastHidden();
            hidden.attach(cache.manager());
            return new RunResult(input, logits, hidden, cache);
        } catch (RuntimeException e) {
            cache.close();
            throw translate(e);
        }
    }

    /**
     * Generates a continuation, greedily (temperature 0) or by seeded sampling, with the request's interventions
     * applied at every step. Stops at an EOS token (which is left out of the generated tokens and text), the token
     * limit, the context length, or when the calling thread is interrupted (a cancel).
     */
    public Generation generate(GenerateRequest request, LongConsumer onToken) {
        if (!info.causal() || !info.hasLmHead()) {
            throw new LoupeException(dir + " is a " + info.modelType() + " encoder; generation needs a causal language model");
        }
        long[] prompt = request.prompt();
        checkTokens(prompt.length, new long[][] {prompt});
        resolveGlobs(request.interventions().stream().map(Intervention::hook).toList(), "intervention");
        Sampler sampler = new Sampler(request.temperature(), request.topK(), request.topP(), request.seed());
        List<Long> all = new ArrayList<>();
        for (long t : prompt) {
            all.add(t);
        }
        List<Long> generated = new ArrayList<>();
        Generation.StopReason reason = Generation.StopReason.MAX_TOKENS;
        HookContext hooks = new HookContext(List.of(), request.interventions(), null);
        try (KvCache cache = request.useKvCache() ? new KvCache(manager, info.layers()) : null) {
            long[] next = prompt;
            while (generated.size() < request.maxNewTokens()) {
                if (Thread.currentThread().isInterrupted()) {
                    reason = Generation.StopReason.CANCELLED;
                    break;
                }
                if (all.size() >= info.contextLength() && next.length > 0) {
                    reason = Generation.StopReason.CONTEXT_FULL;
                    break;
                }
                long token;
                try (NDManager step = manager.newSubManager()) {
                    long[] input = cache != null ? next : toArray(all);
                    hooks.setPositionOffset(cache != null ? cache.length() : 0);
                    NDArray ids = step.create(input, new Shape(1, input.length));
                    NDArray logits = net.forward(new NetInput.TokenIds(ids), cache, hooks).logits();
                    float[] last = logits.get(new NDIndex("0, -1, :")).toType(DataType.FLOAT32, false).toFloatArray();
                    token = sampler.next(last);
                } catch (RuntimeException e) {
                    throw translate(e);
                }
                // The end-of-sequence token ends the text; it is not part of it (nor printed as "<|endoftext|>").
                if (request.stopAtEos() && isEos(token)) {
                    reason = Generation.StopReason.EOS;
                    break;
                }
                generated.add(token);
                all.add(token);
                if (onToken != null) {
                    onToken.accept(token);
                }
                next = new long[] {token};
            }
        }
        long[] gen = toArray(generated);
        String text = tokenizer != null ? tokenizer.decode(gen) : "";
        return new Generation(prompt, gen, text, reason);
    }

    private boolean isEos(long token) {
        for (long e : net.spec().eosTokenIds()) {
            if (e == token) {
                return true;
            }
        }
        return false;
    }

    /** The input's kind is one this model takes, and a token input fits its context and vocabulary. */
    private void checkInput(ModelInput input) {
        if (!inputKinds().contains(input.kind())) {
            throw new LoupeException(dir.getFileName() + " is a " + info.modelType() + " model: it takes "
                    + inputKinds().stream().map(InputKind::id).sorted().collect(Collectors.joining(" or "))
                    + " input, not " + input.kind().id() + " input (" + input.describe() + ")");
        }
        if (input instanceof TokenInput t) {
            checkTokens(t.positions(), t.ids());
        }
    }

    /** The input as the net embeds it, on the pass's manager (pixels stay f32: a vision net casts them itself). */
    private static NetInput onDevice(ModelInput input, NDManager pass) {
        if (input instanceof TokenInput t) {
            return new NetInput.TokenIds(pass.create(t.flatIds(), new Shape(t.batchSize(), t.positions())));
        }
        ImageInput image = (ImageInput) input;
        int[] s = image.pixelShape();
        return new NetInput.Pixels(pass.create(image.pixels(), new Shape(1, s[0], s[1], s[2])));
    }

    private void checkTokens(int length, long[][] rows) {
        if (length > info.contextLength()) {
            throw new LoupeException("the input has " + length + " tokens but " + dir.getFileName()
                    + "'s context length is " + info.contextLength());
        }
        for (long[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                if (row[i] < 0 || row[i] >= info.dVocab()) {
                    throw new LoupeException("token id " + row[i] + " at position " + i
                            + " is out of range: the vocabulary has " + info.dVocab() + " tokens (0.." + (info.dVocab() - 1) + ")");
                }
            }
        }
    }

    private List<HookGlob> resolveGlobs(List<String> globs, String what) {
        List<HookGlob> out = new ArrayList<>();
        for (String g : globs) {
            HookGlob glob = HookGlob.of(g);
            if (hookNames.stream().noneMatch(glob::matches)) {
                throw new LoupeException(what + " hook \"" + g + "\" matches no hook of this model (e.g. "
                        + hookNames.get(Math.min(1, hookNames.size() - 1)) + "; `loupe hooks` lists them)");
            }
            out.add(glob);
        }
        return out;
    }

    /** DJL reports shape errors and the like as EngineException; give the user a sentence, not a C++ trace. */
    private static RuntimeException translate(RuntimeException e) {
        if (e instanceof LoupeException) {
            return e;
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        return new LoupeException("the forward pass failed: " + msg, e);
    }

    private static long[] toArray(List<Long> list) {
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    @Override
    public void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
        manager.close();
        weightsSource.close(); // after the manager: F32 weights point into the mapped files
    }
}
