/** The input panel: the prompt, and how many tokens it is for the open model. */
package dev.loupe.app.ui.input;
