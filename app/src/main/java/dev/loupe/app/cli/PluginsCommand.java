package dev.loupe.app.cli;

import dev.loupe.app.plugins.PluginRegistry;
import dev.loupe.app.plugins.PluginRegistry.LoadedPlugin;
import dev.loupe.app.plugins.PluginRegistry.PluginFailure;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code loupe plugins}: the plugins found (id, name, version, where from) and every jar or class that failed to
 * load, with the reason. Failures are part of the listing, not an error: the command succeeds.
 */
final class PluginsCommand implements Command {
    private final Supplier<Path> pluginDir;

    PluginsCommand() {
        this.pluginDir = PluginRegistry::defaultPluginDir;
    }

    /** With another user plugin folder (tests). */
    PluginsCommand(Path pluginDir) {
        this.pluginDir = () -> pluginDir;
    }

    @Override
    public String name() {
        return "plugins";
    }

    @Override
    public String summary() {
        return "list the analysis plugins found, and any that failed to load";
    }

    @Override
    public String synopsis() {
        return "plugins";
    }

    @Override
    public List<Option> options() {
        return List.of();
    }

    @Override
    public void run(ParsedArgs args, PrintStream out, PrintStream err) {
        Path dir = pluginDir.get();
        try (PluginRegistry registry = PluginRegistry.discover(dir)) {
            List<LoadedPlugin> plugins = registry.plugins();
            String[] header = {"ID", "NAME", "VERSION", "FROM"};
            int[] width = new int[header.length];
            for (int i = 0; i < header.length; i++) {
                width[i] = header[i].length();
            }
            for (LoadedPlugin p : plugins) {
                String[] row = row(p);
                for (int i = 0; i < row.length; i++) {
                    width[i] = Math.max(width[i], row[i].length());
                }
            }
            String format = "%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %s%n";
            out.printf(format, (Object[]) header);
            for (LoadedPlugin p : plugins) {
                out.printf(format, (Object[]) row(p));
            }
            out.println();
            out.println(plugins.size() + (plugins.size() == 1 ? " plugin" : " plugins") + "; user plugin folder: " + dir);
            List<PluginFailure> failures = registry.failures();
            if (!failures.isEmpty()) {
                out.println();
                out.println("failed to load (" + failures.size() + "):");
                for (PluginFailure f : failures) {
                    out.println("  " + f.describe());
                }
            }
        }
    }

    private static String[] row(LoadedPlugin p) {
        String from = p.builtIn() ? "built-in" : p.source();
        return new String[] {p.id(), p.info().name(), p.info().version(), from};
    }
}
