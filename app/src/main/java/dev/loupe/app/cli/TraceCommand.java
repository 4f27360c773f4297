package dev.loupe.app.cli;

import dev.loupe.engine.ActivationCache;
import dev.loupe.engine.LoupeException;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.engine.format.PendingTensor;
import dev.loupe.engine.format.SafetensorsWriter;
import dev.loupe.engine.format.TensorDType;
import dev.loupe.engine.format.TensorData;
import dev.loupe.engine.hooks.CaptureSize;
import dev.loupe.engine.hooks.HookGlob;
import dev.loupe.engine.runtime.MemoryBudget;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@code loupe trace}: one forward pass, every captured activation written to a safetensors file as F32 under its
 * hook name (batch 1), plus the input as {@code tokens} (I64). The file loads directly with
 * {@code safetensors.torch.load_file} or numpy, so traces can be compared against TransformerLens.
 */
final class TraceCommand implements Command {
    static final Option PROMPT = Option.value("prompt", "TEXT", "the input text (needs tokenizer.json)");
    static final Option TOKENS = Option.value("tokens", "IDS", "the input as token ids, e.g. 1,2,3 (no tokenizer needed)");
    static final Option HOOKS = Option.value("hooks", "GLOBS", "comma-separated hook-name globs to capture (default *, all)");
    static final Option OUT = Option.value("out", "FILE", "the safetensors file to write");

    /** The tensor that records the input next to the activations. */
    static final String TOKENS_TENSOR = "tokens";

    @Override
    public String name() {
        return "trace";
    }

    @Override
    public String summary() {
        return "run one forward pass and write the activations at chosen hooks to a safetensors file";
    }

    @Override
    public String synopsis() {
        return "trace --model DIR (--prompt TEXT | --tokens 1,2,3) [--hooks 'glob,glob'] --out FILE.safetensors";
    }

    @Override
    public List<Option> options() {
        List<Option> all = new ArrayList<>(ModelArgs.OPTIONS);
        all.addAll(List.of(PROMPT, TOKENS, HOOKS, OUT));
        return all;
    }

    @Override
    public void run(ParsedArgs args, PrintStream out, PrintStream err) {
        // Everything that can be checked without the model is checked first: loading and running can take a while.
        ModelArgs.modelDir(args);
        String prompt = args.get(PROMPT.name());
        String tokenList = args.get(TOKENS.name());
        if (prompt != null && tokenList != null) {
            throw new UsageException("trace: give either --prompt or --tokens, not both");
        }
        if (prompt == null && tokenList == null) {
            throw new UsageException("trace: needs --prompt TEXT or --tokens IDS");
        }
        ModelArgs.checkPrompt(prompt);
        long[] givenTokens = tokenList == null ? null : parseTokens(tokenList);
        List<String> globs = HookGlobs.split(args.get(HOOKS.name(), "*"));
        if (globs.isEmpty()) {
            throw new UsageException("trace: --hooks names no pattern");
        }
        Path outFile = Path.of(args.require(OUT.name())).toAbsolutePath();
        checkWritable(outFile);

        try (LoupeModel model = ModelArgs.open(args)) {
            Path dir = ModelArgs.modelDir(args);
            long[] tokens = givenTokens != null ? givenTokens
                    : ModelArgs.encodePrompt(model, dir, prompt, "pass token ids with --tokens instead");
            ModelArgs.warnUnknownWords(model, prompt, err);
            checkCaptureFits(model, globs, tokens.length, err);

            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("model", dir.toAbsolutePath().toString());
            if (prompt != null) {
                metadata.put("prompt", prompt);
            }
            metadata.put("hooks", String.join(",", globs));
            // The engine checks ids against the vocabulary and the context, and that every glob matches a hook.
            int written;
            try (RunResult result = model.run(RunRequest.of(tokens).capture(globs))) {
                ActivationCache cache = result.cache();
                // Each activation is copied out of the engine only when the writer reaches it: the file is never
                // held in memory a second time beside the capture.
                Map<String, PendingTensor> tensors = new LinkedHashMap<>();
                for (String hook : cache.names()) {
                    tensors.put(hook, new PendingTensor(TensorDType.F32, cache.shape(hook), () -> cache.f32Bytes(hook)));
                }
                TensorData ids = TensorData.ofLongs(new long[] {tokens.length}, tokens);
                tensors.put(TOKENS_TENSOR, new PendingTensor(ids.dtype(), ids.shape(), ids::data));
                // The writer is atomic (temp file + rename) and reports failures naming the file.
                SafetensorsWriter.writeStreaming(outFile, tensors, metadata);
                written = tensors.size();
            }
            out.println("wrote " + written + " tensors (" + (written - 1) + " activations + tokens, "
                    + tokens.length + " tokens) to " + outFile);
        }
    }

    /** Captures past this are announced on stderr with their size before the run. */
    private static final long ANNOUNCE_BYTES = 500_000_000L;

    /**
     * The capture's size from the model's dimensions, before anything runs: announced when large, refused when it
     * would not fit in the memory the machine has left (the capture is held whole while the file is written).
     */
    static void checkCaptureFits(LoupeModel model, List<String> globs, int tokens, PrintStream err) {
        List<String> hooks = new ArrayList<>();
        for (String name : model.hookNames()) {
            for (String g : globs) {
                if (HookGlob.of(g).matches(name)) {
                    hooks.add(name);
                    break;
                }
            }
        }
        long bytes = CaptureSize.f32Bytes(model.info(), hooks, tokens);
        String what = hooks.size() + " hook" + (hooks.size() == 1 ? "" : "s") + " at " + tokens + " tokens";
        OptionalLong available = MemoryBudget.availableBytes();
        if (available.isPresent() && bytes > available.getAsLong() * 0.8) {
            throw new LoupeException("trace: capturing " + what + " needs about " + CaptureSize.describe(bytes)
                    + " of memory, and this machine has " + CaptureSize.describe(available.getAsLong())
                    + " available; capture fewer hooks with --hooks (e.g. 'blocks.*.hook_resid_post' is "
                    + CaptureSize.describe(CaptureSize.f32Bytes(model.info(),
                            HookGlob.of("blocks.*.hook_resid_post").select(model.hookNames()), tokens))
                    + ") or use fewer tokens");
        }
        if (bytes > ANNOUNCE_BYTES) {
            err.println("trace: capturing " + what + ", about " + CaptureSize.describe(bytes));
        }
    }

    /** "1, 2,3" -> ids; anything that is not an integer is a usage error naming the value. */
    static long[] parseTokens(String list) {
        String[] parts = list.split(",", -1);
        long[] ids = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            try {
                ids[i] = Long.parseLong(p);
            } catch (NumberFormatException e) {
                throw new UsageException("--tokens: \"" + p + "\" is not a token id (expected integers separated by commas, e.g. 1,2,3)");
            }
        }
        return ids;
    }

    private static void checkWritable(Path file) {
        Path parent = file.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new LoupeException(file + ": cannot write, folder " + parent + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new LoupeException(file + ": is a folder (--out needs a file name)");
        }
    }
}
