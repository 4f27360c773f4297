package dev.loupe.benchmarks;

/**
 * Knobs, from system properties so the documented command needs none: {@code -Dbench.rounds} (timed rounds per
 * forward-pass comparison), {@code -Dbench.warmup}, {@code -Dbench.tokens} (sequence length for MiniLM),
 * {@code -Dbench.pauseMs} (idle time between two timed runs), {@code -Dbench.quick=true} (a smoke run: few rounds,
 * a small random checkpoint; its numbers are not worth reporting).
 */
record Settings(int rounds, int warmup, int tokens, long pauseMillis, int loadRounds, int coldRounds,
        int bigLayers, boolean quick) {

    static Settings fromSystemProperties() {
        boolean quick = Boolean.getBoolean("bench.quick");
        return new Settings(
                Integer.getInteger("bench.rounds", quick ? 4 : 60),
                Integer.getInteger("bench.warmup", quick ? 2 : 10),
                Integer.getInteger("bench.tokens", 128),
                Long.getLong("bench.pauseMs", 20L),
                Integer.getInteger("bench.loadRounds", quick ? 3 : 15),
                Integer.getInteger("bench.coldRounds", quick ? 1 : 4),
                Integer.getInteger("bench.bigLayers", quick ? 1 : 4),
                quick);
    }
}
