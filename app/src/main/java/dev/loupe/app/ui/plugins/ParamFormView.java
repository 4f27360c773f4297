package dev.loupe.app.ui.plugins;

import dev.loupe.plugin.params.Param;
import java.math.BigDecimal;
import javafx.beans.value.ChangeListener;
import javafx.collections.ListChangeListener;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.util.Duration;
import javafx.util.StringConverter;

/**
 * A form built from a plugin's parameter definitions: spinners with the declared ranges, choice boxes, check boxes,
 * and for hooks an editable combo of the model's hook names. Help text is the tooltip; a value the definition
 * rejects shows its message under the field. Our own form rather than a PropertySheet because every editor here
 * needs the definition's range and the model's hook list.
 */
final class ParamFormView extends GridPane {

    ParamFormView(ParamFormViewModel form) {
        getStyleClass().add("param-form");
        setHgap(8);
        setVgap(4);
        ColumnConstraints labels = new ColumnConstraints();
        ColumnConstraints editors = new ColumnConstraints();
        editors.setHgrow(Priority.ALWAYS);
        editors.setFillWidth(true);
        getColumnConstraints().addAll(labels, editors);
        int row = 0;
        for (ParamField f : form.fields()) {
            Label label = new Label(f.def().label());
            label.setMinWidth(Region.USE_PREF_SIZE);
            Control editor = editorFor(f);
            editor.setId("param-" + f.key());
            editor.setMaxWidth(Double.MAX_VALUE);
            Tooltip help = new Tooltip(f.def().help());
            help.setWrapText(true);
            help.setMaxWidth(360);
            help.setShowDelay(Duration.millis(300));
            label.setTooltip(help);
            editor.setTooltip(help);
            label.setLabelFor(editor);
            Label error = new Label();
            error.getStyleClass().add("field-error");
            error.setWrapText(true);
            error.textProperty().bind(f.errorProperty());
            error.visibleProperty().bind(f.errorProperty().isNotEmpty());
            error.managedProperty().bind(error.visibleProperty());
            add(label, 0, row);
            add(editor, 1, row++);
            add(error, 1, row++);
        }
    }

    private static Control editorFor(ParamField f) {
        Param<?> d = f.def();
        if (d instanceof Param.IntParam p) {
            SpinnerValueFactory.IntegerSpinnerValueFactory factory = new SpinnerValueFactory.IntegerSpinnerValueFactory(
                    p.min(), p.max(), ((Number) f.valueProperty().get()).intValue());
            // Named values show as their word ("all", "last"), never as the -1 they are stored as.
            factory.setConverter(converter(p::display, text -> (Integer) p.parse(text), factory::getValue));
            return bindSpinner(new Spinner<>(factory), f);
        }
        if (d instanceof Param.DoubleParam p) {
            double range = p.max() - p.min();
            double step = range >= 10 ? 0.1 : range / 100;
            SpinnerValueFactory.DoubleSpinnerValueFactory factory = new SpinnerValueFactory.DoubleSpinnerValueFactory(
                    p.min(), p.max(), ((Number) f.valueProperty().get()).doubleValue(), step);
            // The factory's own converter rounds to two decimals: a learning rate of 0.001 would show, and run, as 0.
            factory.setConverter(converter(ParamFormView::formatDouble, text -> Double.valueOf(text.strip()),
                    factory::getValue));
            return bindSpinner(new Spinner<>(factory), f);
        }
        if (d instanceof Param.BoolParam) {
            CheckBox c = new CheckBox();
            c.setSelected(Boolean.TRUE.equals(f.valueProperty().get()));
            c.selectedProperty().addListener((obs, o, v) -> f.valueProperty().set(v));
            f.valueProperty().addListener((obs, o, v) -> c.setSelected(Boolean.TRUE.equals(v)));
            return c;
        }
        if (d instanceof Param.ChoiceParam) {
            ChoiceBox<String> c = new ChoiceBox<>(f.choices());
            c.setValue((String) f.valueProperty().get());
            c.valueProperty().addListener((obs, o, v) -> {
                if (v != null) {
                    f.valueProperty().set(v);
                }
            });
            f.valueProperty().addListener((obs, o, v) -> c.setValue((String) v));
            return c;
        }
        if (d instanceof Param.HookParam) {
            return hookCombo(f);
        }
        TextField t = new TextField((String) f.valueProperty().get());
        t.textProperty().addListener((obs, o, v) -> f.valueProperty().set(v));
        f.valueProperty().addListener((obs, o, v) -> {
            if (!t.getText().equals(v)) {
                t.setText((String) v);
            }
        });
        return t;
    }

    /**
     * A spinner converter that shows values as {@code show} writes them; text that does not parse keeps the current
     * value (the field shows its error meanwhile).
     */
    private static <T> StringConverter<T> converter(java.util.function.Function<T, String> show,
            java.util.function.Function<String, T> parse, java.util.function.Supplier<T> current) {
        return new StringConverter<>() {
            @Override
            public String toString(T v) {
                return v == null ? "" : show.apply(v);
            }

            @Override
            public T fromString(String text) {
                try {
                    return parse.apply(text);
                } catch (IllegalArgumentException e) { // NumberFormatException included
                    return current.get();
                }
            }
        };
    }

    /** A double as a person would type it: 0.001, 2.5, 1e-06 (no rounding, no trailing zeros). */
    static String formatDouble(double v) {
        if (v != 0 && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e7) || !Double.isFinite(v)) {
            return Double.toString(v).replace("E", "e");
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** Typed text is committed as it is typed, so Run always uses what the field shows. */
    private static <T> Spinner<T> bindSpinner(Spinner<T> s, ParamField f) {
        s.setEditable(true);
        s.valueProperty().addListener((obs, o, v) -> f.valueProperty().set(v));
        s.getEditor().textProperty().addListener((obs, o, text) -> {
            if (!text.isBlank() && !text.equals(s.getValueFactory().getConverter().toString(s.getValue()))) {
                f.setText(text);
                Object v = f.valueProperty().get();
                if (f.errorProperty().get().isEmpty() && !v.equals(s.getValue())) {
                    @SuppressWarnings("unchecked")
                    T t = (T) v;
                    s.getValueFactory().setValue(t);
                }
            }
        });
        f.valueProperty().addListener((obs, o, v) -> {
            if (v != null && !v.equals(s.getValue())) {
                @SuppressWarnings("unchecked")
                T t = (T) v;
                s.getValueFactory().setValue(t);
            }
        });
        return s;
    }

    /** Hook names can run to hundreds; typing filters nothing but the editor accepts any name (or pattern). */
    private static ComboBox<String> hookCombo(ParamField f) {
        ComboBox<String> c = new ComboBox<>(f.choices());
        c.setEditable(true);
        c.setVisibleRowCount(16);
        c.setValue((String) f.valueProperty().get());
        c.setPromptText("blocks.0.hook_resid_post");
        ChangeListener<String> typed = (obs, o, v) -> {
            if (v != null && !v.isBlank()) {
                f.setText(v);
            }
        };
        c.getEditor().textProperty().addListener(typed);
        c.valueProperty().addListener((obs, o, v) -> {
            if (v != null) {
                f.valueProperty().set(v);
            }
        });
        f.valueProperty().addListener((obs, o, v) -> {
            if (v != null && !v.equals(c.getValue())) {
                c.setValue((String) v);
            }
        });
        // A new model's hook list replaces the items; keep showing the chosen name.
        f.choices().addListener((ListChangeListener<String>) ch -> c.setValue((String) f.valueProperty().get()));
        return c;
    }
}
