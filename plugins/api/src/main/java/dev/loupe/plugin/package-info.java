/** The plugin SPI (no JavaFX): plugins declare parameters and captures and return plain-data results. Issue 4. */
package dev.loupe.plugin;
