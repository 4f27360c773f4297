package dev.loupe.plugins.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.ModelInfo;
import dev.loupe.engine.testing.TestCheckpoints.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Head lists as users type them, and the ones they mistype. */
class HeadSpecTest {
    private static ModelInfo info;

    @BeforeAll
    static void model(@TempDir Path tmp) {
        try (LoupeModel m = Models.open(tmp.resolve("gpt2"), Spec.gpt2())) {
            info = m.info();
        }
    }

    @Test
    void parsesHeadsAndLayers() {
        Map<Integer, TreeSet<Integer>> spec = HeadSpec.parse(" L1H2, l1h3;L0 ", info, "p");
        assertEquals(Map.of(0, new TreeSet<>(List.of(-1)), 1, new TreeSet<>(List.of(2, 3))), spec);
        assertEquals("L1H2, l1h3, L0", HeadSpec.describe(" L1H2, l1h3;L0 "));
    }

    @Test
    void separatorsAloneNameNoHead() {
        var e = assertThrows(IllegalArgumentException.class, () -> HeadSpec.parse(",,,", info, "compareAblated"));
        assertEquals("compareAblated: \",,,\" names no head (write heads like L1H2 or layers like L1)", e.getMessage());
    }

    @Test
    void numbersTooLargeForAnIntAreOutOfRangeNotACrash() {
        var layer = assertThrows(IllegalArgumentException.class,
                () -> HeadSpec.parse("L99999999999H0", info, "compareAblated"));
        assertEquals("compareAblated: L99999999999H0 names layer 99999999999, but the model has layers 0.."
                + (info.layers() - 1), layer.getMessage());
        var head = assertThrows(IllegalArgumentException.class,
                () -> HeadSpec.parse("L0H99999999999", info, "compareAblated"));
        assertEquals("compareAblated: L0H99999999999 names head 99999999999, but the model has heads 0.."
                + (info.heads() - 1), head.getMessage());
    }
}
