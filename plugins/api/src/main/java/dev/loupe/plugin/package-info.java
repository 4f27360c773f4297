/**
 * Loupe's plugin SPI. A plugin declares who it is ({@link dev.loupe.plugin.PluginInfo}), its typed parameters
 * ({@link dev.loupe.plugin.params.ParamSpec}), which models it accepts and which activations it needs, and computes
 * a {@link dev.loupe.plugin.result.Result}: plain data that persists, exports and renders without the plugin's code.
 * Nothing here knows JavaFX; renderers for the standard result types live in viewers/.
 */
package dev.loupe.plugin;
