/**
 * The desktop app, one folder per part of the window, each a View (JavaFX nodes) with its ViewModel (properties
 * only, no {@code javafx.scene}, tested with JUnit alone):
 * <ul>
 *   <li>{@code shell}: the app, the main window (menus, sidebar, status bar), the status bar's view model, and
 *       the view model that makes and connects the others;</li>
 *   <li>{@code model}: the model panel (open a checkpoint, its card);</li>
 *   <li>{@code input}: the prompt and its token count;</li>
 *   <li>{@code plugins}: the plugin choice and its parameter form;</li>
 *   <li>{@code workspace}: the result tabs and their notes, and the workspace a session stores;</li>
 *   <li>{@code session}, {@code runs}, {@code exports}: the actions of the File and Run menus;</li>
 *   <li>{@code settings}: Loupe's own files in its home folder (settings, recent models).</li>
 * </ul>
 * This package holds what they all share: {@link dev.loupe.app.ui.UiServices}, the window's messages and file
 * choosers as view models see them, and the names proposed in those choosers.
 */
package dev.loupe.app.ui;
