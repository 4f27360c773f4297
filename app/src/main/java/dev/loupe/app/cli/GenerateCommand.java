package dev.loupe.app.cli;

import dev.loupe.engine.GenerateRequest;
import dev.loupe.engine.Generation;
import dev.loupe.engine.Intervention;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.ModelInfo;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code loupe generate}: continue a prompt, streaming the text, optionally with steering vectors added. */
final class GenerateCommand implements Command {
    static final Option PROMPT = Option.value("prompt", "TEXT", "the text to continue");
    static final Option MAX_NEW = Option.value("max-new", "N", "most tokens to generate (default 20); stops earlier at end-of-sequence");
    static final Option SEED = Option.value("seed", "S", "random seed for sampling (default 0, so runs repeat)");
    static final Option TEMPERATURE = Option.value("temperature", "T", "sampling temperature; 0 = greedy (default 0)");
    static final Option TOP_K = Option.value("top-k", "K", "sample only from the K most likely tokens (default 0 = off)");
    static final Option TOP_P = Option.value("top-p", "P", "sample only from the smallest set of tokens with probability >= P (default 1 = off)");
    static final Option STEER = Option.repeated("steer", SteeringSpec.FORM,
            "add COEF x the vector in FILE at HOOK, at every position (repeatable)");

    @Override
    public String name() {
        return "generate";
    }

    @Override
    public String summary() {
        return "continue a prompt (greedy or sampled), optionally steered by activation vectors";
    }

    @Override
    public String synopsis() {
        return "generate --model DIR --prompt TEXT [--max-new N] [--seed S] [--temperature T] [--top-k K] [--top-p P]"
                + " [--steer " + SteeringSpec.FORM + "]...";
    }

    @Override
    public List<Option> options() {
        List<Option> all = new ArrayList<>(ModelArgs.OPTIONS);
        all.addAll(List.of(PROMPT, MAX_NEW, SEED, TEMPERATURE, TOP_K, TOP_P, STEER));
        return all;
    }

    @Override
    public void run(ParsedArgs args, PrintStream out, PrintStream err) {
        Path dir = ModelArgs.modelDir(args);
        String prompt = args.require(PROMPT.name());
        ModelArgs.checkPrompt(prompt);
        int maxNew = args.intValue(MAX_NEW.name(), 20, 0);
        long seed = args.longValue(SEED.name(), 0);
        double temperature = args.doubleValue(TEMPERATURE.name(), 0, 0, Double.MAX_VALUE);
        int topK = args.intValue(TOP_K.name(), 0, 0);
        double topP = args.doubleValue(TOP_P.name(), 1, 0, 1);
        if (topP == 0) {
            throw new UsageException("generate: --top-p must be in (0, 1], got " + args.get(TOP_P.name()));
        }
        List<SteeringSpec> steering = new ArrayList<>();
        for (String s : args.all(STEER.name())) {
            steering.add(SteeringSpec.parse(s));
        }

        try (LoupeModel model = ModelArgs.open(args)) {
            ModelInfo info = model.info();
            List<Intervention> interventions = new ArrayList<>();
            List<String> hooks = model.hookNames();
            for (SteeringSpec s : steering) {
                interventions.add(s.load(info, hooks));
            }
            long[] tokens = ModelArgs.encodePrompt(model, dir, prompt, null);
            ModelArgs.warnUnknownWords(model, prompt, err);

            GenerateRequest request = new GenerateRequest(tokens, maxNew, temperature, topK, topP, seed,
                    true, true, interventions);
            TokenPrinter printer = new TokenPrinter(model::decode, out);
            Generation gen = model.generate(request, printer);
            printer.finish(gen.generated());
            out.println();
            switch (gen.stopReason()) {
                case EOS -> err.println("loupe: stopped at the end-of-sequence token after " + gen.generated().length
                        + " tokens");
                case CONTEXT_FULL -> err.println("loupe: stopped early: the context of " + info.contextLength()
                        + " tokens is full");
                default -> { }
            }
        }
    }
}
