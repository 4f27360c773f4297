package dev.loupe.viewers.export;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.GridResult;
import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.Samples;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 11: exporting from the Attention tab writes what is on screen: the focused head, not always the grid. */
class FocusedGridFigureTest {

    private static GridResult grid() {
        List<MatrixResult> cells = new ArrayList<>();
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 2; h++) {
                int layer = l;
                int head = h;
                cells.add(Samples.matrix("L" + l + "H" + h, 4, 4, false, (r, c) -> layer + head + r * c));
            }
        }
        return new GridResult("Attention patterns", List.of("L0", "L1"), List.of("H0", "H1"), cells);
    }

    @Test
    void aFocusedHeadExportsAsThatHead() {
        JsonObject state = new JsonObject();
        state.addProperty("focusedRow", 1);
        state.addProperty("focusedCol", 0);
        Figure f = FigureExporter.figure(grid(), state);
        assertInstanceOf(HeatmapFigure.class, f);
        String svg = FigureExporter.toSvg(grid(), state);
        assertTrue(svg.contains("L1H0"), "the focused head's title");
        assertTrue(!svg.contains("L0H1"), "no other head");
    }

    @Test
    void withoutAFocusTheWholeGridExports() {
        assertInstanceOf(GridFigure.class, FigureExporter.figure(grid(), new JsonObject()));
        assertInstanceOf(GridFigure.class, FigureExporter.figure(grid()));
        JsonObject outOfRange = new JsonObject();
        outOfRange.addProperty("focusedRow", 7);
        outOfRange.addProperty("focusedCol", 0);
        assertInstanceOf(GridFigure.class, FigureExporter.figure(grid(), outOfRange));
    }
}
