package dev.loupe.engine;

import java.util.Locale;

/**
 * How to open a model: on which device ("auto" = the GPU when DJL sees one, else the CPU; "cpu"; "gpu") and in
 * which precision.
 */
public record ModelOptions(String device, Precision precision) {

    public ModelOptions {
        device = device == null ? "auto" : device.toLowerCase(Locale.ROOT);
        if (!device.equals("auto") && !device.equals("cpu") && !device.startsWith("gpu")) {
            throw new LoupeException("device \"" + device + "\" is not one of auto, cpu, gpu");
        }
        precision = precision == null ? Precision.F32 : precision;
    }

    public static ModelOptions defaults() {
        return new ModelOptions("auto", Precision.F32);
    }

    public ModelOptions withDevice(String d) {
        return new ModelOptions(d, precision);
    }

    public ModelOptions withPrecision(Precision p) {
        return new ModelOptions(device, p);
    }
}
