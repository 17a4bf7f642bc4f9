package dev.cascade4j.inference;

/** Why generation ended. */
public enum FinishReason {
    /** The model ended its answer, or the grammar's answer was complete. */
    STOP,
    /** A stop string was produced. */
    STOP_STRING,
    /** The token limit was reached. */
    LENGTH,
    /** The answer is one or more tool calls. */
    TOOL_CALLS,
    /** The caller cancelled. */
    CANCELLED
}
