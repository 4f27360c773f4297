package dev.loupe.viewers.table;

import static dev.loupe.viewers.FxTestSupport.fx;
import static dev.loupe.viewers.FxTestSupport.fxRun;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.TableResult;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.Scene;
import javafx.scene.control.TableColumn;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class TableResultViewTest {
    private StackPane root;

    @Start
    void start(Stage stage) {
        root = new StackPane();
        stage.setScene(new Scene(root, 600, 400));
        stage.show();
    }

    private static final TableResult HEADS = new TableResult("heads", List.of("head", "induction"), List.of(
            List.of("L1H4", 0.87), List.of("L0H2", 10), List.of("L2H0", 2.5), List.of("L1H1", -0.3)));

    private static List<Object> column(TableResultView view, int c) {
        List<Object> out = new ArrayList<>();
        for (List<Object> row : view.table().getItems()) {
            out.add(row.get(c));
        }
        return out;
    }

    @Test
    void clickingAHeaderSortsNumbersAsNumbers(FxRobot robot) {
        TableResultView view = fx(() -> new TableResultView(HEADS));
        fxRun(() -> root.getChildren().setAll(view));
        robot.clickOn("induction");
        // As text, "10" would sort before "2.5".
        assertEquals(List.of(-0.3, 0.87, 2.5, 10), column(view, 1));
        robot.clickOn("induction");
        assertEquals(List.of(10, 2.5, 0.87, -0.3), column(view, 1));
    }

    @Test
    void sortOrderRoundTripsThroughTheViewState() {
        TableResultView view = fx(() -> new TableResultView(HEADS));
        fxRun(() -> {
            root.getChildren().setAll(view);
            TableColumn<List<Object>, ?> head = view.table().getColumns().get(0);
            head.setSortType(TableColumn.SortType.DESCENDING);
            view.table().getSortOrder().setAll(List.of(head));
        });
        JsonObject state = fx(view::viewState);
        TableResultView other = fx(() -> new TableResultView(HEADS));
        fxRun(() -> {
            root.getChildren().setAll(other);
            other.restoreViewState(state);
        });
        assertEquals(List.of("L2H0", "L1H4", "L1H1", "L0H2"), column(other, 0));
    }

    @Test
    void cellOrderPutsNumbersBeforeTextAndEmptyLast() {
        List<Object> mixed = new ArrayList<>(java.util.Arrays.asList("b", null, 3, "a", 1.5));
        mixed.sort(TableResultView.CELL_ORDER);
        assertEquals(java.util.Arrays.asList(1.5, 3, "a", "b", null), mixed);
    }
}
