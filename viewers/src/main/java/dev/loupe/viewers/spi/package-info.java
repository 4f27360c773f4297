/**
 * The renderer SPI: a {@link dev.loupe.viewers.spi.ResultRenderer} per view kind (FX view and headless figure),
 * found by ServiceLoader in Loupe's class path and in each plugin jar. See docs/decisions/0003.
 */
package dev.loupe.viewers.spi;
