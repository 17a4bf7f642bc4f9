package dev.cascade4j.inference.internal.llama;

import dev.cascade4j.inference.Confidence;
import java.util.Arrays;

/** Collects the per-token signals of one generation's decision tokens and summarises them. */
final class ConfidenceAccumulator {
    private double[] probabilities = new double[32];
    private int count;
    private double sumLogProbability;
    private double sumEntropy;
    private double firstMargin = Double.NaN;
    private double minAllowedMass = 1;

    /**
     * Records one decision token.
     *
     * @param probability  raw probability of the chosen token
     * @param entropy      entropy of the raw distribution at this step
     * @param margin       chosen token's raw probability minus the best allowed alternative's
     * @param allowedMass  raw probability mass the grammar allowed at this step (1 if unconstrained)
     */
    void record(double probability, double entropy, double margin, double allowedMass) {
        if (count == probabilities.length) {
            probabilities = Arrays.copyOf(probabilities, count * 2);
        }
        probabilities[count++] = probability;
        sumLogProbability += Math.log(Math.max(probability, 1e-300));
        sumEntropy += entropy;
        if (Double.isNaN(firstMargin)) {
            firstMargin = margin;
        }
        minAllowedMass = Math.min(minAllowedMass, allowedMass);
    }

    Confidence summary() {
        if (count == 0) {
            // Everything was forced by the grammar: the model made no choice that could be wrong.
            return new Confidence(1, 0, 1, 1, 0, 0, 1, minAllowedMass);
        }
        double[] sorted = Arrays.copyOf(probabilities, count);
        Arrays.sort(sorted);
        double min = sorted[0];
        double p10 = sorted[(int) Math.floor(0.1 * (count - 1))];
        double margin = Double.isNaN(firstMargin) ? 1 : firstMargin;
        return new Confidence(Confidence.combine(p10, minAllowedMass, margin), count, min, p10,
                sumLogProbability / count, sumEntropy / count, margin, minAllowedMass);
    }
}
