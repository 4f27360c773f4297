/**
 * The analysis panel: the plugin choice, and the parameter form built from the chosen plugin's {@code ParamSpec}
 * (one field per parameter, checked as it is typed).
 */
package dev.loupe.app.ui.plugins;
