package dev.loupe.viewers.tokens;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.TokenScoresResult;
import dev.loupe.viewers.ResultPane;
import dev.loupe.viewers.ViewStates;
import dev.loupe.viewers.color.ColorBar;
import dev.loupe.viewers.color.ColorScale;
import dev.loupe.viewers.color.NiceTicks;
import dev.loupe.viewers.export.Labels;
import dev.loupe.viewers.fx.Fx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Background;
import javafx.scene.layout.BackgroundFill;
import javafx.scene.layout.Border;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.BorderStroke;
import javafx.scene.layout.BorderStrokeStyle;
import javafx.scene.layout.BorderWidths;
import javafx.scene.layout.CornerRadii;
import javafx.scene.layout.FlowPane;
import javafx.scene.paint.Color;
import javafx.util.Duration;

/**
 * A {@link TokenScoresResult} as running text: each token a chip coloured by its score, the score on hover, a colour
 * bar beside. Clicking a chip selects the token (kept in the view state).
 */
public final class TokenScoresView extends ResultPane<TokenScoresResult> {
    private static final CornerRadii RADII = new CornerRadii(3);
    private static final Border NORMAL = border(Color.rgb(0, 0, 0, 0.16), 1);
    private static final Border SELECTED = border(Fx.ACCENT, 2);

    private final ColorScale scale;
    private final List<Label> chips = new ArrayList<>();
    private final IntegerProperty selectedToken = new SimpleIntegerProperty(this, "selectedToken", -1);

    public TokenScoresView(TokenScoresResult result) {
        super(result);
        this.scale = ColorScale.forValues(result.scores(), result.diverging());
        FlowPane flow = new FlowPane(3, 4);
        flow.setPadding(new Insets(8));
        for (int i = 0; i < result.tokens().size(); i++) {
            flow.getChildren().add(chip(i));
        }
        ScrollPane scroll = new ScrollPane(flow);
        scroll.setFitToWidth(true);
        getStyleClass().add("loupe-token-scores");
        if (!result.title().isBlank()) {
            Label title = new Label(result.title());
            title.setStyle("-fx-font-weight: bold; -fx-padding: 4 8 2 8;");
            setTop(title);
        }
        setCenter(scroll);
        ColorBar bar = new ColorBar(scale, result.scoreLabel());
        bar.setMaxHeight(260); // a short text needs no full-height bar
        BorderPane.setAlignment(bar, javafx.geometry.Pos.TOP_RIGHT);
        setRight(bar);
        selectedToken.addListener((o, was, now) -> {
            if (was.intValue() >= 0 && was.intValue() < chips.size()) {
                chips.get(was.intValue()).setBorder(NORMAL);
            }
            if (now.intValue() >= 0 && now.intValue() < chips.size()) {
                chips.get(now.intValue()).setBorder(SELECTED);
            }
        });
    }

    private Label chip(int i) {
        int argb = scale.argb(result.scores()[i]);
        Label chip = new Label(Labels.display(result.tokens().get(i), 40));
        chip.setBackground(new Background(new BackgroundFill(Fx.color(argb), RADII, Insets.EMPTY)));
        chip.setBorder(NORMAL);
        chip.setTextFill(Fx.textOn(argb));
        chip.setPadding(new Insets(2, 4, 2, 4));
        chip.getStyleClass().add("loupe-token-chip");
        String label = result.scoreLabel() == null || result.scoreLabel().isBlank() ? "score" : result.scoreLabel();
        Tooltip tip = new Tooltip(Labels.display(result.tokens().get(i), 60) + "  [" + i + "]\n" + label + ": "
                + NiceTicks.value(result.scores()[i]));
        tip.setShowDelay(Duration.millis(150));
        chip.setTooltip(tip);
        chip.setOnMouseClicked(e -> selectedToken.set(selectedToken.get() == i ? -1 : i));
        chips.add(chip);
        return chip;
    }

    private static Border border(Color c, double width) {
        return new Border(new BorderStroke(c, BorderStrokeStyle.SOLID, RADII, new BorderWidths(width)));
    }

    public ColorScale colorScale() {
        return scale;
    }

    /** The chips in token order (for tests and overlays). */
    public List<Label> chips() {
        return Collections.unmodifiableList(chips);
    }

    public IntegerProperty selectedTokenProperty() {
        return selectedToken;
    }

    @Override
    public JsonObject viewState() {
        JsonObject o = new JsonObject();
        o.addProperty("selectedToken", selectedToken.get());
        return o;
    }

    @Override
    public void restoreViewState(JsonObject state) {
        int i = ViewStates.getInt(state, "selectedToken", -1);
        selectedToken.set(i >= 0 && i < chips.size() ? i : -1);
    }
}
