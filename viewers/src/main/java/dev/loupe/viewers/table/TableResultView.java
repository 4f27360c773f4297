package dev.loupe.viewers.table;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.TableResult;
import dev.loupe.viewers.ResultPane;
import dev.loupe.viewers.ViewStates;
import dev.loupe.viewers.export.TableFigure;
import java.util.Comparator;
import java.util.List;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;

/**
 * A {@link TableResult} in a sortable TableView: numbers sort as numbers and sit right-aligned, text sorts as text.
 * The view state keeps the sort order.
 */
public final class TableResultView extends ResultPane<TableResult> {

    /** Numbers before text, numbers by value, text alphabetically, empty cells last. */
    public static final Comparator<Object> CELL_ORDER = (a, b) -> {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : 1) : -1;
        }
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof Number != b instanceof Number) {
            return a instanceof Number ? -1 : 1;
        }
        return a.toString().compareToIgnoreCase(b.toString());
    };

    private final TableView<List<Object>> table = new TableView<>();

    public TableResultView(TableResult result) {
        super(result);
        for (int i = 0; i < result.columns().size(); i++) {
            final int col = i;
            TableColumn<List<Object>, Object> column = new TableColumn<>(result.columns().get(i));
            column.setCellValueFactory(row -> new ReadOnlyObjectWrapper<>(row.getValue().get(col)));
            column.setComparator(CELL_ORDER);
            column.setCellFactory(c -> new TableCell<>() {
                @Override
                protected void updateItem(Object item, boolean empty) {
                    super.updateItem(item, empty);
                    setText(empty || item == null ? null : TableFigure.format(item));
                    setAlignment(item instanceof Number ? Pos.CENTER_RIGHT : Pos.CENTER_LEFT);
                }
            });
            table.getColumns().add(column);
        }
        SortedList<List<Object>> rows = new SortedList<>(FXCollections.observableArrayList(result.rows()));
        rows.comparatorProperty().bind(table.comparatorProperty());
        table.setItems(rows);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        getStyleClass().add("loupe-table");
        setCenter(table);
    }

    public TableView<List<Object>> table() {
        return table;
    }

    @Override
    public JsonObject viewState() {
        JsonArray sort = new JsonArray();
        for (TableColumn<List<Object>, ?> c : table.getSortOrder()) {
            JsonObject s = new JsonObject();
            s.addProperty("column", c.getText());
            s.addProperty("ascending", c.getSortType() == TableColumn.SortType.ASCENDING);
            sort.add(s);
        }
        JsonObject o = new JsonObject();
        o.add("sort", sort);
        return o;
    }

    @Override
    public void restoreViewState(JsonObject state) {
        table.getSortOrder().clear();
        JsonElement sort = state == null ? null : state.get("sort");
        if (sort == null || !sort.isJsonArray()) {
            return;
        }
        for (JsonElement e : sort.getAsJsonArray()) {
            if (!e.isJsonObject()) {
                continue;
            }
            String name = ViewStates.getString(e.getAsJsonObject(), "column", null);
            boolean ascending = ViewStates.getBoolean(e.getAsJsonObject(), "ascending", true);
            for (TableColumn<List<Object>, ?> c : table.getColumns()) {
                if (c.getText().equals(name) && !table.getSortOrder().contains(c)) {
                    c.setSortType(ascending ? TableColumn.SortType.ASCENDING : TableColumn.SortType.DESCENDING);
                    table.getSortOrder().add(c);
                }
            }
        }
        table.sort();
    }
}
