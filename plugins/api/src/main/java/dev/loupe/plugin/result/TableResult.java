package dev.loupe.plugin.result;

import java.util.ArrayList;
import java.util.List;

/** A sortable table: named columns, rows of cells that are numbers or text. */
public record TableResult(String title, List<String> columns, List<List<Object>> rows) implements Result {
    public TableResult {
        columns = List.copyOf(columns);
        List<List<Object>> copy = new ArrayList<>();
        for (List<Object> r : rows) {
            if (r.size() != columns.size()) {
                throw new IllegalArgumentException("row has " + r.size() + " cells for " + columns.size() + " columns");
            }
            copy.add(List.copyOf(r));
        }
        rows = List.copyOf(copy);
    }
}
