package dev.cascade4j.cli.calibration;

import java.util.Locale;
import java.util.Objects;

/**
 * How calibration picks each route's threshold, and whether it fits a confidence model first.
 *
 * @param risk   what is bounded: accuracy lost against all-large, or errors let through
 * @param alpha  the target, as a share of a route's subtasks (2 points = 0.02)
 * @param bound  the guarantee ({@link RiskBound.Kind})
 * @param delta  for Clopper–Pearson, the probability that the bound fails
 * @param fit    fit a confidence model per route on the calibration split before choosing thresholds
 */
public record ThresholdPolicy(Risk risk, double alpha, RiskBound.Kind bound, double delta, boolean fit) {

    public enum Risk {
        /** Kept on the SLM, wrong, and the large model was right: bounds the accuracy lost against all-large. */
        LOSS,
        /** Kept on the SLM and wrong. */
        ERROR_RATE
    }

    public ThresholdPolicy {
        Objects.requireNonNull(risk, "risk");
        Objects.requireNonNull(bound, "bound");
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("the target must be above 0 and at most 100%, got " + alpha);
        }
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be between 0 and 1, got " + delta);
        }
    }

    /** At most {@code points} of accuracy lost against all-large, under conformal risk control, no fit. */
    public static ThresholdPolicy targetLoss(double points) {
        return new ThresholdPolicy(Risk.LOSS, points / 100, RiskBound.Kind.CONFORMAL, 0.1, false);
    }

    public ThresholdPolicy withFit(boolean fit) {
        return new ThresholdPolicy(risk, alpha, bound, delta, fit);
    }

    /** The target as the report states it. */
    public String describe() {
        String what = risk == Risk.LOSS
                ? String.format(Locale.ROOT, "at most %.1f points lost against all-large", 100 * alpha)
                : String.format(Locale.ROOT, "at most %.1f%% of subtasks kept on the SLM and wrong", 100 * alpha);
        return what + ", by " + RiskBound.describe(bound, delta);
    }
}
