package dev.loupe.app.ui.workspace;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The open result tabs, in the order shown, and which one is selected (whose notes the notes area edits). */
public final class WorkspaceViewModel {
    private final ObservableList<RunTab> tabs = FXCollections.observableArrayList();
    private final ObjectProperty<RunTab> selected = new SimpleObjectProperty<>();

    public void add(RunTab tab) {
        tabs.add(tab);
        selected.set(tab);
    }

    public void replaceAll(java.util.List<RunTab> all, RunTab select) {
        selected.set(null);
        tabs.setAll(all);
        selected.set(select != null ? select : all.isEmpty() ? null : all.get(all.size() - 1));
    }

    public void close(RunTab tab) {
        int i = tabs.indexOf(tab);
        tabs.remove(tab);
        if (selected.get() == tab) {
            selected.set(tabs.isEmpty() ? null : tabs.get(Math.min(i, tabs.size() - 1)));
        }
    }

    public RunTab find(long runId) {
        return tabs.stream().filter(t -> t.runId() == runId).findFirst().orElse(null);
    }

    public ObservableList<RunTab> tabs() {
        return tabs;
    }

    public ObjectProperty<RunTab> selectedProperty() {
        return selected;
    }
}
