/**
 * The app and its main window: {@link dev.loupe.app.ui.shell.LoupeApp} starts it, {@link
 * dev.loupe.app.ui.shell.MainWindow} lays out the other folders' views, menus and the status bar, and {@link
 * dev.loupe.app.ui.shell.MainViewModel} creates the view models and connects them.
 */
package dev.loupe.app.ui.shell;
