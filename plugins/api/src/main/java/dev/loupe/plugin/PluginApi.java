package dev.loupe.plugin;

/** The version of this SPI. A plugin built for another version is reported and not loaded. */
public final class PluginApi {
    public static final int VERSION = 1;

    private PluginApi() {
    }
}
