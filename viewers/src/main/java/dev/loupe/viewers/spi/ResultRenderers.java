package dev.loupe.viewers.spi;

import com.google.gson.JsonObject;
import dev.loupe.plugin.result.Result;
import dev.loupe.viewers.ResultView;
import dev.loupe.viewers.export.Figure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The renderers this process can show results with. Those on the class path (Loupe's own, declared in
 * {@code META-INF/services/dev.loupe.viewers.spi.ResultRenderer} like every other) are found at first use; the app's
 * plugin registry adds each plugin jar's, found in the jar's own class loader, with {@link #register}.
 *
 * <p>Process-wide for the same reason as {@code ResultTypes}: figures are exported where no plugin registry exists
 * (CLI), and a kind means one thing in one process.
 */
public final class ResultRenderers {
    // Per kind, in registration order; the chosen one is the highest priority, the first of equals.
    private static final Map<String, List<ResultRenderer<?>>> BY_KIND = new ConcurrentHashMap<>();

    static {
        for (ResultRenderer<?> r : load(ResultRenderers.class.getClassLoader())) {
            register(r);
        }
    }

    private ResultRenderers() {
    }

    /**
     * The renderers that {@code loader} declares through ServiceLoader. Throws ServiceConfigurationError for a
     * broken declaration, so that the caller can report it against its jar.
     */
    public static List<ResultRenderer<?>> load(ClassLoader loader) {
        List<ResultRenderer<?>> out = new ArrayList<>();
        for (ResultRenderer<?> r : ServiceLoader.load(ResultRenderer.class, loader)) {
            out.add(r);
        }
        return out;
    }

    /** Installs a renderer; returns false, changing nothing, when this renderer object is installed already. */
    public static synchronized boolean register(ResultRenderer<?> renderer) {
        String kind = renderer.kind();
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException(renderer.getClass().getName() + " names no view kind");
        }
        if (renderer.resultClass() == null) {
            throw new IllegalArgumentException(renderer.getClass().getName() + " names no result class");
        }
        List<ResultRenderer<?>> list = BY_KIND.computeIfAbsent(kind, k -> new CopyOnWriteArrayList<>());
        if (list.contains(renderer)) {
            return false;
        }
        list.add(renderer);
        return true;
    }

    /** Removes a renderer that {@link #register} installed (its jar is being closed). */
    public static synchronized void unregister(ResultRenderer<?> renderer) {
        List<ResultRenderer<?>> list = BY_KIND.get(renderer.kind());
        if (list != null) {
            list.remove(renderer);
        }
    }

    /** The renderer for exactly this kind, if any (the fallback is not returned here). */
    public static Optional<ResultRenderer<?>> forKind(String kind) {
        List<ResultRenderer<?>> list = kind == null ? null : BY_KIND.get(kind);
        ResultRenderer<?> best = null;
        if (list != null) {
            for (ResultRenderer<?> r : list) {
                if (best == null || r.priority() > best.priority()) {
                    best = r;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** The renderer for a result's kind, else the {@link ResultRenderer#ANY_KIND fallback}. */
    public static Optional<ResultRenderer<?>> forResult(Result result) {
        Optional<ResultRenderer<?>> exact = forKind(result.viewKind());
        return exact.isPresent() ? exact : forKind(ResultRenderer.ANY_KIND);
    }

    /**
     * The renderer's view of a result (made on the FX thread). IllegalArgumentException naming the kind when no
     * renderer takes it, or when the kind's renderer shows another result class.
     */
    public static ResultView view(Result result) {
        return view(renderer(result), result);
    }

    /** The renderer's figure of a result, drawn as the view with {@code viewState} (may be null) shows it. */
    public static Figure figure(Result result, JsonObject viewState) {
        return figure(renderer(result), result, viewState);
    }

    private static ResultRenderer<?> renderer(Result result) {
        String kind = result.viewKind();
        ResultRenderer<?> r = forResult(result).orElseThrow(() -> new IllegalArgumentException(
                "no renderer is installed for view kind '" + kind + "' (installed: " + kinds() + ")"));
        if (!r.resultClass().isInstance(result)) {
            throw new IllegalArgumentException("the renderer for view kind '" + kind + "' (" + r.getClass().getName()
                    + ") shows " + r.resultClass().getName() + ", not " + result.getClass().getName());
        }
        return r;
    }

    private static <R extends Result> ResultView view(ResultRenderer<R> r, Result result) {
        return Objects.requireNonNull(r.view(r.resultClass().cast(result)), r.getClass().getName() + " made no view");
    }

    private static <R extends Result> Figure figure(ResultRenderer<R> r, Result result, JsonObject viewState) {
        return Objects.requireNonNull(r.figure(r.resultClass().cast(result), viewState),
                r.getClass().getName() + " made no figure");
    }

    /** Kinds with a renderer, sorted (for messages). */
    public static List<String> kinds() {
        return BY_KIND.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).sorted()
                .toList();
    }
}
