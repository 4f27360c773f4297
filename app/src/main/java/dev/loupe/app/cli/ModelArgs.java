package dev.loupe.app.cli;

import dev.loupe.app.SampleModels;
import dev.loupe.engine.LoupeException;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.ModelOptions;
import dev.loupe.engine.Precision;
import java.nio.file.Files;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The options every model command shares (--model, --device, --dtype) and opening the model from them. */
final class ModelArgs {
    static final Option MODEL = Option.value("model", "DIR",
            "a Hugging Face checkpoint folder (config.json, *.safetensors, tokenizer.json); default: the sample tiny-lm");
    static final Option DEVICE = Option.value("device", "auto|cpu|gpu", "where to compute; auto = the GPU when there is one (default auto)");
    static final Option DTYPE = Option.value("dtype", "f32|f16|bf16", "compute precision (default f32)");

    static final List<Option> OPTIONS = List.of(MODEL, DEVICE, DTYPE);

    private ModelArgs() {
    }

    /** --model, or the shipped tiny-lm when none is named. */
    static Path modelDir(ParsedArgs args) {
        String given = args.get(MODEL.name());
        if (given != null) {
            return Path.of(given);
        }
        return SampleModels.find(SampleModels.TINY_LM).orElseThrow(() -> new UsageException(
                "--model is missing, and the sample model it defaults to is not at "
                        + SampleModels.expectedLocation(SampleModels.TINY_LM)));
    }

    static LoupeModel open(ParsedArgs args) {
        Path dir = modelDir(args);
        String device = args.choice(DEVICE.name(), "auto", "auto", "cpu", "gpu");
        Precision precision = Precision.valueOf(
                args.choice(DTYPE.name(), "f32", "f32", "f16", "bf16").toUpperCase(Locale.ROOT));
        // Checked here too so the message is the same whatever the engine says about a path that is not there.
        if (!Files.exists(dir)) {
            throw new LoupeException(dir + ": no such folder (--model must be a Hugging Face checkpoint folder)");
        }
        if (!Files.isDirectory(dir)) {
            throw new LoupeException(dir + ": not a folder (--model must be a Hugging Face checkpoint folder)");
        }
        return LoupeModel.open(dir, new ModelOptions(device, precision));
    }

    /** Called before the model is opened, so an empty prompt fails fast. */
    static void checkPrompt(String prompt) {
        if (prompt != null && prompt.isBlank()) {
            throw new UsageException("--prompt is empty");
        }
    }

    /**
     * One warning line on stderr naming the prompt's words that the model's vocabulary lacks (they run as its
     * unknown token), so that nobody analyses "<unk> <unk> Tower" thinking it is the Eiffel Tower. Nothing when
     * every word is known.
     */
    static void warnUnknownWords(LoupeModel model, String prompt, PrintStream err) {
        if (prompt == null || !model.hasTokenizer()) {
            return;
        }
        java.util.List<String> unknown = model.unknownWords(prompt);
        if (!unknown.isEmpty()) {
            java.util.Set<String> distinct = new java.util.LinkedHashSet<>(unknown);
            err.println("loupe: warning: " + unknown.size() + (unknown.size() == 1 ? " word is" : " words are")
                    + " not in " + model.dir().getFileName() + "'s vocabulary and became its unknown token: "
                    + String.join(", ", distinct.stream().map(w -> "\"" + w + "\"").toList()));
        }
    }

    /** The prompt's token ids; needs the checkpoint's tokenizer. */
    static long[] encodePrompt(LoupeModel model, Path dir, String prompt, String alternative) {
        if (!model.hasTokenizer()) {
            throw new LoupeException(dir.resolve("tokenizer.json") + ": file not found (--prompt needs the checkpoint's tokenizer"
                    + (alternative == null ? ")" : "; " + alternative + ")"));
        }
        return model.encode(prompt);
    }
}
