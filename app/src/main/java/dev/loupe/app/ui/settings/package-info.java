/**
 * Loupe's own small files in its home folder ({@link dev.loupe.app.ui.settings.LoupeHome}): the theme and the
 * recently opened models, read leniently and written whole.
 */
package dev.loupe.app.ui.settings;
