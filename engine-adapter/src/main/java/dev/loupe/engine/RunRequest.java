package dev.loupe.engine;

import dev.loupe.engine.input.ModelInput;
import dev.loupe.engine.input.TokenInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One forward pass: the prepared input (token ids, an image: see {@link ModelInput}), the hook globs whose
 * activations to keep, and the interventions to apply.
 */
public final class RunRequest {
    private final ModelInput input;
    private final List<String> captures = new ArrayList<>();
    private final List<Intervention> interventions = new ArrayList<>();

    private RunRequest(ModelInput input) {
        this.input = Objects.requireNonNull(input, "input");
    }

    public static RunRequest of(ModelInput input) {
        return new RunRequest(input);
    }

    /** Unlabelled token ids, one row: the engine's tests and plugins' own sweeps. */
    public static RunRequest of(long... tokens) {
        return new RunRequest(TokenInput.ofIds(tokens));
    }

    /** Unlabelled token ids in equal-length batch rows. */
    public static RunRequest ofBatch(long[][] tokens) {
        return new RunRequest(TokenInput.ofBatch(tokens));
    }

    /** Keep the activations of hooks matching these globs ("*" matches any run of characters, "?" one). */
    public RunRequest capture(String... hookGlobs) {
        captures.addAll(Arrays.asList(hookGlobs));
        return this;
    }

    public RunRequest capture(List<String> hookGlobs) {
        captures.addAll(hookGlobs);
        return this;
    }

    public RunRequest intervene(Intervention... ivs) {
        interventions.addAll(Arrays.asList(ivs));
        return this;
    }

    public RunRequest intervene(List<Intervention> ivs) {
        interventions.addAll(ivs);
        return this;
    }

    public ModelInput input() {
        return input;
    }

    public int batchSize() {
        return input.batchSize();
    }

    /** Positions per row. */
    public int length() {
        return input.positions();
    }

    public List<String> captures() {
        return List.copyOf(captures);
    }

    public List<Intervention> interventions() {
        return List.copyOf(interventions);
    }
}
