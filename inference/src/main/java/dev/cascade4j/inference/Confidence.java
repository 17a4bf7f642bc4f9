package dev.cascade4j.inference;

/**
 * How sure the model was of its answer, from the raw logits before any grammar masked them, on the
 * tokens that carry the decision: the first token of the answer, tool names and argument values (or
 * the values of a JSON answer, or every sampled token of free text). Structural tokens, keys and
 * tokens the grammar forced are left out; they say nothing about the model's choice.
 *
 * @param score             one number in [0, 1] that callers threshold; see {@link #combine}
 * @param decisionTokens    how many tokens the signals were computed on
 * @param minProbability    lowest raw probability of a chosen decision token
 * @param p10Probability    10th percentile of those probabilities (robust to one odd token)
 * @param meanLogProbability mean natural log-probability of the decision tokens
 * @param meanEntropy       mean entropy (nats) of the raw distribution at decision tokens
 * @param firstMargin       raw probability of the chosen first token minus that of the best allowed alternative
 * @param minAllowedMass    lowest raw probability mass that the grammar left allowed at a decision token
 *                          (1 when unconstrained); a model fighting the schema is a model that is wrong
 */
public record Confidence(
        double score,
        int decisionTokens,
        double minProbability,
        double p10Probability,
        double meanLogProbability,
        double meanEntropy,
        double firstMargin,
        double minAllowedMass) {

    public static final Confidence NONE = new Confidence(0, 0, 0, 0, 0, 0, 0, 0);

    /**
     * The default score: the 10th-percentile decision-token probability, scaled by the square root
     * of the weakest allowed mass and by how decided the first token was. Low quantiles separate right
     * from wrong better than averages, which grow with length and with forced tokens. The router's
     * calibration may replace this with a fitted combination of the same signals.
     */
    public static double combine(double p10, double minAllowedMass, double firstMargin) {
        double firstFactor = 0.5 + 0.5 * Math.max(0, firstMargin);
        return clamp(p10 * Math.sqrt(Math.max(0, minAllowedMass)) * firstFactor);
    }

    private static double clamp(double x) {
        return Double.isNaN(x) ? 0 : Math.max(0, Math.min(1, x));
    }
}
