/** Steering vectors: loading them from files and checking them against a model, for the CLI and the steering view. */
package dev.loupe.engine.steering;
