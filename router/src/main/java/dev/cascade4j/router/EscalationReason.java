package dev.cascade4j.router;

/** Why a subtask went to the large model (or {@link #NONE} when the SLM's answer was kept). */
public enum EscalationReason {
    /** The SLM's answer was kept. */
    NONE,
    /** No route was close enough to the subtask. */
    OUT_OF_SCOPE,
    /** A route was chosen, but the classifier was below the route's threshold. */
    LOW_CLASSIFIER_CONFIDENCE,
    /** The SLM answered with generation confidence below the route's threshold. */
    LOW_GENERATION_CONFIDENCE,
    /** The SLM's output did not validate against the route's output schema. */
    INVALID_OUTPUT,
    /** A tool call's arguments did not validate against the tool's schema. */
    INVALID_TOOL_ARGUMENTS,
    /** A tool the SLM called threw or timed out; the caller (an agent) asks for the large model to recover. */
    TOOL_FAILED,
    /**
     * The SLM called the same tool in consecutive steps (a small model re-applying a tool to its own
     * result); the caller (an agent) asks the large model for the next step.
     */
    REPEATED_TOOL,
    /** The SLM did not answer before the subtask's deadline; it was cancelled. */
    SLM_TIMEOUT,
    /** The SLM failed (model error, context too small for the prompt). */
    SLM_ERROR,
    /** The route is configured to always use the large model. */
    ROUTE_POLICY
}
