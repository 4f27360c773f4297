package dev.loupe.app.plugins;

import dev.loupe.plugin.AnalysisPlugin;
import dev.loupe.plugin.PluginApi;
import dev.loupe.plugin.PluginInfo;
import dev.loupe.plugin.params.ParamSpec;
import dev.loupe.plugin.result.ResultType;
import dev.loupe.plugin.result.ResultTypes;
import dev.loupe.viewers.spi.ResultRenderer;
import dev.loupe.viewers.spi.ResultRenderers;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.jar.JarFile;

/**
 * The analysis plugins this Loupe can run: those on the class path (the built-ins) and those in the jars of the
 * user's plugin folder, each jar in its own class loader whose parent is the app's, so jars cannot see each other's
 * classes and the plugin API is shared. Discovery never fails as a whole: a jar that is not a jar, a provider that
 * is missing, does not link, throws from its constructor, {@code info()} or {@code params()}, or was built for
 * another {@link PluginApi#VERSION} is left out and reported as a {@link PluginFailure}. Of two plugins with the
 * same id the first found wins (class path first, then jars by file name).
 *
 * <p>A jar may also bring result types ({@link ResultType}) and renderers ({@link ResultRenderer}), declared in its
 * own {@code META-INF/services} and found through its own class loader; they are installed in the process-wide
 * {@link ResultTypes} and {@link ResultRenderers} (sessions are read and figures exported where no registry is at
 * hand) until {@link #close}. Each is loaded on its own and a failing one is a {@link PluginFailure} like a plugin's.
 *
 * <p>A jar's provider is instantiated and asked for its {@code info()} and {@code params()} on a daemon thread of
 * its own, under a time limit ({@link #DEFAULT_LOAD_LIMIT}): one whose constructor or {@code info()} never returns
 * is reported as not answering and left running on that thread, so it cannot hang {@code loupe plugins}, every
 * {@code analyze} or the plugins after it. The built-ins are Loupe's own code and load on the caller's thread.
 *
 * <p>QuPath's ExtensionLoader catches a ServiceConfigurationError around its whole loop, so one broken provider
 * hides the ones after it; here each provider is loaded, instantiated and checked on its own.
 */
public final class PluginRegistry implements AutoCloseable {
    /** Where this Loupe keeps a user's plugin jars. */
    public static final String PLUGIN_DIR_PROPERTY = "loupe.plugin.dir";
    static final String CLASS_PATH = "class path";
    static final String SERVICE_FILE = "META-INF/services/" + AnalysisPlugin.class.getName();
    static final String TYPE_SERVICE_FILE = "META-INF/services/" + ResultType.class.getName();
    static final String RENDERER_SERVICE_FILE = "META-INF/services/" + ResultRenderer.class.getName();
    /** How long a jar's provider may take to be instantiated and to answer {@code info()} and {@code params()}. */
    public static final Duration DEFAULT_LOAD_LIMIT = Duration.ofSeconds(10);

    /** A plugin ready to run: its info and parameters were read once and checked at discovery. */
    public record LoadedPlugin(AnalysisPlugin plugin, PluginInfo info, ParamSpec params, String source) {
        public String id() {
            return info.id();
        }

        /** Found on the app's class path (shipped with Loupe) rather than in the user's plugin folder. */
        public boolean builtIn() {
            return CLASS_PATH.equals(source);
        }
    }

    /**
     * Something that was not loaded: {@code source} is the jar's file name (or "class path"), {@code plugin} the
     * provider class when the failure is one plugin's (null when it is the whole jar's), {@code reason} one line.
     */
    public record PluginFailure(String source, String plugin, String reason) {
        public String describe() {
            return source + (plugin == null ? "" : " (" + plugin + ")") + ": " + reason;
        }
    }

    private final List<LoadedPlugin> plugins;
    private final List<PluginFailure> failures;
    private final List<URLClassLoader> loaders;
    private final List<ResultType<?>> resultTypes;
    private final List<ResultRenderer<?>> renderers;

    private PluginRegistry(List<LoadedPlugin> plugins, Discovery d) {
        this.plugins = List.copyOf(plugins);
        this.failures = List.copyOf(d.failures);
        this.loaders = List.copyOf(d.loaders);
        this.resultTypes = List.copyOf(d.resultTypes);
        this.renderers = List.copyOf(d.renderers);
    }

    /** {@code ~/.loupe/plugins}, or the folder named by the system property {@value #PLUGIN_DIR_PROPERTY}. */
    public static Path defaultPluginDir() {
        String override = System.getProperty(PLUGIN_DIR_PROPERTY);
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        return Path.of(System.getProperty("user.home"), ".loupe", "plugins");
    }

    /** Plugins on the app's class path and in {@code userPluginDir} (which may be null or missing: none there). */
    public static PluginRegistry discover(Path userPluginDir) {
        return discover(PluginRegistry.class.getClassLoader(), userPluginDir);
    }

    /** As {@link #discover(Path)}, with the class loader that stands for the app's class path. */
    public static PluginRegistry discover(ClassLoader appLoader, Path userPluginDir) {
        return discover(appLoader, userPluginDir, DEFAULT_LOAD_LIMIT);
    }

    /** As {@link #discover(ClassLoader, Path)}, giving each jar provider {@code loadLimit} to load and answer. */
    public static PluginRegistry discover(ClassLoader appLoader, Path userPluginDir, Duration loadLimit) {
        if (loadLimit.isNegative() || loadLimit.isZero()) {
            throw new IllegalArgumentException("plugin load limit must be positive, not " + loadLimit);
        }
        Discovery d = new Discovery(loadLimit);
        d.load(ServiceLoader.load(AnalysisPlugin.class, appLoader), CLASS_PATH);
        if (userPluginDir != null && Files.exists(userPluginDir)) {
            for (Path jar : jars(userPluginDir, d)) {
                d.loadJar(jar, appLoader);
            }
        }
        List<LoadedPlugin> sorted = new ArrayList<>(d.byId.values());
        sorted.sort(Comparator.comparing((LoadedPlugin p) -> p.info().name().toLowerCase(Locale.ROOT))
                .thenComparing(LoadedPlugin::id));
        return new PluginRegistry(sorted, d);
    }

    private static List<Path> jars(Path dir, Discovery d) {
        List<Path> jars = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            d.fail(dir.toString(), null, "the plugin folder is not a folder");
            return jars;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.jar")) {
            for (Path p : s) {
                if (Files.isRegularFile(p)) {
                    jars.add(p);
                }
            }
        } catch (IOException e) {
            d.fail(dir.toString(), null, "cannot list the plugin folder: " + e.getMessage());
        }
        jars.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return jars;
    }

    /** Loaded plugins, sorted by name. */
    public List<LoadedPlugin> plugins() {
        return plugins;
    }

    /** What could not be loaded, in discovery order. */
    public List<PluginFailure> failures() {
        return failures;
    }

    public Optional<LoadedPlugin> find(String id) {
        return plugins.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /** The result types that plugin jars brought, installed in {@link ResultTypes} while this registry is open. */
    public List<ResultType<?>> resultTypes() {
        return resultTypes;
    }

    /** The renderers that plugin jars brought, installed in {@link ResultRenderers} while this registry is open. */
    public List<ResultRenderer<?>> renderers() {
        return renderers;
    }

    /**
     * Uninstalls the jars' result types and renderers and releases their class loaders (open jar files); plugins
     * from jars must not be used afterwards.
     */
    @Override
    public void close() {
        renderers.forEach(ResultRenderers::unregister);
        resultTypes.forEach(ResultTypes::unregister);
        for (URLClassLoader l : loaders) {
            try {
                l.close();
            } catch (IOException ignored) {
                // Nothing to do: the JVM releases the file at exit.
            }
        }
    }

    /** The state of one discovery run. */
    private static final class Discovery {
        final Map<String, LoadedPlugin> byId = new LinkedHashMap<>();
        final List<PluginFailure> failures = new ArrayList<>();
        final List<URLClassLoader> loaders = new ArrayList<>();
        final List<ResultType<?>> resultTypes = new ArrayList<>();
        final List<ResultRenderer<?>> renderers = new ArrayList<>();
        final Duration loadLimit;

        Discovery(Duration loadLimit) {
            this.loadLimit = loadLimit;
        }

        void fail(String source, String plugin, String reason) {
            failures.add(new PluginFailure(source, plugin, oneLine(reason)));
        }

        void loadJar(Path jar, ClassLoader appLoader) {
            String source = jar.getFileName().toString();
            // URLClassLoader skips a jar it cannot open without a word; open it here first to say why.
            try (JarFile file = new JarFile(jar.toFile())) {
                if (file.getEntry(SERVICE_FILE) == null && file.getEntry(TYPE_SERVICE_FILE) == null
                        && file.getEntry(RENDERER_SERVICE_FILE) == null) {
                    fail(source, null, "declares no plugin, result type or renderer (no " + SERVICE_FILE + ")");
                    return;
                }
            } catch (IOException | SecurityException e) {
                fail(source, null, "not a readable jar (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
                return;
            }
            JarPluginLoader loader;
            try {
                loader = new JarPluginLoader(jar, appLoader);
            } catch (IOException e) {
                fail(source, null, "cannot open: " + e.getMessage());
                return;
            }
            int before = byId.size() + resultTypes.size() + renderers.size();
            // Types before plugins and renderers: what they make and show must be storable first.
            each(ServiceLoader.load(ResultType.class, loader), source, type -> type, this::acceptType);
            load(ServiceLoader.load(AnalysisPlugin.class, loader), source);
            each(ServiceLoader.load(ResultRenderer.class, loader), source, renderer -> renderer, this::acceptRenderer);
            if (byId.size() + resultTypes.size() + renderers.size() > before) {
                loaders.add(loader);
            } else {
                try {
                    loader.close();
                } catch (IOException ignored) {
                    // only releases a file handle
                }
            }
        }

        void load(ServiceLoader<AnalysisPlugin> loader, String source) {
            each(loader, source, Discovery::probe, (probe, className) -> accept(probe, source, className));
        }

        /**
         * Instantiates each provider on its own, has {@code prepare} ask it what it is (both under the time limit
         * for a jar's provider), and hands the answer with the provider's class name to {@code accept}, which
         * alone touches this discovery's state: a provider that does not answer in time may still finish later.
         */
        <S, R> void each(ServiceLoader<S> loader, String source, Function<S, R> prepare, BiConsumer<R, String> accept) {
            Iterator<ServiceLoader.Provider<S>> it = loader.stream().iterator();
            // After an error the iterator moves on to the next provider line; the guard only stops a loader that
            // keeps failing on the same one.
            for (int errors = 0; errors < 1000; ) {
                ServiceLoader.Provider<S> provider;
                try {
                    if (!it.hasNext()) {
                        return;
                    }
                    provider = it.next();
                } catch (ServiceConfigurationError | LinkageError e) {
                    fail(source, null, describe(e));
                    errors++;
                    continue;
                }
                String className = null;
                try {
                    className = provider.type().getName();
                    Callable<R> load = () -> prepare.apply(provider.get());
                    R answer = CLASS_PATH.equals(source) ? load.call() : withinLimit(load, source, className);
                    if (answer != null) {
                        accept.accept(answer, className);
                    }
                } catch (Refused e) {
                    fail(source, className, e.getMessage());
                } catch (ServiceConfigurationError | LinkageError | Exception e) {
                    fail(source, className, describe(e));
                }
            }
        }

        /**
         * Runs {@code load} on a daemon thread and waits at most the load limit. Null (and a failure reported) when
         * it did not answer: the thread is interrupted and left behind, since a plugin's code cannot be stopped.
         */
        private <R> R withinLimit(Callable<R> load, String source, String className) throws Exception {
            FutureTask<R> task = new FutureTask<>(load);
            Thread thread = new Thread(task, "loupe-plugin-load " + source + " " + className);
            thread.setDaemon(true); // a plugin that never returns must not keep the JVM alive
            thread.start();
            try {
                return task.get(loadLimit.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                thread.interrupt();
                fail(source, className, "did not answer within " + describe(loadLimit)
                        + " (constructor, info() or params() still running); left out");
                return null;
            } catch (InterruptedException e) {
                thread.interrupt();
                Thread.currentThread().interrupt();
                fail(source, className, "plugin discovery was interrupted while this plugin loaded");
                return null;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }

        /** A plugin's own answers, read once: what the caller checks and keeps. */
        private record Probe(AnalysisPlugin plugin, PluginInfo info, ParamSpec params) {
        }

        /** Asks a plugin for its info and parameters; may run on a plugin-load thread, so touches no state. */
        private static Probe probe(AnalysisPlugin plugin) {
            PluginInfo info;
            try {
                info = plugin.info();
            } catch (LinkageError | Exception e) {
                throw new Refused("info() failed: " + describe(e));
            }
            if (info == null) {
                throw new Refused("info() returned null");
            }
            if (info.apiVersion() != PluginApi.VERSION) {
                throw new Refused(info.id() + " " + info.version() + " is built for plugin API "
                        + info.apiVersion() + "; this Loupe has plugin API " + PluginApi.VERSION);
            }
            ParamSpec params;
            try {
                params = plugin.params();
                if (params == null) {
                    throw new Refused("params() returned null");
                }
                params.defaults(); // a default outside its own range would fail every run; say so now
            } catch (Refused e) {
                throw e;
            } catch (LinkageError | Exception e) {
                throw new Refused("params() failed: " + describe(e));
            }
            return new Probe(plugin, info, params);
        }

        // ResultTypes.register refuses a name or class already taken (a jar cannot replace a built-in type).
        private void acceptType(ResultType<?> type, String className) {
            if (ResultTypes.register(type)) {
                resultTypes.add(type);
            }
        }

        private void acceptRenderer(ResultRenderer<?> renderer, String className) {
            if (ResultRenderers.register(renderer)) {
                renderers.add(renderer);
            }
        }

        private void accept(Probe probe, String source, String className) {
            LoadedPlugin first = byId.get(probe.info().id());
            if (first != null) {
                fail(source, className, "duplicate plugin id " + probe.info().id() + ": already provided by "
                        + first.plugin().getClass().getName() + " from " + first.source() + ", which is kept");
                return;
            }
            byId.put(probe.info().id(), new LoadedPlugin(probe.plugin(), probe.info(), probe.params(), source));
        }
    }

    /** A provider refused with a reason meant for the user as it stands. */
    private static final class Refused extends RuntimeException {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /** "10 s", "1.5 s", "300 ms". */
    static String describe(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        return (ms % 1000 == 0 ? Long.toString(ms / 1000) : String.valueOf(ms / 1000.0)) + " s";
    }

    /**
     * One line for a loading error. ServiceLoader prefixes its messages with the service name and hides the real
     * cause inside; the user needs the cause.
     */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        // ServiceLoader prefixes the service name (one of the three this registry loads).
        List<String> prefixes = List.of(AnalysisPlugin.class.getName() + ": ", ResultType.class.getName() + ": ",
                ResultRenderer.class.getName() + ": ");
        Throwable t = e;
        for (int depth = 0; t != null && depth < 4; depth++, t = t.getCause()) {
            if (sb.length() > 0) {
                sb.append(": ");
            }
            String msg = t.getMessage();
            if (t instanceof ServiceConfigurationError && msg != null) {
                String shown = msg;
                for (String prefix : prefixes) {
                    shown = shown.startsWith(prefix) ? shown.substring(prefix.length()) : shown;
                }
                sb.append(shown);
            } else if (t instanceof NoClassDefFoundError && msg != null) {
                sb.append("missing class ").append(msg.replace('/', '.'));
                break; // its cause only repeats the name
            } else {
                sb.append(t.getClass().getSimpleName());
                if (msg != null) {
                    sb.append(": ").append(msg);
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return sb.toString();
    }

    static String oneLine(String s) {
        return s == null || s.isBlank() ? "(no message)" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * A plugin jar's loader: classes resolve through the app's loader first (one copy of the plugin API and DJL),
     * but service files come from this jar alone, so the app's own plugins are not found a second time through
     * the parent.
     */
    private static final class JarPluginLoader extends URLClassLoader {
        static {
            registerAsParallelCapable();
        }

        JarPluginLoader(Path jar, ClassLoader parent) throws IOException {
            super("loupe-plugin:" + jar.getFileName(), new URL[] {jar.toUri().toURL()}, parent);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return name.startsWith("META-INF/services/") ? findResources(name) : super.getResources(name);
        }
    }
}
