/** The model panel: opening a checkpoint folder on the engine lane, and the model card that describes it. */
package dev.loupe.app.ui.model;
