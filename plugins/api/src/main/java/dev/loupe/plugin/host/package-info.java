/**
 * How a host runs a plugin: {@link dev.loupe.plugin.host.AnalysisRunner} checks the model and the input kind, makes
 * one forward pass with the plugin's captures, calls {@code analyze} in a scratch scope and turns every failure into
 * one line. The app, the CLI and the plugin test kit all run plugins through it, so a plugin behaves the same in a
 * test as in the app.
 */
package dev.loupe.plugin.host;
