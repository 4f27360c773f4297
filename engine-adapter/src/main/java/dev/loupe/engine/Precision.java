package dev.loupe.engine;

/** The floating-point type the model computes in. F32 is the default and the one parity is promised for. */
public enum Precision {
    F32, F16, BF16
}
