package dev.loupe.app.cli;

import dev.loupe.engine.LoupeException;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.hooks.HookGlob;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code loupe hooks}: the model's hook names in forward order, the vocabulary of --hooks and --steer. */
final class HooksCommand implements Command {
    static final Option HOOKS = Option.value("hooks", "GLOBS", "only the hooks matching these comma-separated globs");

    @Override
    public String name() {
        return "hooks";
    }

    @Override
    public String summary() {
        return "list a model's hook names (TransformerLens names), one per line";
    }

    @Override
    public String synopsis() {
        return "hooks --model DIR [--hooks 'glob,glob']";
    }

    @Override
    public List<Option> options() {
        List<Option> all = new ArrayList<>(ModelArgs.OPTIONS);
        all.add(HOOKS);
        return all;
    }

    @Override
    public void run(ParsedArgs args, PrintStream out, PrintStream err) {
        List<String> globs = HookGlobs.split(args.get(HOOKS.name(), "*"));
        if (globs.isEmpty()) {
            throw new UsageException("hooks: --hooks names no pattern");
        }
        try (LoupeModel model = ModelArgs.open(args)) {
            List<String> all = model.hookNames();
            Set<String> selected = new LinkedHashSet<>();
            for (String g : globs) {
                List<String> m = HookGlob.of(g).select(all);
                if (m.isEmpty()) {
                    throw new LoupeException("--hooks: \"" + g + "\" matches no hook of this model (it has "
                            + HookGlob.sample(all) + ")");
                }
                selected.addAll(m);
            }
            // Forward order, whatever order the patterns came in.
            for (String h : all) {
                if (selected.contains(h)) {
                    out.println(h);
                }
            }
        }
    }
}
