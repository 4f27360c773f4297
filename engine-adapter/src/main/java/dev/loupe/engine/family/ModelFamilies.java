package dev.loupe.engine.family;

import dev.loupe.engine.format.HfConfig;
import dev.loupe.engine.format.ModelFormatException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * The registry of model families: every {@link ModelFamily} that {@link ServiceLoader} finds on the class path.
 * A config is matched by its model_type, or, when it has none, by its architectures list.
 */
public final class ModelFamilies {
    private static final List<ModelFamily> FAMILIES = load();

    private ModelFamilies() {
    }

    private static List<ModelFamily> load() {
        List<ModelFamily> out = new ArrayList<>();
        try {
            ServiceLoader.load(ModelFamily.class, ModelFamilies.class.getClassLoader()).forEach(out::add);
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a model family could not be loaded: " + e.getMessage(), e);
        }
        for (int i = 0; i < out.size(); i++) {
            for (int j = 0; j < i; j++) {
                for (String t : out.get(i).modelTypes()) {
                    if (out.get(j).modelTypes().contains(t)) {
                        throw new IllegalStateException("model_type \"" + t + "\" is claimed by two families: "
                                + out.get(j).getClass().getName() + " and " + out.get(i).getClass().getName());
                    }
                }
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Every registered family, in discovery order. */
    public static List<ModelFamily> all() {
        return FAMILIES;
    }

    /** Every model_type some family reads, sorted. */
    public static List<String> modelTypes() {
        TreeSet<String> types = new TreeSet<>();
        FAMILIES.forEach(f -> types.addAll(f.modelTypes()));
        return List.copyOf(types);
    }

    /** The family that reads {@code config}; a ModelFormatException naming model_type when none does. */
    public static ModelFamily forConfig(HfConfig config) {
        String type = config.optString("model_type", "").toLowerCase(Locale.ROOT);
        if (!type.isEmpty()) {
            for (ModelFamily f : FAMILIES) {
                if (f.modelTypes().contains(type)) {
                    return f;
                }
            }
            throw new ModelFormatException(config.file() + ": model_type \"" + type
                    + "\" is not supported (Loupe runs " + String.join(", ", modelTypes()) + ")");
        }
        if (config.has("architectures") && config.json().get("architectures").isJsonArray()) {
            for (var a : config.json().get("architectures").getAsJsonArray()) {
                if (a.isJsonPrimitive()) {
                    for (ModelFamily f : FAMILIES) {
                        if (f.readsArchitecture(a.getAsString())) {
                            return f;
                        }
                    }
                }
            }
        }
        throw new ModelFormatException(config.file() + ": missing field \"model_type\"");
    }
}
