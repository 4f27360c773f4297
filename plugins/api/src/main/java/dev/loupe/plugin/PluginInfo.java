package dev.loupe.plugin;

/**
 * Who a plugin is. {@code id} is stable and namespaced ("loupe.attention"); {@code apiVersion} is the
 * {@link PluginApi#VERSION} the plugin was compiled against, checked at discovery.
 */
public record PluginInfo(String id, String name, String version, int apiVersion, String description) {
    public PluginInfo {
        if (id == null || !id.matches("[a-z0-9]+(\\.[a-z0-9_-]+)+")) {
            throw new IllegalArgumentException("plugin id must be dotted lower case like \"acme.my-view\": " + id);
        }
    }
}
