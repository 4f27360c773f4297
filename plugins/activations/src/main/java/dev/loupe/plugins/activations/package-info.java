/** The Activations view: one hook's tensor as a labelled heatmap with summary statistics. */
package dev.loupe.plugins.activations;
