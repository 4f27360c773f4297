package dev.loupe.app.cli;

import dev.loupe.engine.ActivationCache;
import dev.loupe.engine.LoupeException;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.engine.format.SafetensorsWriter;
import dev.loupe.engine.format.TensorData;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
            // The engine checks ids against the vocabulary and the context, and that every glob matches a hook.
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            try (RunResult result = model.run(RunRequest.of(tokens).capture(globs))) {
                ActivationCache cache = result.cache();
                for (String hook : cache.names()) {
                    tensors.put(hook, TensorData.ofFloats(cache.shape(hook), cache.floats(hook)));
                }
            }
            int activations = tensors.size();
            tensors.put(TOKENS_TENSOR, TensorData.ofLongs(new long[] {tokens.length}, tokens));

            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("model", dir.toAbsolutePath().toString());
            if (prompt != null) {
                metadata.put("prompt", prompt);
            }
            metadata.put("hooks", String.join(",", globs));
            // The writer is atomic (temp file + rename) and reports failures naming the file.
            SafetensorsWriter.write(outFile, tensors, metadata);
            out.println("wrote " + tensors.size() + " tensors (" + activations + " activations + tokens, "
                    + tokens.length + " tokens) to " + outFile);
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
