package dev.loupe.viewers.attention;

import dev.loupe.plugin.result.MatrixResult;
import dev.loupe.viewers.export.Labels;
import dev.loupe.viewers.fx.Fx;
import java.util.List;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.geometry.Orientation;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollBar;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.TextAlignment;

/**
 * bertviz's head view of one attention pattern: query tokens in a column on the left, key tokens on the right, and a
 * line from each query to each key it attends to, with the attention weight as the line's opacity (weights below
 * {@link #MIN_WEIGHT} get no line). Hovering a query token, or selecting it (click, up/down; Escape clears), draws
 * its lines strongly in the selection colour, shades its keys by weight and dims every other line. Values of a
 * difference map (diverging) are drawn red for positive and blue for negative, opacity |value| / max |value|.
 *
 * <p>Both columns scroll together, one token per {@link #ROW_PX}. A redraw reads only the weights of lines with an
 * end in the visible rows, and draws at most {@link #LINE_BUDGET} of the unfocused ones: when more reach
 * {@link #MIN_WEIGHT} it raises their threshold (in steps of 0.001) until the strongest fit. So 1,000 tokens cost a few
 * thousand strokes, not a million, and a diffuse head on a long input still shows its strongest lines.
 */
public final class AttentionLinesView extends BorderPane {

    /**
     * What the last redraw did: the visible token rows [firstToken, lastToken), how many weights it considered, how
     * many lines it stroked, and the weight below which unfocused lines were left out.
     */
    public record RenderStats(int firstToken, int lastToken, long weightsRead, long linesDrawn, double threshold) {
    }

    public static final double ROW_PX = 18;
    private static final double LINE_PX = LineWeights.LINE_WIDTH;
    private static final double FOCUS_LINE_PX = LineWeights.FOCUS_LINE_WIDTH;
    public static final double MIN_WEIGHT = LineWeights.MIN_WEIGHT;
    /** Most unfocused lines one redraw strokes: beyond this a picture is a smear, and redraws get slow. */
    public static final int LINE_BUDGET = LineWeights.LINE_BUDGET;
    private static final int STEPS = LineWeights.STEPS;
    /** How strongly the lines of other queries show while one query is focused. */
    static final double DIM = LineWeights.DIM;

    private static final Font TOKEN_FONT = Font.font(12);
    private static final Font TOKEN_FONT_BOLD = Font.font(null, FontWeight.BOLD, 12);
    private static final Font HEADER_FONT = Font.font(null, FontWeight.BOLD, 12);
    private static final double LABEL_CAP = 160;
    private static final double PAD = 10;
    private static final double GAP_MIN = 80;
    private static final double GAP_MAX = 360;
    private static final Color LINE = Fx.color(LineWeights.LINE_ARGB);
    private static final Color POSITIVE = Fx.color(LineWeights.POSITIVE_ARGB);
    private static final Color NEGATIVE = Fx.color(LineWeights.NEGATIVE_ARGB);

    private final MatrixResult m;
    private final List<String> queryText;
    private final List<String> keyText;
    private final double queryLabelW;
    private final double keyLabelW;
    private final LineWeights weights;
    private final Canvas canvas = new Canvas();
    private final ScrollBar scrollBar = new ScrollBar();
    private final IntegerProperty selectedQuery = new SimpleIntegerProperty(this, "selectedQuery", -1);
    private final ReadOnlyIntegerWrapper hoveredQuery = new ReadOnlyIntegerWrapper(this, "hoveredQuery", -1);
    // Line colours (plain, positive, negative, focused) by opacity in 1/255 steps: thousands of strokes would
    // otherwise allocate thousands of Colors per redraw.
    private static final Color[] BASES = {LINE, POSITIVE, NEGATIVE, Fx.ACCENT};
    private final Color[][] shades = new Color[BASES.length][256];

    private double headerH;
    private double queryX;
    private double keyX;
    private double scrollY;
    // A selection made before this view was laid out (e.g. in the heatmap mode) is scrolled into view at layout.
    private boolean revealPending;
    private RenderStats stats = new RenderStats(0, 0, 0, 0, MIN_WEIGHT);

    public AttentionLinesView(MatrixResult m) {
        this.m = m;
        queryText = m.rowLabels().stream().map(s -> Labels.display(s, 24)).toList();
        keyText = m.colLabels().stream().map(s -> Labels.display(s, 24)).toList();
        queryLabelW = Fx.maxTextWidth(queryText, TOKEN_FONT_BOLD, LABEL_CAP);
        keyLabelW = Fx.maxTextWidth(keyText, TOKEN_FONT_BOLD, LABEL_CAP);
        weights = new LineWeights(m);
        getStyleClass().add("loupe-attention-lines");

        if (!m.title().isBlank()) {
            Label title = new Label(m.title());
            title.getStyleClass().add("loupe-view-title");
            title.setStyle("-fx-font-weight: bold; -fx-padding: 4 8 2 8;");
            setTop(title);
        }
        Pane pane = new Pane(canvas) {
            @Override
            protected void layoutChildren() {
                canvas.setWidth(getWidth());
                canvas.setHeight(getHeight());
                layoutColumns();
                redraw();
            }
        };
        pane.setMinSize(120, 80);
        pane.setPrefSize(Math.max(420, 2 * PAD + queryLabelW + keyLabelW + 12 + 240), 520);
        setCenter(pane);
        scrollBar.setOrientation(Orientation.VERTICAL);
        scrollBar.valueProperty().addListener((obs, was, now) -> {
            scrollY = now.doubleValue();
            redraw();
        });
        setRight(scrollBar);

        setFocusTraversable(true);
        selectedQuery.addListener((obs, was, now) -> {
            int q = now.intValue();
            if (q < -1 || q >= m.rows()) {
                selectedQuery.set(-1);
                return;
            }
            if (q >= 0) {
                ensureVisible(q);
            }
            redraw();
        });
        hoveredQuery.addListener((obs, was, now) -> redraw());
        canvas.addEventHandler(MouseEvent.MOUSE_MOVED, e -> hoveredQuery.set(queryAt(e.getX(), e.getY())));
        canvas.addEventHandler(MouseEvent.MOUSE_EXITED, e -> hoveredQuery.set(-1));
        canvas.addEventHandler(MouseEvent.MOUSE_CLICKED, e -> {
            requestFocus();
            int q = queryAt(e.getX(), e.getY());
            if (q >= 0) {
                // A second click on the selected token lets go of it, as in bertviz.
                selectedQuery.set(q == selectedQuery.get() ? -1 : q);
            }
        });
        canvas.addEventHandler(ScrollEvent.SCROLL, e -> {
            scrollTo(scrollY - e.getDeltaY());
            e.consume();
        });
        addEventHandler(KeyEvent.KEY_PRESSED, this::keyPressed);
    }

    // ---------------------------------------------------------------- public API

    public MatrixResult matrix() {
        return m;
    }

    /** The selected query row, or -1; the head view binds it to the heatmap's selected row. */
    public IntegerProperty selectedQueryProperty() {
        return selectedQuery;
    }

    public int getSelectedQuery() {
        return selectedQuery.get();
    }

    public void setSelectedQuery(int q) {
        selectedQuery.set(q);
    }

    /** The query token under the mouse, or -1. */
    public ReadOnlyIntegerProperty hoveredQueryProperty() {
        return hoveredQuery.getReadOnlyProperty();
    }

    /** The hovered query if any, else the selected one, else -1: the query whose lines are highlighted. */
    public int focusedQuery() {
        return hoveredQuery.get() >= 0 ? hoveredQuery.get() : selectedQuery.get();
    }

    public Canvas canvas() {
        return canvas;
    }

    public RenderStats renderStats() {
        return stats;
    }

    /** Scroll offset of the token columns, in pixels. */
    public double getScrollY() {
        return scrollY;
    }

    public void scrollTo(double y) {
        double clamped = Math.max(0, Math.min(maxScroll(), y));
        scrollBar.setValue(clamped); // the bar's listener redraws when its value changes...
        if (scrollY != clamped) { // ...and this covers the bar already holding that value
            scrollY = clamped;
            redraw();
        }
    }

    /** Where query token {@code q}'s label is drawn, in the canvas's coordinates (possibly scrolled out of view). */
    public Bounds queryBounds(int q) {
        return new BoundingBox(queryX - 6 - queryLabelW, rowY(q) - ROW_PX / 2, queryLabelW + 4, ROW_PX);
    }

    /** Where key token {@code k}'s label is drawn. */
    public Bounds keyBounds(int k) {
        return new BoundingBox(keyX + 2, rowY(k) - ROW_PX / 2, keyLabelW + 4, ROW_PX);
    }

    /** The x of the query column's line ends and the key column's. */
    public double queryLineX() {
        return queryX;
    }

    public double keyLineX() {
        return keyX;
    }

    // On a pixel centre, so that level lines are crisp rather than smeared over two rows of pixels.
    private double lineY(int i) {
        return Math.floor(rowY(i)) + 0.5;
    }

    /** The y of token row {@code i}'s centre. */
    public double rowY(int i) {
        return headerH + (i + 0.5) * ROW_PX - scrollY;
    }

    // ---------------------------------------------------------------- layout and drawing

    private int tokens() {
        return Math.max(m.rows(), m.cols());
    }

    private double maxScroll() {
        return Math.max(0, tokens() * ROW_PX - (canvas.getHeight() - headerH));
    }

    private void layoutColumns() {
        double w = canvas.getWidth();
        headerH = Math.ceil(Fx.lineHeight(HEADER_FONT) + 12);
        double labels = queryLabelW + keyLabelW + 2 * 8;
        double gap = Math.max(GAP_MIN, Math.min(GAP_MAX, w - 2 * PAD - labels));
        // The whole composition is centred, so a wide window does not stretch the lines into near-horizontals.
        double left = Math.max(PAD, (w - labels - gap) / 2);
        queryX = left + queryLabelW + 8;
        keyX = queryX + gap;
        double view = Math.max(0, canvas.getHeight() - headerH);
        scrollBar.setMax(maxScroll());
        scrollBar.setVisibleAmount(view);
        scrollBar.setUnitIncrement(ROW_PX);
        scrollBar.setBlockIncrement(Math.max(ROW_PX, view * 0.9));
        // Hidden, not unmanaged, when everything fits: a bar that comes and goes would change the width it depends on.
        scrollBar.setVisible(maxScroll() > 0);
        scrollY = Math.min(scrollY, maxScroll());
        scrollBar.setValue(scrollY);
        if (revealPending && view > 0) {
            revealPending = false;
            if (selectedQuery.get() >= 0) {
                ensureVisible(selectedQuery.get());
            }
        }
    }

    /** Redraws the visible rows now. */
    public void redraw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.clearRect(0, 0, w, h);
        if (w <= 0 || h <= headerH || m.rows() == 0 || m.cols() == 0) {
            return;
        }
        int first = Math.max(0, (int) Math.floor(scrollY / ROW_PX));
        int last = Math.min(tokens(), (int) Math.ceil((scrollY + h - headerH) / ROW_PX));
        int focus = focusedQuery();
        int qFirst = Math.min(first, m.rows());
        int qLast = Math.min(last, m.rows());
        int kFirst = Math.min(first, m.cols());
        int kLast = Math.min(last, m.cols());

        // First pass: how many unfocused lines each weight step (0.001 wide) has; keep the strongest steps that fit.
        long[] perStep = new long[STEPS + 1];
        long read = visitUnfocused(qFirst, qLast, kFirst, kLast, focus, (q, k) -> {
            double wgt = weight(q, k);
            if (wgt >= MIN_WEIGHT) {
                perStep[step(wgt)]++;
            }
        });
        int threshold = LineWeights.thresholdStep(perStep, LINE_BUDGET);

        g.save();
        g.beginPath();
        g.rect(0, headerH, w, h - headerH);
        g.clip();
        g.setLineWidth(LINE_PX);
        double alpha = focus >= 0 ? DIM : 1;
        long[] drawn = {0};
        visitUnfocused(qFirst, qLast, kFirst, kLast, focus, (q, k) -> {
            double wgt = weight(q, k);
            if (wgt >= MIN_WEIGHT && step(wgt) >= threshold) {
                stroke(g, q, k, wgt * alpha, false);
                drawn[0]++;
            }
        });
        if (focus >= 0) {
            g.setLineWidth(FOCUS_LINE_PX);
            for (int k = 0; k < m.cols(); k++) {
                read++;
                double wgt = weight(focus, k);
                if (wgt >= MIN_WEIGHT) {
                    stroke(g, focus, k, wgt, true);
                    drawn[0]++;
                }
            }
        }
        drawTokens(g, qFirst, qLast, kFirst, kLast, focus);
        g.restore();
        drawHeader(g);
        stats = new RenderStats(first, last, read, drawn[0], LineWeights.thresholdWeight(threshold));
    }

    private interface LineVisitor {
        void visit(int q, int k);
    }

    /**
     * Every line but the focused query's with an end in view: from the visible queries to all keys, then from the
     * queries out of view to the visible keys. Returns how many it visited.
     */
    private long visitUnfocused(int qFirst, int qLast, int kFirst, int kLast, int focus, LineVisitor v) {
        long n = 0;
        for (int q = qFirst; q < qLast; q++) {
            if (q != focus) {
                for (int k = 0; k < m.cols(); k++) {
                    v.visit(q, k);
                }
                n += m.cols();
            }
        }
        for (int q = 0; q < m.rows(); q++) {
            if ((q < qFirst || q >= qLast) && q != focus) {
                for (int k = kFirst; k < kLast; k++) {
                    v.visit(q, k);
                }
                n += kLast - kFirst;
            }
        }
        return n;
    }

    private static int step(double weight) {
        return LineWeights.step(weight);
    }

    /** The weight as a line opacity in [0, 1] (NaN for none). */
    private double weight(int q, int k) {
        return weights.opacity(q, k);
    }

    private void stroke(GraphicsContext g, int q, int k, double opacity, boolean focused) {
        g.setStroke(shade(q, k, opacity, focused));
        g.strokeLine(queryX, lineY(q), keyX, lineY(k));
    }

    private Color shade(int q, int k, double opacity, boolean focused) {
        // Differences keep their sign's colour when focused: the line width and dimming show the focus.
        int kind = m.diverging() ? (weights.positive(q, k) ? 1 : 2) : focused ? 3 : 0;
        int a = (int) Math.round(Math.max(0, Math.min(1, opacity)) * 255);
        Color c = shades[kind][a];
        if (c == null) {
            c = shades[kind][a] = BASES[kind].deriveColor(0, 1, 1, a / 255.0);
        }
        return c;
    }

    private void drawTokens(GraphicsContext g, int qFirst, int qLast, int kFirst, int kLast, int focus) {
        g.setTextBaseline(VPos.CENTER);
        int sel = selectedQuery.get();
        for (int k = kFirst; k < kLast; k++) {
            Bounds b = keyBounds(k);
            if (focus >= 0) {
                // The focused query's weight on each key, as bertviz shades the key boxes.
                double wgt = weight(focus, k);
                if (wgt >= MIN_WEIGHT) {
                    g.setFill(shade(focus, k, wgt, true));
                    g.fillRect(b.getMinX(), b.getMinY() + 1, b.getWidth(), b.getHeight() - 2);
                }
            }
        }
        for (int q = qFirst; q < qLast; q++) {
            if (q == focus || q == sel) {
                Bounds b = queryBounds(q);
                g.setFill(Fx.ACCENT.deriveColor(0, 1, 1, q == focus ? 0.3 : 0.15));
                g.fillRect(b.getMinX(), b.getMinY() + 1, b.getWidth(), b.getHeight() - 2);
            }
        }
        g.setTextAlign(TextAlignment.RIGHT);
        for (int q = qFirst; q < qLast; q++) {
            g.setFont(q == focus || q == sel ? TOKEN_FONT_BOLD : TOKEN_FONT);
            g.setFill(Fx.TEXT);
            g.fillText(queryText.get(q), queryX - 6, rowY(q));
        }
        g.setTextAlign(TextAlignment.LEFT);
        g.setFont(TOKEN_FONT);
        for (int k = kFirst; k < kLast; k++) {
            double wgt = focus >= 0 ? weight(focus, k) : 0;
            g.setFill(wgt >= MIN_WEIGHT ? Fx.textOn(onWhite(shade(focus, k, wgt, true))) : Fx.TEXT);
            g.fillText(keyText.get(k), keyX + 4, rowY(k));
        }
    }

    /** A translucent colour as it shows on the white background. */
    private static int onWhite(Color c) {
        double a = c.getOpacity();
        return Fx.argb(Color.color(c.getRed() * a + 1 - a, c.getGreen() * a + 1 - a, c.getBlue() * a + 1 - a));
    }

    private void drawHeader(GraphicsContext g) {
        g.setFont(HEADER_FONT);
        g.setFill(Fx.TEXT);
        g.setTextBaseline(VPos.CENTER);
        g.setTextAlign(TextAlignment.RIGHT);
        g.fillText(axisName(m.rowAxis(), "query"), queryX - 6, headerH / 2);
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText(axisName(m.colAxis(), "key"), keyX + 4, headerH / 2);
        g.setStroke(Color.web("#cccccc"));
        g.setLineWidth(1);
        g.strokeLine(0, Math.floor(headerH) - 0.5, canvas.getWidth(), Math.floor(headerH) - 0.5);
    }

    // ---------------------------------------------------------------- interaction

    /** The query token whose label (or line end) is at a canvas point, or -1. */
    private int queryAt(double x, double y) {
        if (y < headerH || x > queryX + 6 || x < queryX - 10 - queryLabelW) {
            return -1;
        }
        int q = (int) Math.floor((y - headerH + scrollY) / ROW_PX);
        return q >= 0 && q < m.rows() ? q : -1;
    }

    private void ensureVisible(int q) {
        double view = canvas.getHeight() - headerH;
        if (view <= 0) {
            revealPending = true;
            return;
        }
        double top = q * ROW_PX;
        if (top < scrollY || top + ROW_PX > scrollY + view) {
            // Centred, not just at an edge: a causal query looks at the tokens above it, and they should show too.
            scrollTo(top + ROW_PX / 2 - view / 2);
        }
    }

    private void keyPressed(KeyEvent e) {
        KeyCode code = e.getCode();
        switch (code) {
            case UP, DOWN -> {
                int step = code == KeyCode.UP ? -1 : 1;
                int q = selectedQuery.get();
                selectedQuery.set(q < 0 ? (step > 0 ? 0 : m.rows() - 1) : Math.max(0, Math.min(m.rows() - 1, q + step)));
            }
            case ESCAPE -> selectedQuery.set(-1);
            case PAGE_UP -> scrollTo(scrollY - (canvas.getHeight() - headerH) * 0.9);
            case PAGE_DOWN -> scrollTo(scrollY + (canvas.getHeight() - headerH) * 0.9);
            case HOME -> scrollTo(0);
            case END -> scrollTo(maxScroll());
            default -> {
                return;
            }
        }
        e.consume();
    }

    private static String axisName(String s, String fallback) {
        return s == null || s.isBlank() ? fallback : s;
    }
}
