/**
 * Headless tests for analysis plugins: {@link dev.loupe.plugin.testkit.PluginHarness} runs a plugin as Loupe's host
 * does. Built-in plugins test with it; it is meant to be published beside the plugin API for third-party plugins.
 */
package dev.loupe.plugin.testkit;
