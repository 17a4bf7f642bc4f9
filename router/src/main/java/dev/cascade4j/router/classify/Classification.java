package dev.cascade4j.router.classify;

/**
 * Which route a text belongs to, and how sure the classifier is.
 *
 * @param route      the best route, or {@code null} when the text is out of scope
 * @param confidence softmax probability of the best route over all routes' scores, in [0, 1]
 * @param similarity cosine similarity of the closest example of any route
 * @param runnerUp   the second-best route (for the detail), or {@code null} with a single route
 * @param detail     a human-readable account, e.g. "extract 0.82 over classify 0.11 (nearest example 0.74)"
 */
public record Classification(String route, double confidence, double similarity, String runnerUp, String detail) {

    public boolean outOfScope() {
        return route == null;
    }

    public Classification withConfidence(double c, String extraDetail) {
        return new Classification(route, c, similarity, runnerUp, detail + "; " + extraDetail);
    }
}
