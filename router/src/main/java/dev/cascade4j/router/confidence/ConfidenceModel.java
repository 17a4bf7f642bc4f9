package dev.cascade4j.router.confidence;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A fitted logistic regression over {@link ConfidenceSignals}: the probability that an SLM answer is
 * right, {@code 1 / (1 + exp(-(intercept + Σ weight · (x − mean) / scale)))}. It replaces a route's
 * default judgement when the route's configuration has a {@code confidence} block; scoring costs a
 * dozen multiplications.
 *
 * @param intercept the bias, in log-odds
 * @param features  per feature name ({@link ConfidenceSignals#FEATURES}): weight, mean and scale of its standardisation
 */
public record ConfidenceModel(double intercept, Map<String, Term> features) {

    /** One input: its weight on the standardised value, and the mean and scale that standardise it. */
    public record Term(double weight, double mean, double scale) {
        public Term {
            if (!Double.isFinite(weight) || !Double.isFinite(mean) || !(scale > 0) || !Double.isFinite(scale)) {
                throw new IllegalArgumentException("a confidence weight needs finite numbers and a positive scale");
            }
        }
    }

    public ConfidenceModel {
        if (!Double.isFinite(intercept)) {
            throw new IllegalArgumentException("the confidence intercept must be a finite number");
        }
        Objects.requireNonNull(features, "features");
        for (String name : features.keySet()) {
            if (!ConfidenceSignals.FEATURES.contains(name)) {
                throw new IllegalArgumentException("unknown confidence feature '" + name + "'; known: " + ConfidenceSignals.FEATURES);
            }
        }
        features = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(features));
    }

    /** The probability that the answer with these signals is right. */
    public double score(ConfidenceSignals s) {
        Map<String, Double> x = s.features();
        double z = intercept;
        for (Map.Entry<String, Term> e : features.entrySet()) {
            Term t = e.getValue();
            z += t.weight() * (x.get(e.getKey()) - t.mean()) / t.scale();
        }
        return 1 / (1 + Math.exp(-z));
    }

    /** The YAML block of a route, indented by {@code indent} spaces. */
    public String toYaml(int indent) {
        String pad = " ".repeat(indent);
        StringBuilder b = new StringBuilder(pad).append("confidence:\n");
        b.append(pad).append(String.format(Locale.ROOT, "  intercept: %s%n", num(intercept)));
        for (String key : new String[] {"weights", "means", "scales"}) {
            b.append(pad).append("  ").append(key).append(":\n");
            features.forEach((name, t) -> b.append(pad).append("    ").append(name).append(": ")
                    .append(num(key.equals("weights") ? t.weight() : key.equals("means") ? t.mean() : t.scale())).append('\n'));
        }
        return b.toString();
    }

    private static String num(double x) {
        return String.format(Locale.ROOT, "%.6g", x);
    }
}
