package dev.loupe.plugin.host;

import dev.loupe.plugin.AnalysisContext;

/**
 * What the host has made for one {@code analyze} call: the forward pass with the plugin's captures and the scratch
 * scope, as the plugin's {@link AnalysisContext}. Closing frees the scope and then the run.
 */
public final class PluginRun implements AutoCloseable {
    private final String pluginId;
    private final HostContext context;

    PluginRun(String pluginId, HostContext context) {
        this.pluginId = pluginId;
        this.context = context;
    }

    public String pluginId() {
        return pluginId;
    }

    public AnalysisContext context() {
        return context;
    }

    @Override
    public void close() {
        try {
            context.manager().close();
        } finally {
            context.run().close();
        }
    }
}
