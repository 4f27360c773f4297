/**
 * Block recurrence and depth dynamics: how a model uses its depth. Layer x layer similarity matrices (cosine, linear
 * CKA) with contiguous phases found exactly, per-layer update measures, layer skipping, and block-recurrent
 * surrogates built from a phase split.
 */
package dev.loupe.plugins.recurrence;
