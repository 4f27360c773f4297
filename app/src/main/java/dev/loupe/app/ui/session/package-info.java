/**
 * The session's lifecycle as the File menu drives it: new, open (restoring the workspace), save, save as, export,
 * import, autosave and closing on quit. The SQLite store itself is {@code dev.loupe.app.session}.
 */
package dev.loupe.app.ui.session;
