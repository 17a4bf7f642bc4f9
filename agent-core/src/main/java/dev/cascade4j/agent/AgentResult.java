package dev.cascade4j.agent;

import java.time.Duration;
import java.util.List;

/**
 * What an agent run produced: the final answer (or {@code null} when it stopped without one) and the
 * trace of every step.
 */
public record AgentResult(String answer, StopReason stopReason, List<AgentStep> steps, Duration elapsed) {

    public enum StopReason {
        /** The model gave its final answer. */
        FINAL_ANSWER,
        /** The step limit was reached first. */
        STEP_LIMIT,
        /** The time budget ran out first. */
        TIME_BUDGET,
        /** The model's output was cut off at its token limit before it made a usable call or answer. */
        INCOMPLETE_OUTPUT
    }

    public AgentResult {
        steps = List.copyOf(steps);
    }

    public boolean answered() {
        return stopReason == StopReason.FINAL_ANSWER;
    }

    /** Whether any step's model call went to the large model. */
    public boolean escalated() {
        return steps.stream().anyMatch(s -> s.decision().escalated());
    }
}
