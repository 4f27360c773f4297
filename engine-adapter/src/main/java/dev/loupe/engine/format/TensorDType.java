package dev.loupe.engine.format;

import java.util.Locale;

/** The element types of the safetensors format that Loupe reads or writes, with their on-disk names and widths. */
public enum TensorDType {
    F64("F64", 8), F32("F32", 4), F16("F16", 2), BF16("BF16", 2),
    I64("I64", 8), I32("I32", 4), I16("I16", 2), I8("I8", 1), U8("U8", 1), BOOL("BOOL", 1);

    private final String safetensorsName;
    private final int bytes;

    TensorDType(String safetensorsName, int bytes) {
        this.safetensorsName = safetensorsName;
        this.bytes = bytes;
    }

    public String safetensorsName() {
        return safetensorsName;
    }

    public int bytes() {
        return bytes;
    }

    public boolean isFloatingPoint() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /** Parses a safetensors dtype string ("F32", "BF16", ...); null if Loupe does not know it. */
    public static TensorDType fromSafetensors(String name) {
        if (name == null) {
            return null;
        }
        String upper = name.toUpperCase(Locale.ROOT);
        for (TensorDType t : values()) {
            if (t.safetensorsName.equals(upper)) {
                return t;
            }
        }
        return null;
    }
}
