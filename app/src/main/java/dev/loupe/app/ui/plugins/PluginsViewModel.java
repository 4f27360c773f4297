package dev.loupe.app.ui.plugins;

import dev.loupe.app.plugins.PluginRegistry.LoadedPlugin;
import dev.loupe.app.plugins.PluginRegistry.PluginFailure;
import dev.loupe.engine.ModelInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The plugin list and the selected plugin's parameter form. Forms are kept per plugin for the whole session of
 * the app, so switching plugins and back keeps what was typed.
 */
public final class PluginsViewModel {
    private final ObservableList<LoadedPlugin> plugins = FXCollections.observableArrayList();
    private final ObservableList<String> problems = FXCollections.observableArrayList();
    private final ObjectProperty<LoadedPlugin> selected = new SimpleObjectProperty<>();
    private final ReadOnlyObjectWrapper<ParamFormViewModel> form = new ReadOnlyObjectWrapper<>();
    private final StringProperty notApplicable = new SimpleStringProperty("");
    private final Map<String, ParamFormViewModel> forms = new HashMap<>();
    private ModelInfo model;
    private List<String> hookNames = List.of();

    public PluginsViewModel(List<LoadedPlugin> loaded, List<PluginFailure> failures) {
        plugins.setAll(loaded);
        problems.setAll(failures.stream().map(PluginFailure::describe).toList());
        selected.addListener((obs, old, p) -> {
            form.set(p == null ? null : formFor(p));
            updateApplicability();
        });
        if (!plugins.isEmpty()) {
            selected.set(plugins.get(0));
        }
    }

    public ParamFormViewModel formFor(LoadedPlugin p) {
        return forms.computeIfAbsent(p.id(), id -> {
            ParamFormViewModel f = new ParamFormViewModel(p.params());
            if (model != null) {
                f.setModelHooks(hookNames, model.layers());
            }
            return f;
        });
    }

    public void setModel(ModelInfo info, List<String> hooks) {
        this.model = info;
        this.hookNames = hooks == null ? List.of() : List.copyOf(hooks);
        if (info != null) {
            forms.values().forEach(f -> f.setModelHooks(hookNames, info.layers()));
        }
        updateApplicability();
    }

    public boolean select(String pluginId) {
        for (LoadedPlugin p : plugins) {
            if (p.id().equals(pluginId)) {
                selected.set(p);
                return true;
            }
        }
        return false;
    }

    private void updateApplicability() {
        LoadedPlugin p = selected.get();
        String why = "";
        if (p != null && model != null) {
            try {
                if (!p.plugin().accepts(model)) {
                    why = p.plugin().whyNot(model);
                }
            } catch (RuntimeException | LinkageError e) {
                why = p.info().name() + " failed to check the model: " + e.getMessage();
            }
        }
        notApplicable.set(why);
    }

    public ObservableList<LoadedPlugin> plugins() {
        return plugins;
    }

    public ObservableList<String> problems() {
        return problems;
    }

    public ObjectProperty<LoadedPlugin> selectedProperty() {
        return selected;
    }

    public ReadOnlyObjectProperty<ParamFormViewModel> formProperty() {
        return form.getReadOnlyProperty();
    }

    /** Why the selected plugin cannot run on the open model, or "". */
    public StringProperty notApplicableProperty() {
        return notApplicable;
    }
}
