package dev.loupe.engine;

import java.util.List;

/**
 * Text generation settings. temperature 0 means greedy; otherwise tokens are sampled with a {@link java.util.Random}
 * seeded by {@code seed}, after top-k (0 = off) and top-p (1 = off) filtering. Interventions apply at every step.
 */
public record GenerateRequest(long[] prompt, int maxNewTokens, double temperature, int topK, double topP, long seed,
        boolean useKvCache, boolean stopAtEos, List<Intervention> interventions) {

    public GenerateRequest {
        if (prompt == null || prompt.length == 0) {
            throw new LoupeException("the prompt has no tokens");
        }
        if (maxNewTokens < 0) {
            throw new LoupeException("max new tokens must be >= 0, got " + maxNewTokens);
        }
        if (temperature < 0 || Double.isNaN(temperature)) {
            throw new LoupeException("temperature must be >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new LoupeException("top-k must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new LoupeException("top-p must be in (0, 1], got " + topP);
        }
        prompt = prompt.clone();
        interventions = interventions == null ? List.of() : List.copyOf(interventions);
    }

    public static GenerateRequest greedy(long[] prompt, int maxNewTokens) {
        return new GenerateRequest(prompt, maxNewTokens, 0, 0, 1, 0, true, true, List.of());
    }

    public GenerateRequest withSampling(double temp, int k, double p, long s) {
        return new GenerateRequest(prompt, maxNewTokens, temp, k, p, s, useKvCache, stopAtEos, interventions);
    }

    public GenerateRequest withKvCache(boolean on) {
        return new GenerateRequest(prompt, maxNewTokens, temperature, topK, topP, seed, on, stopAtEos, interventions);
    }

    public GenerateRequest withInterventions(List<Intervention> ivs) {
        return new GenerateRequest(prompt, maxNewTokens, temperature, topK, topP, seed, useKvCache, stopAtEos, ivs);
    }

    public GenerateRequest withStopAtEos(boolean stop) {
        return new GenerateRequest(prompt, maxNewTokens, temperature, topK, topP, seed, useKvCache, stop, interventions);
    }
}
