package dev.loupe.engine.model;

/**
 * Rotary settings as a family read them from config.json (transformers 4's top-level rope_theta / rope_scaling or
 * transformers 5's rope_parameters): the frequency schedule Rotary implements and its parameters.
 *
 * @param type                  default, linear, dynamic or llama3
 * @param theta                 the base wavelength
 * @param factor                the scaling factor (1 for default)
 * @param lowFreqFactor         llama3 only, else NaN
 * @param highFreqFactor        llama3 only, else NaN
 * @param originalMaxPositions  llama3 only, else NaN
 */
public record RopeSpec(String type, double theta, double factor, double lowFreqFactor, double highFreqFactor,
        double originalMaxPositions) {

    public static RopeSpec standard(double theta) {
        return new RopeSpec("default", theta, 1.0, Double.NaN, Double.NaN, Double.NaN);
    }
}
