/** Run: the selected plugin on the open model and the input, recorded in the session, opened as a tab. */
package dev.loupe.app.ui.runs;
