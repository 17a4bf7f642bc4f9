package dev.cascade4j.inference.internal.llama;

import java.nio.charset.StandardCharsets;

/**
 * Decides which generated tokens count towards an answer's confidence, and records their signals
 * from the raw distribution (before the grammar masked it): the chosen token's probability, the
 * entropy, the margin over the best allowed alternative and the mass the grammar left allowed.
 */
final class ConfidenceRecorder {
    private ConfidenceRecorder() {
    }

    /**
     * A token is a decision when the model had a choice (more than one allowed candidate) and it opens
     * the answer, belongs to free text, or carries a value; keys and punctuation are the schema's, not
     * the model's.
     */
    static boolean decides(int allowedCount, boolean firstToken, boolean allTokensDecide, boolean carriesValue) {
        return allowedCount > 1 && (firstToken || allTokensDecide || carriesValue);
    }

    /** Feeds a token's text to the JSON role scanner; true when any of its characters lies inside a value. */
    static boolean feedsValue(JsonRoleScanner roles, byte[] piece) {
        boolean value = false;
        for (char c : new String(piece, StandardCharsets.UTF_8).toCharArray()) {
            value |= roles.isValue(c);
        }
        return value;
    }

    /** Records the token the sampler just chose. The normaliser is computed here, on decision tokens only. */
    static void record(ConfidenceAccumulator into, TokenSampler sampled, boolean constrained) {
        LogitStats stats = sampled.stats;
        double probability = stats.probability(sampled.chosenLogit());
        double allowedMass = 0;
        double bestOther = 0;
        for (int i = 0; i < sampled.count; i++) {
            if (sampled.allowed[i]) {
                double q = stats.probability(stats.logit(sampled.candidates[i]));
                allowedMass += q;
                if (i != sampled.chosen) {
                    bestOther = Math.max(bestOther, q);
                }
            }
        }
        into.record(probability, stats.entropy(), probability - bestOther, constrained ? Math.min(1, allowedMass) : 1);
    }
}
