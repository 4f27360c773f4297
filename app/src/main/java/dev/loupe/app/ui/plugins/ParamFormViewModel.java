package dev.loupe.app.ui.plugins;

import dev.loupe.plugin.params.Param;
import dev.loupe.plugin.params.ParamSpec;
import dev.loupe.plugin.params.Params;
import java.util.List;

/**
 * The form for one plugin's parameters, built from its {@link ParamSpec} alone (SciJava's one declaration drives
 * the form, the CLI and stored values). Kept per plugin while the app runs, so values survive switching plugins.
 */
public final class ParamFormViewModel {
    private final ParamSpec spec;
    private final List<ParamField> fields;

    public ParamFormViewModel(ParamSpec spec) {
        this.spec = spec;
        this.fields = spec.defs().stream().map(ParamField::new).toList();
    }

    public List<ParamField> fields() {
        return fields;
    }

    public ParamField field(String key) {
        return fields.stream().filter(f -> f.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no parameter " + key));
    }

    /** The values as Params; throws IllegalArgumentException with the first field's error in words. */
    public Params params() {
        Params p = spec.defaults();
        for (ParamField f : fields) {
            p = p.with(f.key(), f.validated());
        }
        return p;
    }

    /** Loads stored values (e.g. from a session's run), dropping what the current spec does not know. */
    public void load(Params params) {
        params.values().forEach((k, v) -> {
            if (spec.def(k) != null) {
                field(k).valueProperty().set(v);
            }
        });
    }

    /**
     * Offers the model's hooks to hook parameters. A default written as a pattern ("blocks.{last}.hook_resid_post")
     * becomes the concrete name for this model, so the form shows what will actually be read.
     */
    public void setModelHooks(List<String> hookNames, int layers) {
        for (ParamField f : fields) {
            if (f.def() instanceof Param.HookParam) {
                f.choices().setAll(hookNames);
                Object v = f.valueProperty().get();
                if (v instanceof String s && s.contains("{last}")) {
                    String concrete = s.replace("{last}", Integer.toString(Math.max(0, layers - 1)));
                    if (hookNames.contains(concrete)) {
                        f.valueProperty().set(concrete);
                    }
                }
            }
        }
    }
}
