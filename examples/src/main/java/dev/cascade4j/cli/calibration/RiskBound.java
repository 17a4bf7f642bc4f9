package dev.cascade4j.cli.calibration;

import java.util.Arrays;
import java.util.Locale;

/**
 * Thresholds with a guarantee. A route's risk at threshold {@code t} is the share of its subtasks whose
 * outcome is a harm: for {@code --target-loss}, kept on the SLM with a wrong answer where the large model
 * was right (which bounds the accuracy lost against all-large); for {@code --max-error-rate}, kept on the
 * SLM with a wrong answer. Either grows as the threshold falls, so the lowest threshold whose bound holds
 * is well defined.
 *
 * <ul>
 *   <li>{@link Kind#CONFORMAL} (default): conformal risk control. With {@code n} exchangeable calibration
 *       items, the lowest {@code t} with {@code (n·R̂(t) + 1) / (n + 1) ≤ α} has expected risk on a new
 *       subtask at most {@code α}. It costs one item's worth of slack, so it works on a few dozen items.</li>
 *   <li>{@link Kind#CLOPPER_PEARSON}: Learn-then-Test with fixed-sequence testing. Thresholds are tried
 *       from the strictest down and the walk stops at the first whose one-sided Clopper–Pearson upper
 *       bound on the risk, at level {@code δ}, exceeds {@code α}: with probability at least {@code 1 − δ}
 *       over the calibration draw, the chosen threshold's risk is at most {@code α}. Stronger, but it
 *       needs about {@code ln(1/δ)/α} items per route before it keeps anything.</li>
 * </ul>
 */
public final class RiskBound {
    public enum Kind {
        CONFORMAL("conformal"), CLOPPER_PEARSON("clopper-pearson");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        public static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.key.equalsIgnoreCase(s)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown bound '" + s + "'; use conformal or clopper-pearson");
        }
    }

    /**
     * The chosen threshold and what the bound said.
     *
     * @param threshold   answers scoring at least this stay on the SLM ({@code > 1}: none stays)
     * @param empirical   the risk on the calibration items at that threshold
     * @param bound       the bound on the risk that was held to {@code α}
     */
    public record Choice(double threshold, double empirical, double bound) {
    }

    private RiskBound() {
    }

    /**
     * The lowest threshold whose bound on the risk is at most {@code alpha}.
     *
     * @param scores one per calibration item of the route
     * @param harm   whether keeping that item on the SLM would be a harm
     */
    public static Choice choose(double[] scores, boolean[] harm, double alpha, Kind kind, double delta) {
        int n = scores.length;
        if (n != harm.length) {
            throw new IllegalArgumentException("scores and harms differ in length");
        }
        double[] candidates = Arrays.stream(scores).distinct().sorted().toArray();
        Choice best = new Choice(Math.nextUp(1.0), 0, n == 0 ? Double.NaN : kind == Kind.CONFORMAL ? 1.0 / (n + 1) : upper(0, n, delta));
        if (n == 0) {
            return best;
        }
        // From the strictest threshold down: risk only grows, and for Clopper–Pearson the order is the test sequence.
        for (int c = candidates.length - 1; c >= 0; c--) {
            double t = candidates[c];
            int harms = 0;
            for (int i = 0; i < n; i++) {
                harms += scores[i] >= t && harm[i] ? 1 : 0;
            }
            double bound = kind == Kind.CONFORMAL ? (harms + 1.0) / (n + 1) : upper(harms, n, delta);
            if (bound > alpha) {
                break;
            }
            best = new Choice(t, harms / (double) n, bound);
        }
        return best;
    }

    /** One-sided Clopper–Pearson upper bound at level {@code delta} for {@code k} events in {@code n} trials. */
    public static double upper(int k, int n, double delta) {
        if (k >= n) {
            return 1;
        }
        double lo = k / (double) n;
        double hi = 1;
        // the bound p solves P(Bin(n, p) ≤ k) = δ, i.e. I_{1-p}(n-k, k+1) = δ
        for (int i = 0; i < 100; i++) {
            double mid = (lo + hi) / 2;
            if (binomialCdf(k, n, mid) > delta) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    static double binomialCdf(int k, int n, double p) {
        return regularizedBeta(1 - p, n - k, k + 1.0);
    }

    /** I_x(a, b) by the continued fraction of Numerical Recipes (6.4). */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
        if (x < (a + 1) / (a + b + 2)) {
            return Math.exp(lnFront) * fraction(x, a, b) / a;
        }
        return 1 - Math.exp(lnFront) * fraction(1 - x, b, a) / b;
    }

    private static double fraction(double x, double a, double b) {
        double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 300; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + aa * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + aa * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-14) {
                break;
            }
        }
        return h;
    }

    // Lanczos approximation (g = 7, n = 9)
    private static final double[] LANCZOS = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};

    static double logGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        x -= 1;
        double a = LANCZOS[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) {
            a += LANCZOS[i] / (x + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }

    /** What a choice means, for the report. */
    public static String describe(Kind kind, double delta) {
        return kind == Kind.CONFORMAL ? "conformal risk control (expected risk on new subtasks at most the target)"
                : String.format(Locale.ROOT, "Clopper-Pearson with fixed-sequence testing (risk at most the target with probability %.0f%%)",
                        100 * (1 - delta));
    }
}
