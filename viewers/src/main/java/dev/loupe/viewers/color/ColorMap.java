package dev.loupe.viewers.color;

/**
 * A continuous colour map from [0, 1] to opaque ARGB, defined by anchor colours and linear interpolation in sRGB
 * between them. Pure Java (no JavaFX, no AWT) so that headless export and the views share one definition.
 */
public final class ColorMap {

    /** Colour for missing values (NaN): a neutral grey that neither map uses at its ends. */
    public static final int NAN_ARGB = 0xFFC8C8C8;
    /** Masked cells (infinite scores, e.g. causal attention above the diagonal): blank, as on white paper. */
    public static final int MASKED_ARGB = 0xFFFFFFFF;

    /**
     * Viridis (van der Walt and Smith, CC0): perceptually uniform and readable in greyscale and by most colour-blind
     * readers. Every 8th entry of matplotlib's 256-entry table; linear interpolation between them stays within one
     * 8-bit level of the full table.
     */
    public static final ColorMap VIRIDIS = new ColorMap("viridis", new double[][] {
            {0, 0.267004, 0.004874, 0.329415}, {8, 0.277018, 0.050344, 0.375715},
            {16, 0.282327, 0.094955, 0.417331}, {24, 0.282884, 0.135920, 0.453427},
            {32, 0.278826, 0.175490, 0.483397}, {40, 0.270595, 0.214069, 0.507052},
            {48, 0.258965, 0.251537, 0.524736}, {56, 0.244972, 0.287675, 0.537260},
            {64, 0.229739, 0.322361, 0.545706}, {72, 0.214298, 0.355619, 0.551184},
            {80, 0.199430, 0.387607, 0.554642}, {88, 0.185556, 0.418570, 0.556753},
            {96, 0.172719, 0.448791, 0.557885}, {104, 0.160665, 0.478540, 0.558115},
            {112, 0.149039, 0.508051, 0.557250}, {120, 0.137770, 0.537492, 0.554906},
            {128, 0.127568, 0.566949, 0.550556}, {136, 0.120565, 0.596422, 0.543611},
            {144, 0.120638, 0.625828, 0.533488}, {152, 0.132268, 0.655014, 0.519661},
            {160, 0.157851, 0.683765, 0.501686}, {168, 0.196571, 0.711827, 0.479221},
            {176, 0.246070, 0.738910, 0.452024}, {184, 0.304148, 0.764704, 0.419943},
            {192, 0.369214, 0.788888, 0.382914}, {200, 0.440137, 0.811138, 0.340967},
            {208, 0.515992, 0.831158, 0.294279}, {216, 0.595839, 0.848717, 0.243329},
            {224, 0.678489, 0.863742, 0.189503}, {232, 0.762373, 0.876424, 0.137064},
            {240, 0.845561, 0.887322, 0.099702}, {248, 0.926106, 0.897330, 0.104071},
            {255, 0.993248, 0.906157, 0.143936}}, 255);

    /**
     * Blue-white-red for signed data (ColorBrewer RdBu, reversed so negative is blue), with a pure white centre so
     * that zero reads as "nothing" and stays distinct from the grey of missing values.
     */
    public static final ColorMap BLUE_WHITE_RED = ofHex("blue-white-red", "#053061", "#2166ac", "#4393c3", "#92c5de",
            "#d1e5f0", "#ffffff", "#fddbc7", "#f4a582", "#d6604d", "#b2182b", "#67001f");

    private final String name;
    private final double[] pos;
    private final double[][] rgb;

    private ColorMap(String name, double[][] anchors, double scale) {
        this.name = name;
        pos = new double[anchors.length];
        rgb = new double[anchors.length][];
        for (int i = 0; i < anchors.length; i++) {
            pos[i] = anchors[i][0] / scale;
            rgb[i] = new double[] {anchors[i][1], anchors[i][2], anchors[i][3]};
        }
    }

    /** A map through evenly spaced colours given as {@code #rrggbb}. */
    public static ColorMap ofHex(String name, String... hex) {
        double[][] anchors = new double[hex.length][];
        for (int i = 0; i < hex.length; i++) {
            int v = Integer.parseInt(hex[i].substring(1), 16);
            anchors[i] = new double[] {i, (v >> 16 & 255) / 255.0, (v >> 8 & 255) / 255.0, (v & 255) / 255.0};
        }
        return new ColorMap(name, anchors, hex.length - 1);
    }

    public String name() {
        return name;
    }

    /** The colour at {@code t}, clamped to [0, 1]; NaN gives {@link #NAN_ARGB}. */
    public int argb(double t) {
        if (Double.isNaN(t)) {
            return NAN_ARGB;
        }
        t = Math.max(0, Math.min(1, t));
        int hi = 1;
        while (hi < pos.length - 1 && pos[hi] < t) {
            hi++;
        }
        double f = (t - pos[hi - 1]) / (pos[hi] - pos[hi - 1]);
        int r = channel(rgb[hi - 1][0], rgb[hi][0], f);
        int g = channel(rgb[hi - 1][1], rgb[hi][1], f);
        int b = channel(rgb[hi - 1][2], rgb[hi][2], f);
        return 0xFF000000 | r << 16 | g << 8 | b;
    }

    private static int channel(double a, double b, double f) {
        return (int) Math.round((a + (b - a) * f) * 255);
    }

    /** A table of {@code n} colours from t = 0 to t = 1, for fast lookup and for gradients. */
    public int[] table(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = argb(n == 1 ? 0.5 : i / (double) (n - 1));
        }
        return out;
    }

    @Override
    public String toString() {
        return name;
    }
}
