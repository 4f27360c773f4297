package dev.loupe.app.ui.shell;

import dev.loupe.app.ui.UiServices;
import dev.loupe.app.ui.input.InputPanel;
import dev.loupe.app.ui.model.ModelPanel;
import dev.loupe.app.ui.plugins.PluginPanel;
import dev.loupe.app.ui.session.SessionViewModel;
import dev.loupe.app.ui.workspace.WorkspaceView;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.event.ActionEvent;
import javafx.event.EventHandler;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.util.Duration;
import org.controlsfx.control.NotificationPane;
import org.controlsfx.control.StatusBar;

/**
 * The main window: menus, the sidebar (model, input, analysis), the workspace, and the status bar. It binds
 * controls to {@link MainViewModel} and forwards actions; it decides nothing itself.
 */
public final class MainWindow {
    static final String BASE_CSS = "loupe.css";
    static final String DARK_CSS = "dark.css";

    private final Stage stage;
    private final Scene scene;
    private final Label lastMessage = new Label();
    private final NotificationPane notifications = new NotificationPane();
    private final FxUiServices services;
    private MainViewModel vm;
    private WorkspaceView workspaceView;
    private Timeline memoryTimer;

    public MainWindow(Stage stage) {
        this.stage = stage;
        // Never larger than the screen: a window hanging off the bottom hides the status bar and its Cancel.
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        this.scene = new Scene(new BorderPane(), Math.min(1360, screen.getWidth()), Math.min(860, screen.getHeight()));
        stage.setScene(scene);
        stage.setMinWidth(900);
        stage.setMinHeight(600);
        notifications.setShowFromTop(true);
        notifications.setId("notifications");
        services = new FxUiServices(stage, notifications, lastMessage::setText);
    }

    /** The services view models use to talk to the person at this window. */
    public UiServices services() {
        return services;
    }

    public void bind(MainViewModel viewModel) {
        this.vm = viewModel;
        workspaceView = new WorkspaceView(vm.workspace(), vm.session());

        VBox sidebar = new VBox(
                section("Model", new ModelPanel(vm.model())),
                section("Input", new InputPanel(vm.input())),
                section("Analysis", new PluginPanel(vm.plugins(), vm.runs())));
        sidebar.getStyleClass().add("sidebar");
        ScrollPane sideScroll = new ScrollPane(sidebar);
        sideScroll.setFitToWidth(true);
        sideScroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        sideScroll.getStyleClass().add("sidebar-scroll");
        sideScroll.setMinWidth(300);

        SplitPane body = new SplitPane(sideScroll, workspaceView);
        body.setDividerPositions(0.28);
        SplitPane.setResizableWithParent(sideScroll, false);

        notifications.setContent(body);
        BorderPane root = new BorderPane(notifications);
        root.setTop(menus());
        root.setBottom(statusBar());
        scene.setRoot(root);
        installShortcuts();
        installDragAndDrop();
        applyTheme(vm.themeProperty().get());
        vm.themeProperty().addListener((obs, old, t) -> applyTheme(t));

        stage.titleProperty().bind(Bindings.createStringBinding(() -> {
            Path f = vm.session().sessionFileProperty().get();
            String model = vm.model().openedProperty().get() == null ? "" : " · " + vm.model().titleProperty().get();
            return "Loupe" + (f == null ? "" : " — " + f.getFileName()) + model;
        }, vm.session().sessionFileProperty(), vm.model().openedProperty(), vm.model().titleProperty()));
    }

    private static TitledPane section(String title, javafx.scene.Node content) {
        TitledPane t = new TitledPane(title, content);
        t.setCollapsible(true);
        t.getStyleClass().add("sidebar-section");
        return t;
    }

    private MenuBar menus() {
        Menu file = new Menu("_File");
        file.getItems().addAll(
                item("_Open model…", "Shortcut+O", e -> vm.model().chooseAndOpen()),
                recentMenu("Open _recent model", vm.model().recent(), p -> vm.model().open(p)),
                new SeparatorMenuItem(),
                item("_New session", null, e -> vm.session().newSession()),
                item("Open _session…", "Shortcut+Shift+O", e -> vm.session().chooseAndOpenSession()),
                recentMenu("Open recent sess_ion", vm.session().recent(), p -> vm.session().openSession(p)),
                item("_Save session", "Shortcut+S", e -> vm.session().saveSession()),
                item("Save session _as…", "Shortcut+Shift+S", e -> vm.session().chooseAndSaveSessionAs()),
                item("Export session…", null, e -> vm.session().chooseAndExportSession()),
                item("Import session…", null, e -> vm.session().chooseAndImportSession()),
                new SeparatorMenuItem(),
                item("_Export figure as PNG…", "Shortcut+E", e -> vm.exports().chooseAndExportFigure("png")),
                item("Export figure as SVG…", "Shortcut+Shift+E", e -> vm.exports().chooseAndExportFigure("svg")),
                item("Export data as CSV…", null, e -> vm.exports().chooseAndExportData("csv")),
                item("Export data as JSON…", null, e -> vm.exports().chooseAndExportData("json")),
                new SeparatorMenuItem(),
                item("_Quit", "Shortcut+Q", e -> stage.close()));

        Menu run = new Menu("_Run");
        MenuItem runItem = item("_Run", "Shortcut+R", e -> vm.runs().run());
        runItem.disableProperty().bind(vm.runs().canRunBinding().not());
        MenuItem cancel = item("_Cancel", null, e -> vm.status().cancel());
        cancel.disableProperty().bind(vm.status().cancellableProperty().not());
        run.getItems().addAll(runItem, cancel);

        Menu view = new Menu("_View");
        ToggleGroup themes = new ToggleGroup();
        RadioMenuItem light = new RadioMenuItem("_Light theme");
        RadioMenuItem dark = new RadioMenuItem("_Dark theme");
        light.setToggleGroup(themes);
        dark.setToggleGroup(themes);
        (vm.themeProperty().get().equals("dark") ? dark : light).setSelected(true);
        light.setOnAction(e -> vm.themeProperty().set("light"));
        dark.setOnAction(e -> vm.themeProperty().set("dark"));
        view.getItems().addAll(light, dark);

        Menu help = new Menu("_Help");
        help.getItems().add(item("_About Loupe and its plugins", "F1", e -> showAbout()));

        MenuBar bar = new MenuBar(file, run, view, help);
        bar.setUseSystemMenuBar(true);
        return bar;
    }

    /** Help ▸ About: the text is selectable, so it can be pasted into a bug report. */
    private void showAbout() {
        javafx.scene.control.TextArea text = new javafx.scene.control.TextArea(vm.aboutText());
        text.setEditable(false);
        text.setWrapText(false);
        text.setPrefSize(640, 360);
        javafx.scene.control.Alert about = new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.INFORMATION);
        about.initOwner(stage);
        about.setTitle("About Loupe");
        about.setHeaderText("Loupe: a visual interpretability workbench");
        about.getDialogPane().setContent(text);
        about.show();
    }

    /** A submenu of recent paths, kept in step with the list; disabled while it is empty. */
    private static Menu recentMenu(String text, javafx.collections.ObservableList<Path> paths,
            java.util.function.Consumer<Path> open) {
        Menu menu = new Menu(text);
        Runnable fill = () -> {
            menu.getItems().clear();
            for (Path p : paths) {
                MenuItem i = new MenuItem(p.toString());
                i.setMnemonicParsing(false);
                i.setOnAction(e -> open.accept(p));
                menu.getItems().add(i);
            }
            menu.setDisable(menu.getItems().isEmpty());
        };
        paths.addListener((ListChangeListener<Path>) c -> fill.run());
        fill.run();
        return menu;
    }

    private static MenuItem item(String text, String accelerator, EventHandler<ActionEvent> action) {
        MenuItem i = new MenuItem(text);
        if (accelerator != null) {
            i.setAccelerator(KeyCombination.keyCombination(accelerator));
        }
        i.setOnAction(action);
        return i;
    }

    /** F5 runs too: a menu item has only one accelerator. */
    private void installShortcuts() {
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F5), () -> {
            if (vm.runs().canRunBinding().get()) {
                vm.runs().run();
            }
        });
    }

    private StatusBar statusBar() {
        StatusBar bar = new StatusBar();
        bar.setId("status-bar");
        bar.textProperty().bind(Bindings.createStringBinding(() -> vm.status().busyProperty().get()
                ? vm.status().taskTextProperty().get() : lastMessage.getText().isEmpty() ? "Ready" : lastMessage.getText(),
                vm.status().busyProperty(), vm.status().taskTextProperty(), lastMessage.textProperty()));

        ProgressBar progress = new ProgressBar();
        progress.setId("task-progress");
        progress.setPrefWidth(160);
        progress.progressProperty().bind(vm.status().progressProperty());
        progress.visibleProperty().bind(vm.status().busyProperty());
        progress.managedProperty().bind(progress.visibleProperty());
        Button cancel = new Button("Cancel");
        cancel.setId("cancel-task");
        cancel.visibleProperty().bind(vm.status().busyProperty());
        cancel.managedProperty().bind(cancel.visibleProperty());
        cancel.disableProperty().bind(vm.status().cancellableProperty().not());
        cancel.setOnAction(e -> vm.status().cancel());
        bar.getLeftItems().addAll(progress, cancel);

        Label device = new Label();
        device.setId("status-device");
        device.textProperty().bind(vm.status().deviceProperty());
        Label memory = new Label();
        memory.setId("status-memory");
        memory.textProperty().bind(vm.status().memoryProperty());
        bar.getRightItems().addAll(device, new Separator(Orientation.VERTICAL), memory);
        bar.setPadding(new Insets(2, 8, 2, 8));

        memoryTimer = new Timeline(new KeyFrame(Duration.seconds(2), e -> vm.status().refreshMemory()));
        memoryTimer.setCycleCount(Timeline.INDEFINITE);
        memoryTimer.play();
        return bar;
    }

    /** A folder dropped on the window opens as a model; a .loupe file opens as a session. */
    private void installDragAndDrop() {
        scene.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles() && e.getDragboard().getFiles().size() == 1) {
                e.acceptTransferModes(TransferMode.COPY, TransferMode.LINK);
            }
            e.consume();
        });
        scene.setOnDragDropped(e -> {
            List<File> files = e.getDragboard().getFiles();
            boolean done = files != null && files.size() == 1;
            if (done) {
                openDropped(files.get(0).toPath());
            }
            e.setDropCompleted(done);
            e.consume();
        });
    }

    void openDropped(Path p) {
        if (p.getFileName().toString().endsWith("." + SessionViewModel.SESSION_EXTENSION) && !p.toFile().isDirectory()) {
            vm.session().openSession(p);
        } else {
            vm.model().open(p);
        }
    }

    private void applyTheme(String theme) {
        scene.getStylesheets().setAll(css(BASE_CSS));
        if ("dark".equals(theme)) {
            scene.getStylesheets().add(css(DARK_CSS));
        }
    }

    private static String css(String name) {
        var url = MainWindow.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("missing stylesheet " + name);
        }
        return url.toExternalForm();
    }

    /** Stops the window's timers; the app calls it when it stops (tests start several apps in one JVM). */
    public void dispose() {
        if (memoryTimer != null) {
            memoryTimer.stop();
        }
        services.dispose();
    }

    public Stage stage() {
        return stage;
    }

    WorkspaceView workspaceView() {
        return workspaceView;
    }
}
