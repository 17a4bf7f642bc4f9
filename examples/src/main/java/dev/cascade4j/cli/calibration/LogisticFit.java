package dev.cascade4j.cli.calibration;

import dev.cascade4j.router.confidence.ConfidenceModel;
import dev.cascade4j.router.confidence.ConfidenceSignals;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits a {@link ConfidenceModel}: features standardised on the training data, then an L2-regularised
 * logistic regression by Newton's method (iteratively reweighted least squares). The penalty keeps the
 * weights finite when right and wrong answers are separable, as they often are on a few dozen items.
 */
public final class LogisticFit {
    /** Fewer items of either class than this and a route keeps the default judgement. */
    public static final int MIN_PER_CLASS = 5;

    private LogisticFit() {
    }

    /**
     * The fitted model, or {@code null} when there are fewer than {@link #MIN_PER_CLASS} right or wrong answers.
     *
     * @param lambda L2 penalty on the standardised weights (not the intercept); 1 is a mild default
     */
    public static ConfidenceModel fit(List<ConfidenceSignals> signals, boolean[] right, List<String> featureNames, double lambda) {
        int n = signals.size();
        if (n != right.length) {
            throw new IllegalArgumentException("signals and outcomes differ in length: " + n + " vs " + right.length);
        }
        int pos = 0;
        for (boolean r : right) {
            pos += r ? 1 : 0;
        }
        if (pos < MIN_PER_CLASS || n - pos < MIN_PER_CLASS) {
            return null;
        }
        int p = featureNames.size();
        double[][] x = new double[n][p + 1];
        double[] mean = new double[p];
        double[] scale = new double[p];
        for (int j = 0; j < p; j++) {
            double s = 0;
            for (ConfidenceSignals sig : signals) {
                s += sig.feature(featureNames.get(j));
            }
            mean[j] = s / n;
            double v = 0;
            for (ConfidenceSignals sig : signals) {
                double d = sig.feature(featureNames.get(j)) - mean[j];
                v += d * d;
            }
            double sd = Math.sqrt(v / n);
            scale[j] = sd > 1e-9 ? sd : 1; // a constant feature stays at 0 after centring and gets no weight
        }
        for (int i = 0; i < n; i++) {
            x[i][0] = 1;
            for (int j = 0; j < p; j++) {
                x[i][j + 1] = (signals.get(i).feature(featureNames.get(j)) - mean[j]) / scale[j];
            }
        }
        double[] w = new double[p + 1];
        for (int iter = 0; iter < 50; iter++) {
            double[] grad = new double[p + 1];
            double[][] hess = new double[p + 1][p + 1];
            for (int i = 0; i < n; i++) {
                double z = 0;
                for (int j = 0; j <= p; j++) {
                    z += w[j] * x[i][j];
                }
                double mu = 1 / (1 + Math.exp(-z));
                double r = (right[i] ? 1 : 0) - mu;
                double h = Math.max(mu * (1 - mu), 1e-12);
                for (int j = 0; j <= p; j++) {
                    grad[j] += r * x[i][j];
                    for (int k = 0; k <= j; k++) {
                        hess[j][k] += h * x[i][j] * x[i][k];
                    }
                }
            }
            for (int j = 0; j <= p; j++) {
                for (int k = 0; k < j; k++) {
                    hess[k][j] = hess[j][k];
                }
                if (j > 0) {
                    grad[j] -= lambda * w[j];
                    hess[j][j] += lambda;
                }
            }
            hess[0][0] += 1e-9;
            double[] step = solve(hess, grad);
            double change = 0;
            for (int j = 0; j <= p; j++) {
                w[j] += step[j];
                change = Math.max(change, Math.abs(step[j]));
            }
            if (change < 1e-8) {
                break;
            }
        }
        Map<String, ConfidenceModel.Term> terms = new LinkedHashMap<>();
        for (int j = 0; j < p; j++) {
            terms.put(featureNames.get(j), new ConfidenceModel.Term(w[j + 1], mean[j], scale[j]));
        }
        return new ConfidenceModel(w[0], terms);
    }

    // Cholesky: the penalised Hessian is symmetric positive definite.
    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                l[i][j] = i == j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j][j];
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * y[k];
            }
            y[i] = s / l[i][i];
        }
        double[] out = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k][i] * out[k];
            }
            out[i] = s / l[i][i];
        }
        return out;
    }
}
