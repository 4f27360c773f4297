package dev.loupe.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One forward pass: the token ids (a batch of equal-length rows), the hook globs whose activations to keep, and
 * the interventions to apply.
 */
public final class RunRequest {
    private final long[][] tokens;
    private final List<String> captures = new ArrayList<>();
    private final List<Intervention> interventions = new ArrayList<>();

    private RunRequest(long[][] tokens) {
        if (tokens.length == 0 || tokens[0].length == 0) {
            throw new LoupeException("the input has no tokens");
        }
        for (long[] row : tokens) {
            if (row.length != tokens[0].length) {
                throw new LoupeException("batch rows must have equal length: " + row.length + " vs " + tokens[0].length);
            }
        }
        this.tokens = tokens;
    }

    public static RunRequest of(long... tokens) {
        return new RunRequest(new long[][] {tokens.clone()});
    }

    public static RunRequest ofBatch(long[][] tokens) {
        long[][] copy = new long[tokens.length][];
        for (int i = 0; i < tokens.length; i++) {
            copy[i] = tokens[i].clone();
        }
        return new RunRequest(copy);
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

    public long[][] tokens() {
        return tokens;
    }

    public int batchSize() {
        return tokens.length;
    }

    public int length() {
        return tokens[0].length;
    }

    public List<String> captures() {
        return List.copyOf(captures);
    }

    public List<Intervention> interventions() {
        return List.copyOf(interventions);
    }
}
