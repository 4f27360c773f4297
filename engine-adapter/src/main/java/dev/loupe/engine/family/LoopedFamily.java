package dev.loupe.engine.family;

import java.util.Set;

/**
 * Loupe's recurrent-depth models (model_type loupe_looped, written by sample-models' LoopedLmTrainer): a GPT-2 whose
 * config's block_schedule applies a few distinct blocks over many layers. The same network class runs it.
 */
public class LoopedFamily extends Gpt2Family {

    @Override
    public String name() {
        return "looped";
    }

    @Override
    public Set<String> modelTypes() {
        return Set.of("loupe_looped");
    }

    @Override
    public boolean readsArchitecture(String architecture) {
        return false; // only Loupe writes these, always with a model_type
    }
}
