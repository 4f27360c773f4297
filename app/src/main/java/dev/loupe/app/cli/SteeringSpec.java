package dev.loupe.app.cli;

import dev.loupe.engine.Intervention;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.steering.SteeringVectors;
import java.nio.file.Path;
import java.util.List;

/**
 * One {@code --steer HOOK:FILE.safetensors:COEF}: add COEF times the vector stored in FILE at HOOK, at every
 * position (CAA-style activation steering). The option's syntax is the CLI's; loading and checking the vector is the
 * engine's {@link SteeringVectors}, shared with the steering view. Parsing is split from loading so that a
 * malformed option fails before the model is opened.
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

    /** Reads the vector and checks it against the model (see {@link SteeringVectors#load}). */
    Intervention.AddVector load(ModelInfo info, List<String> modelHooks) {
        return SteeringVectors.load(hook, file, coefficient, info, modelHooks, "--steer");
    }
}
