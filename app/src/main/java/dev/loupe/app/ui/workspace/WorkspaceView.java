package dev.loupe.app.ui.workspace;

import dev.loupe.app.ui.session.SessionViewModel;
import dev.loupe.viewers.ResultView;
import dev.loupe.viewers.ResultViews;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javafx.animation.PauseTransition;
import javafx.collections.ListChangeListener;
import javafx.geometry.Orientation;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/**
 * The workspace: one closable, reorderable tab per open result, and below it the notes of the selected run. The
 * view model's tab list is the truth; this view reconciles the TabPane with it, and reports the user's drags and
 * closes back to it.
 */
public final class WorkspaceView extends SplitPane {
    private final SessionViewModel session;
    private final WorkspaceViewModel vm;
    private final TabPane tabPane = new TabPane();
    private final Map<RunTab, Tab> fxTabs = new IdentityHashMap<>();
    private boolean syncing;

    public WorkspaceView(WorkspaceViewModel vm, SessionViewModel session) {
        this.session = session;
        this.vm = vm;
        setOrientation(Orientation.VERTICAL);
        tabPane.setId("workspace-tabs");
        tabPane.setTabDragPolicy(TabPane.TabDragPolicy.REORDER);
        tabPane.setTabClosingPolicy(TabPane.TabClosingPolicy.ALL_TABS);

        Label empty = new Label("Open a model, type a prompt, choose a plugin and press Run:\n"
                + "each result opens here as a tab, and is saved in the session.");
        empty.getStyleClass().add("placeholder");
        StackPane tabsArea = new StackPane(tabPane, empty);
        empty.visibleProperty().bind(javafx.beans.binding.Bindings.isEmpty(vm.tabs()));
        empty.setMouseTransparent(true);

        TextArea notes = new TextArea();
        notes.setId("notes");
        notes.setWrapText(true);
        notes.setPromptText("Notes on the selected run: saved with the session");
        notes.disableProperty().bind(vm.selectedProperty().isNull());
        Label notesLabel = new Label("Notes");
        notesLabel.getStyleClass().add("section-label");
        VBox notesBox = new VBox(2, notesLabel, notes);
        notesBox.getStyleClass().add("notes");
        VBox.setVgrow(notes, javafx.scene.layout.Priority.ALWAYS);
        vm.selectedProperty().addListener((obs, old, t) -> {
            if (old != null) {
                notes.textProperty().unbindBidirectional(old.notesProperty());
            }
            if (t != null) {
                notes.textProperty().bindBidirectional(t.notesProperty());
            } else {
                notes.clear();
            }
        });
        // Notes are saved when the typing pauses and when the area loses focus, so a crash loses seconds at most.
        PauseTransition typingPause = new PauseTransition(Duration.seconds(2));
        typingPause.setOnFinished(e -> session.autosave());
        notes.textProperty().addListener((obs, old, text) -> {
            if (notes.isFocused()) {
                typingPause.playFromStart();
            }
        });
        notes.focusedProperty().addListener((obs, was, is) -> {
            if (!is) {
                typingPause.stop();
                session.autosave();
            }
        });

        getItems().addAll(tabsArea, notesBox);
        setDividerPositions(0.84);
        SplitPane.setResizableWithParent(notesBox, false);

        vm.tabs().addListener((ListChangeListener<RunTab>) c -> reconcile());
        vm.selectedProperty().addListener((obs, old, t) -> {
            if (!syncing) {
                tabPane.getSelectionModel().select(t == null ? null : fxTabs.get(t));
            }
        });
        tabPane.getSelectionModel().selectedItemProperty().addListener((obs, old, tab) -> {
            if (!syncing && tab != null) {
                vm.selectedProperty().set((RunTab) tab.getUserData());
            }
        });
        // A drag reorders the TabPane's list; mirror the order into the view model.
        tabPane.getTabs().addListener((ListChangeListener<Tab>) c -> {
            if (!syncing) {
                List<RunTab> order = new ArrayList<>();
                tabPane.getTabs().forEach(t -> order.add((RunTab) t.getUserData()));
                if (order.size() == vm.tabs().size() && !order.equals(vm.tabs())) {
                    syncing = true;
                    try {
                        vm.tabs().setAll(order);
                    } finally {
                        syncing = false;
                    }
                }
            }
        });
        reconcile();
    }

    /** Makes the TabPane show exactly the view model's tabs, in its order, creating views for new ones. */
    private void reconcile() {
        if (syncing) {
            return;
        }
        syncing = true;
        try {
            List<Tab> wanted = new ArrayList<>();
            for (RunTab t : vm.tabs()) {
                wanted.add(fxTabs.computeIfAbsent(t, this::createTab));
            }
            fxTabs.keySet().retainAll(new ArrayList<>(vm.tabs()));
            if (!tabPane.getTabs().equals(wanted)) {
                tabPane.getTabs().setAll(wanted);
            }
            RunTab sel = vm.selectedProperty().get();
            tabPane.getSelectionModel().select(sel == null ? null : fxTabs.get(sel));
        } finally {
            syncing = false;
        }
    }

    private Tab createTab(RunTab t) {
        Tab tab = new Tab(shorten(t.title()));
        tab.setUserData(t);
        tab.setId("run-" + t.runId());
        Tooltip tip = new Tooltip(t.title() + "\n" + t.description());
        tip.setWrapText(true);
        tip.setMaxWidth(520);
        tab.setTooltip(tip);
        try {
            ResultView view = ResultViews.create(t.result());
            if (t.restoredViewState() != null) {
                view.restoreViewState(t.restoredViewState());
            }
            t.setViewState(view::viewState);
            // Figures sit on a light "paper" surface in either theme, as they look when exported.
            StackPane surface = new StackPane(view.node());
            surface.getStyleClass().add("result-surface");
            tab.setContent(surface);
        } catch (RuntimeException | LinkageError e) {
            // One result that cannot render must not take the workspace with it.
            Label l = new Label("This result cannot be shown: " + dev.loupe.app.task.ErrorMessages.oneLine(e));
            l.getStyleClass().add("inline-error");
            l.setWrapText(true);
            tab.setContent(new StackPane(l));
        }
        // The view model decides: it saves the tab's notes and the workspace, then removes the tab.
        tab.setOnCloseRequest(e -> {
            e.consume();
            session.closeTab(t);
        });
        return tab;
    }

    private static String shorten(String title) {
        return title.length() <= 48 ? title : title.substring(0, 47) + "…";
    }

    TabPane tabPane() {
        return tabPane;
    }
}
