package dev.cascade4j.agent;

import java.time.Duration;
import java.util.List;

/**
 * What an agent run produced: the final answer ({@code null} unless the stop reason is
 * {@link StopReason#FINAL_ANSWER}), why the run stopped, and the trace of every step.
 *
 * @param answer     the model's final answer, never blank; {@code null} when the run stopped without one
 * @param stopReason what ended the run
 * @param detail     what ended the run, in words (e.g. which tool looped, how far a cut-off answer got)
 * @param error      the router's failure when the stop reason is {@link StopReason#ERROR}, else {@code null}
 * @param steps      every step, in order
 * @param elapsed    wall time of the run
 */
public record AgentResult(String answer, StopReason stopReason, String detail, Throwable error, List<AgentStep> steps, Duration elapsed) {

    public enum StopReason {
        /** The model gave its final answer, and it is not empty. */
        FINAL_ANSWER,
        /** The step limit ({@code maxSteps}) was reached without a final answer. */
        STEP_LIMIT,
        /** The run's time budget ran out: before a step, or during one, whose answer was cut off. */
        TIME_BUDGET,
        /** A step's model call ran past its own deadline ({@code stepTimeout}), shorter than what was left of the budget. */
        SLM_TIMEOUT,
        /**
         * The model kept looping over a tool after the step that broke its first loop went to the large
         * model: it repeated a call whose result it had, or fed a tool a number that tool had returned.
         */
        TOOL_LOOP,
        /** The model's output was cut off at its token limit before it made a usable call or answer. */
        INCOMPLETE_OUTPUT,
        /** The model finished with an empty answer. */
        NO_ANSWER,
        /** The router failed the step (overloaded, invalid request, a large model that failed, ...): see {@link #error()}. */
        ERROR
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
