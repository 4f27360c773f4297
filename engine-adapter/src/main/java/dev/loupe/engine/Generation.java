package dev.loupe.engine;

/** Generated continuation: the new token ids and their decoded text, and why generation stopped. */
public record Generation(long[] prompt, long[] generated, String text, StopReason stopReason) {

    public enum StopReason { EOS, MAX_TOKENS, CONTEXT_FULL, CANCELLED }
}
