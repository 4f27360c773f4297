package dev.loupe.engine.model;

import java.util.List;

/** The dimensions of a loaded network, as its config declares them. */
public record NetSpec(
        String family,
        String modelType,
        int layers,
        int heads,
        int kvHeads,
        int dModel,
        int dHead,
        int dMlp,
        int dVocab,
        int contextLength,
        boolean causal,
        boolean hasLmHead,
        List<String> blockSchedule,
        long[] eosTokenIds) {
}
