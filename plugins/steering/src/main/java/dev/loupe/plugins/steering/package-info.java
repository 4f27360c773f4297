/**
 * Activation steering: build a direction (contrastive pairs, word differences, MLP value vectors), apply it during
 * runs and generation, compare, sweep layer x coefficient, diagnose, and bake it into a layer's weights.
 */
package dev.loupe.plugins.steering;
