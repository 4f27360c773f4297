package dev.loupe.app.ui.plugins;

import dev.loupe.plugin.params.Param;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * One parameter in the form: its definition, its current value (Integer, Double, Boolean or String, as the
 * definition's type), what it may be chosen from, and the error for a value it does not accept.
 */
public final class ParamField {
    private final Param<?> def;
    private final ObjectProperty<Object> value;
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final ObservableList<String> choices = FXCollections.observableArrayList();

    ParamField(Param<?> def) {
        this.def = def;
        this.value = new SimpleObjectProperty<>(def.defaultValue());
        if (def instanceof Param.ChoiceParam<?> c) {
            choices.setAll(c.choices());
        }
        value.addListener((obs, old, v) -> check());
    }

    public Param<?> def() {
        return def;
    }

    public String key() {
        return def.key();
    }

    public ObjectProperty<Object> valueProperty() {
        return value;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    /** Choice values, or for a hook parameter the open model's hook names. */
    public ObservableList<String> choices() {
        return choices;
    }

    /** Sets the value from typed text (a spinner's or combo's editor); a bad text becomes the field's error. */
    public void setText(String text) {
        try {
            value.set(def.parse(text));
        } catch (IllegalArgumentException e) {
            error.set(e.getMessage());
        }
    }

    /** Checked value; throws IllegalArgumentException naming the parameter. */
    Object validated() {
        if (!error.get().isEmpty()) {
            throw new IllegalArgumentException(error.get());
        }
        return def.validate(value.get());
    }

    private void check() {
        try {
            def.validate(value.get());
            error.set("");
        } catch (RuntimeException e) {
            error.set(e.getMessage() == null ? def.key() + " is not valid" : e.getMessage());
        }
    }
}
