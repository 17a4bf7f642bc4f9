package dev.cascade4j.cli.calibration;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The figures of a calibration run, as pure functions of confidences and right/wrong outcomes.
 * Empty inputs give {@code NaN} rather than a misleading 0 or 1.
 */
public final class CalibrationMetrics {

    private CalibrationMetrics() {
    }

    /** Share of {@code true}. */
    public static double accuracy(List<Boolean> outcomes) {
        if (outcomes.isEmpty()) {
            return Double.NaN;
        }
        return outcomes.stream().filter(b -> b).count() / (double) outcomes.size();
    }

    /**
     * Area under the ROC curve of {@code scores} for telling right ({@code true}) from wrong answers:
     * the probability that a random right answer scores higher than a random wrong one, ties counting
     * half (Mann–Whitney U with average ranks). {@code NaN} when either class is empty.
     */
    public static double auroc(double[] scores, boolean[] positive) {
        check(scores, positive);
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        double[] rank = new double[n];
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double avg = (i + j) / 2.0 + 1; // ranks are 1-based
            for (int k = i; k <= j; k++) {
                rank[order[k]] = avg;
            }
            i = j + 1;
        }
        long pos = 0;
        double rankSum = 0;
        for (int i = 0; i < n; i++) {
            if (positive[i]) {
                pos++;
                rankSum += rank[i];
            }
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        double u = rankSum - pos * (pos + 1) / 2.0;
        return u / (pos * (double) neg);
    }

    /**
     * Expected calibration error over {@code bins} equal-width bins of [0, 1]: the mean, weighted by
     * bin size, of |accuracy − mean confidence| in each bin. A score of 1 falls in the last bin.
     */
    public static double expectedCalibrationError(double[] scores, boolean[] correct, int bins) {
        check(scores, correct);
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be at least 1, got " + bins);
        }
        if (scores.length == 0) {
            return Double.NaN;
        }
        int[] count = new int[bins];
        double[] confSum = new double[bins];
        int[] right = new int[bins];
        for (int i = 0; i < scores.length; i++) {
            int b = Math.min(bins - 1, (int) Math.floor(Math.max(0, scores[i]) * bins));
            count[b]++;
            confSum[b] += scores[i];
            right[b] += correct[i] ? 1 : 0;
        }
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            if (count[b] > 0) {
                ece += count[b] / (double) scores.length * Math.abs(right[b] / (double) count[b] - confSum[b] / count[b]);
            }
        }
        return ece;
    }

    /**
     * A threshold on generation confidence and what it gives: answers scoring at least
     * {@code threshold} stay on the SLM, the rest go to the large model.
     *
     * @param threshold         the route's {@code minGenerationConfidence}
     * @param keptShare         share of subtasks kept on the SLM
     * @param cascadeAccuracy   accuracy of SLM-or-large under this threshold
     * @param largeAccuracy     accuracy of sending everything to the large model
     */
    public record ThresholdChoice(double threshold, double keptShare, double cascadeAccuracy, double largeAccuracy) {
        /** Accuracy lost against all-large, in percentage points. */
        public double lossPoints() {
            return 100 * (largeAccuracy - cascadeAccuracy);
        }
    }

    /** Accuracy and kept share when answers with confidence at least {@code threshold} stay on the SLM. */
    public static ThresholdChoice evaluate(double threshold, double[] confidence, boolean[] slmCorrect, boolean[] largeCorrect) {
        check(confidence, slmCorrect);
        check(confidence, largeCorrect);
        int n = confidence.length;
        if (n == 0) {
            return new ThresholdChoice(threshold, Double.NaN, Double.NaN, Double.NaN);
        }
        int kept = 0;
        int right = 0;
        int largeRight = 0;
        for (int i = 0; i < n; i++) {
            boolean keep = confidence[i] >= threshold;
            kept += keep ? 1 : 0;
            right += (keep ? slmCorrect[i] : largeCorrect[i]) ? 1 : 0;
            largeRight += largeCorrect[i] ? 1 : 0;
        }
        return new ThresholdChoice(threshold, kept / (double) n, right / (double) n, largeRight / (double) n);
    }

    private static void check(double[] scores, boolean[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException("scores and outcomes differ in length: " + scores.length + " vs " + labels.length);
        }
    }
}
