package dev.loupe.plugin.result;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The result types this process can store and export. Types on the class path (Loupe's own, registered in
 * {@code META-INF/services/dev.loupe.plugin.result.ResultType} like every other) are found at first use; the app's
 * plugin registry adds those of each plugin jar, found in the jar's own class loader, with {@link #register}.
 *
 * <p>Process-wide on purpose: results are decoded wherever a session is read (CLI, app, archive import), none of
 * which holds the plugin registry, and a type name means one thing in one process.
 */
public final class ResultTypes {
    private static final Map<String, ResultType<?>> BY_NAME = new ConcurrentHashMap<>();
    private static final Map<Class<?>, ResultType<?>> BY_CLASS = new ConcurrentHashMap<>();

    static {
        for (ResultType<?> t : load(ResultTypes.class.getClassLoader())) {
            add(t);
        }
    }

    private ResultTypes() {
    }

    /**
     * The result types that {@code loader} declares through ServiceLoader (only those its own service files name
     * when the loader hides its parent's). Throws ServiceConfigurationError for a broken declaration, so that the
     * caller can report it against its jar.
     */
    public static List<ResultType<?>> load(ClassLoader loader) {
        List<ResultType<?>> out = new ArrayList<>();
        for (ResultType<?> t : ServiceLoader.load(ResultType.class, loader)) {
            out.add(t);
        }
        return out;
    }

    /**
     * Installs a type; returns false, changing nothing, when the same type object is installed already. A different
     * type with a name or class already taken is refused, naming both, so a jar cannot replace a built-in type.
     */
    public static synchronized boolean register(ResultType<?> type) {
        ResultType<?> same = BY_NAME.get(type.type());
        if (same == type) {
            return false;
        }
        add(type);
        return true;
    }

    /** Removes a type that {@link #register} installed (its jar is being closed). */
    public static synchronized void unregister(ResultType<?> type) {
        BY_NAME.remove(type.type(), type);
        BY_CLASS.remove(type.resultClass(), type);
    }

    private static void add(ResultType<?> type) {
        String name = type.type();
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(type.getClass().getName() + " has no type name");
        }
        ResultType<?> byName = BY_NAME.get(name);
        if (byName != null && byName != type) {
            throw new IllegalArgumentException("result type \"" + name + "\" of " + type.getClass().getName()
                    + " is already provided by " + byName.getClass().getName());
        }
        ResultType<?> byClass = BY_CLASS.get(type.resultClass());
        if (byClass != null && byClass != type) {
            throw new IllegalArgumentException(type.resultClass().getName() + " is already stored by result type \""
                    + byClass.type() + "\"");
        }
        BY_NAME.put(name, type);
        BY_CLASS.put(type.resultClass(), type);
    }

    public static Optional<ResultType<?>> forName(String type) {
        return Optional.ofNullable(BY_NAME.get(type));
    }

    /** The type that stores this result; IllegalArgumentException naming the class when none is installed. */
    @SuppressWarnings("unchecked")
    public static <R extends Result> ResultType<R> forResult(R result) {
        ResultType<?> t = BY_CLASS.get(result.getClass());
        if (t == null) {
            throw new IllegalArgumentException("no result type is installed for " + result.getClass().getName()
                    + " (a plugin's result class needs a ResultType in its META-INF/services)");
        }
        return (ResultType<R>) t;
    }

    /** The type name of a result ({@code "matrix"}, ...): the "type" of its JSON, also what the CLI shows. */
    public static String typeName(Result result) {
        return forResult(result).type();
    }

    /** Installed type names, sorted (for messages). */
    public static List<String> names() {
        return BY_NAME.keySet().stream().sorted().toList();
    }

}
