/**
 * The workspace: one tab per open result with its notes ({@link dev.loupe.app.ui.workspace.RunTab}), the view that
 * shows them, and {@link dev.loupe.app.ui.workspace.WorkspaceState}, the form a session stores them in.
 */
package dev.loupe.app.ui.workspace;
