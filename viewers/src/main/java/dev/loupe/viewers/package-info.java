/** JavaFX renderers for plugin result types; knows no model. Issue 4. */
package dev.loupe.viewers;
