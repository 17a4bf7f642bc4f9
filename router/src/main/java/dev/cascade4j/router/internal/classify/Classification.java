package dev.cascade4j.router.internal.classify;

/**
 * Which route a text belongs to, and how sure the classifier is.
 *
 * @param route      the best route, or {@code null} when the text is out of scope
 * @param confidence softmax probability of the best route over all routes' scores, in [0, 1]
 * @param similarity cosine similarity of the closest example of any route
 * @param runnerUp   the second-best route (for the detail), or {@code null} with a single route
 * @param whyOutOfScope why the text is out of scope, e.g. "out of scope: nearest example 0.31 &lt; 0.35";
 *                   {@code null} when it has a route
 * @param account    how the scores fell, e.g. "extract 0.82 over classify 0.11 (nearest example 0.74)"
 */
public record Classification(String route, double confidence, double similarity, String runnerUp, String whyOutOfScope, String account) {

    /** A text with a route. */
    public Classification(String route, double confidence, double similarity, String runnerUp, String account) {
        this(route, confidence, similarity, runnerUp, null, account);
    }

    public Classification {
        if ((route == null) == (whyOutOfScope == null)) {
            throw new IllegalArgumentException("a classification has a route or a reason to be out of scope, not both or neither");
        }
    }

    public boolean outOfScope() {
        return route == null;
    }

    /** The whole account, for people: why it is out of scope (if it is), then how the scores fell. */
    public String detail() {
        return whyOutOfScope == null ? account : whyOutOfScope + "; " + account;
    }

    public Classification withConfidence(double c, String extraDetail) {
        return new Classification(route, c, similarity, runnerUp, whyOutOfScope, account + "; " + extraDetail);
    }
}
