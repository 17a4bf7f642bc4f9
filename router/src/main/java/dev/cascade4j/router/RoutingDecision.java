package dev.cascade4j.router;

import dev.cascade4j.router.confidence.ConfidenceSignals;

/**
 * What the router decided for one subtask, and why.
 *
 * @param subtaskId            the subtask's id
 * @param route                the chosen route, or {@code null} when out of scope
 * @param classifierConfidence how sure the classifier was of the route, in [0, 1] (1 when the caller named the route)
 * @param generationConfidence the SLM's answer confidence in [0, 1], or {@code NaN} when no SLM ran
 * @param escalated            whether the returned answer came from the large model
 * @param reason               why it escalated, or why it should have ({@link #fallback}); {@code NONE} otherwise
 * @param model                the model that produced the returned answer
 * @param fallback             escalation was wanted but no large model was configured or it failed, so the
 *                             SLM's answer was returned marked low-confidence
 * @param detail               a human-readable explanation, e.g. "generation confidence 0.31 < 0.55"
 * @param signals              the raw signals the SLM's answer was judged on, or {@code null} when no SLM ran;
 *                             logged so that the route's confidence model can be refitted on traffic
 */
public record RoutingDecision(
        String subtaskId,
        String route,
        double classifierConfidence,
        double generationConfidence,
        boolean escalated,
        EscalationReason reason,
        String model,
        boolean fallback,
        String detail,
        ConfidenceSignals signals) {

    /** A decision without signals (no SLM answer was judged). */
    public RoutingDecision(String subtaskId, String route, double classifierConfidence, double generationConfidence, boolean escalated,
                           EscalationReason reason, String model, boolean fallback, String detail) {
        this(subtaskId, route, classifierConfidence, generationConfidence, escalated, reason, model, fallback, detail, null);
    }

    /** The returned answer is one the router itself judged unsure. */
    public boolean lowConfidence() {
        return fallback;
    }
}
