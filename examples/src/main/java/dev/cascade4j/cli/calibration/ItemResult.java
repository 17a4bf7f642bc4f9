package dev.cascade4j.cli.calibration;

import dev.cascade4j.router.confidence.ConfidenceSignals;

/**
 * What the router did with one evaluation item.
 *
 * @param id                   the item's id
 * @param kind                 the item's kind
 * @param calibration          whether the item is in the calibration split (else test)
 * @param expectedRoute        the route it belongs to, {@code null} for out of scope
 * @param chosenRoute          the route the classifier chose, {@code null} for out of scope
 * @param classifierConfidence the classifier's confidence in its choice
 * @param autoConfidence       generation confidence of the SLM on the chosen route ({@code NaN} when none ran)
 * @param autoValid            the chosen route's answer passed the router's schema and argument checks
 * @param autoCorrect          the chosen route's answer was right
 * @param slmConfidence        generation confidence of the SLM on the expected route ({@code NaN} for out of scope)
 * @param slmValid             the expected route's answer passed the router's schema and argument checks
 * @param slmCorrect           the expected route's answer was right
 * @param slmDetail            why it was wrong, or empty
 * @param largeCorrect         the large model's answer was right; {@code null} when no large model answered (taken as right)
 * @param promptTokens         prompt tokens of the SLM's answer (also the estimate for the large model when it was not asked)
 * @param completionTokens     completion tokens of the SLM's answer
 * @param largePromptTokens    prompt tokens the large model reported, or -1
 * @param largeCompletionTokens completion tokens the large model reported, or -1
 * @param variant              the item's variant ({@code single}, {@code no_tool}, ...), or {@code null}
 * @param slmSignals           raw confidence signals of the SLM's answer on the expected route, or {@code null}
 * @param autoSignals          raw confidence signals of the SLM's answer on the chosen route, or {@code null}
 * @param autoCalledTool       the chosen route's SLM answer called a tool
 * @param slmMillis            time the SLM took on the chosen route's answer (queue, prompt, generation), 0 when none ran
 * @param largeMillis          time the large model took, or -1 when it was not measured
 */
public record ItemResult(
        String id,
        EvalItem.Kind kind,
        boolean calibration,
        String expectedRoute,
        String chosenRoute,
        double classifierConfidence,
        double autoConfidence,
        boolean autoValid,
        boolean autoCorrect,
        double slmConfidence,
        boolean slmValid,
        boolean slmCorrect,
        String slmDetail,
        Boolean largeCorrect,
        int promptTokens,
        int completionTokens,
        int largePromptTokens,
        int largeCompletionTokens,
        String variant,
        ConfidenceSignals slmSignals,
        ConfidenceSignals autoSignals,
        boolean autoCalledTool,
        double slmMillis,
        double largeMillis) {

    /** This result with the large model's answer checked, its tokens and its time. */
    public ItemResult withLarge(boolean correct, int promptTokens, int completionTokens, double millis) {
        return new ItemResult(id, kind, calibration, expectedRoute, chosenRoute, classifierConfidence, autoConfidence, autoValid,
                autoCorrect, slmConfidence, slmValid, slmCorrect, slmDetail, correct, this.promptTokens, this.completionTokens,
                promptTokens, completionTokens, variant, slmSignals, autoSignals, autoCalledTool, slmMillis, millis);
    }

    public boolean routedRight() {
        return expectedRoute == null ? chosenRoute == null : expectedRoute.equals(chosenRoute);
    }

    /** The large model's outcome, taking it as right when it was not measured. */
    public boolean largeRight() {
        return largeCorrect == null || largeCorrect;
    }

    /** Confidence used for thresholds: an answer that fails validation escalates whatever its score. */
    public double effectiveSlmConfidence() {
        return slmValid ? slmConfidence : -1;
    }

    public double effectiveAutoConfidence() {
        return autoValid ? autoConfidence : -1;
    }
}
