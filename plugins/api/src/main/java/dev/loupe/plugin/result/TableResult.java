package dev.loupe.plugin.result;

import java.util.List;

/** A sortable table: named columns, rows of cells that are numbers or text. */
public record TableResult(String title, List<String> columns, List<List<Object>> rows) implements Result {
    public TableResult {
        columns = List.copyOf(columns);
        rows = rows.stream().map(r -> {
            if (r.size() != columns.size()) {
                throw new IllegalArgumentException("row has " + r.size() + " cells for " + columns.size() + " columns");
            }
            return List.copyOf(r);
        }).toList();
    }
}
