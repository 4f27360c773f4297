package dev.loupe.app.task;

/** How a task ended. SUPERSEDED: a newer request for the same key replaced it (latest wins); nobody is told. */
public enum TaskOutcome {
    SUCCEEDED, FAILED, CANCELLED, SUPERSEDED
}
