package dev.loupe.plugin.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultCsvTest {

    static String csv(Result r) throws IOException {
        StringWriter w = new StringWriter();
        ResultCsv.write(r, w);
        return w.toString();
    }

    @Test
    void matrixHasColumnLabelsAndRowLabels() throws IOException {
        MatrixResult m = new MatrixResult("m", 2, 3, new float[] {1, -2.5f, 0.1f, Float.NEGATIVE_INFINITY, Float.NaN, 1e-7f},
                List.of("the", " a,b"), List.of("d0", "d1", "say \"hi\""), "token", "dim", "v", true, Map.of());
        assertEquals("""
                token,d0,d1,"say ""hi""\"
                the,1.0,-2.5,0.1
                " a,b",-inf,NaN,1.0E-7
                """, csv(m));
    }

    @Test
    void matrixWithCellTextIsLongFormatWithTextColumns() throws IOException {
        MatrixResult m = new MatrixResult("lens", 2, 2, new float[] {0.5f, 1, Float.NaN, 0.25f}, List.of("L0", "final"),
                List.of(" The", " The"), "layer", "position", "p", false, Map.of(),
                List.of(" cat", "a,b", "\n", "say \"hi\""), List.of("' cat'  0.5\nentropy 1.0 nats", "x", "y", ""));
        assertEquals("row,col,row_label,col_label,value,cell_text,cell_details\n"
                + "0,0,L0,\" The\",0.5,\" cat\",\"' cat'  0.5\nentropy 1.0 nats\"\n"
                + "0,1,L0,\" The\",1.0,\"a,b\",x\n"
                + "1,0,final,\" The\",NaN,\"\n\",y\n"
                + "1,1,final,\" The\",0.25,\"say \"\"hi\"\"\",\n", csv(m));

        MatrixResult textOnly = new MatrixResult("lens", 1, 2, new float[] {0.5f, 1}, List.of("L0"), List.of("a", "b"),
                "layer", "position", "p", false, Map.of(), List.of("x", "y"), null);
        assertEquals("row,col,row_label,col_label,value,cell_text\n0,0,L0,a,0.5,x\n0,1,L0,b,1.0,y\n", csv(textOnly));
        MatrixResult detailsOnly = new MatrixResult("lens", 1, 1, new float[] {2}, List.of("L0"), List.of("a"),
                "layer", "position", "p", false, Map.of(), null, List.of("d"));
        assertEquals("row,col,row_label,col_label,value,cell_details\n0,0,L0,a,2.0,d\n", csv(detailsOnly));
    }

    @Test
    void comparisonIsOneLabelledBlockPerPanel() throws IOException {
        MatrixResult logit = new MatrixResult("Logit lens", 1, 2, new float[] {0.5f, 1}, List.of("L0"), List.of("a", "b,c"),
                "layer", "position", "p", false, Map.of(), List.of(" x", "y"), null);
        MatrixResult tuned = new MatrixResult("Tuned lens", 1, 2, new float[] {0.25f, Float.NaN}, List.of("L0"),
                List.of("a", "b,c"), "layer", "position", "p", false, Map.of());
        assertEquals("panel,row,col,row_label,col_label,value,cell_text\n"
                + "Logit lens,0,0,L0,a,0.5,\" x\"\n"
                + "Logit lens,0,1,L0,\"b,c\",1.0,y\n"
                + "Tuned lens,0,0,L0,a,0.25,\n"
                + "Tuned lens,0,1,L0,\"b,c\",NaN,\n", csv(new ComparisonResult("lenses", List.of(logit, tuned))));
        assertTrue(ResultCsv.supports(new ComparisonResult("lenses", List.of(tuned))));
    }

    @Test
    void gridIsLongFormat() throws IOException {
        MatrixResult a = new MatrixResult("a", 1, 2, new float[] {0.25f, 0.75f}, List.of("x"), List.of("x", "y"), "q", "k", "p", false, Map.of());
        MatrixResult b = new MatrixResult("b", 1, 2, new float[] {1, 0}, List.of("x"), List.of("x", "y"), "q", "k", "p", false, Map.of());
        GridResult g = new GridResult("g", List.of("L0"), List.of("H0", "H1"), List.of(a, b));
        assertEquals("""
                row,col,q,k,value
                L0,H0,0,0,0.25
                L0,H0,0,1,0.75
                L0,H1,0,0,1.0
                L0,H1,0,1,0.0
                """, csv(g));
    }

    @Test
    void seriesIsLongFormat() throws IOException {
        SeriesResult s = new SeriesResult("s", "layer", "p", SeriesResult.Kind.LINE, List.of(
                new SeriesResult.Series("Paris", List.of("L0", "L1"), new double[] {0.125, 0.5}),
                new SeriesResult.Series("Lyon, FR", List.of("L0", "L1"), new double[] {1.0 / 3, Double.POSITIVE_INFINITY})));
        assertEquals("""
                x,name,y
                L0,Paris,0.125
                L1,Paris,0.5
                L0,"Lyon, FR",0.3333333333333333
                L1,"Lyon, FR",inf
                """, csv(s));
    }

    @Test
    void tokenScoresAndTables() throws IOException {
        TokenScoresResult t = new TokenScoresResult("t", List.of("a", "\n"), new float[] {0.5f, -1}, "s", true);
        assertEquals("position,token,score\n0,a,0.5\n1,\"\n\",-1.0\n", csv(t));

        TableResult tab = new TableResult("tab", List.of("token", "id", "p", "ok"),
                List.of(List.of("x,y", 3, 0.1f, true), List.of("z", 4L, 0.5, false)));
        assertEquals("token,id,p,ok\n\"x,y\",3,0.1,true\nz,4,0.5,false\n", csv(tab));
    }

    @Test
    void imageIsOneRowPerPixel() throws IOException {
        ImageResult img = new ImageResult("i", 2, 1, new int[] {0x80102030, 0xFFFFFFFF});
        assertEquals("x,y,r,g,b,a\n0,0,16,32,48,128\n1,0,255,255,255,255\n", csv(img));
    }

    @Test
    void customHasNoCsv() {
        CustomResult c = new CustomResult("c", "x.y", new JsonObject());
        assertFalse(ResultCsv.supports(c));
        assertThrows(IllegalArgumentException.class, () -> csv(c));
    }

    @Test
    void quoting() {
        assertEquals("plain", ResultCsv.quote("plain"));
        assertEquals("\" lead\"", ResultCsv.quote(" lead"));
        assertEquals("\"a\"\"b\"", ResultCsv.quote("a\"b"));
        assertEquals("\"a\r\nb\"", ResultCsv.quote("a\r\nb"));
        assertEquals("", ResultCsv.quote(""));
    }
}
