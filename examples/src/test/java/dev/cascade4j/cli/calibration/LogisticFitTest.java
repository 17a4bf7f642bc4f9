package dev.cascade4j.cli.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.router.confidence.ConfidenceModel;
import dev.cascade4j.router.confidence.ConfidenceSignals;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fitter on synthetic data, and the bounds that pick thresholds. */
class LogisticFitTest {

    static ConfidenceSignals signals(double p10, double grounding, double entropy) {
        return new ConfidenceSignals(p10, 4, p10 * 0.9, p10, Math.log(Math.max(p10, 1e-6)), entropy, 0.5, 1, grounding, 2, 12, 1,
                false, false, 0.9);
    }

    @Test
    void separableDataGivesFiniteWeightsAndARanking() {
        List<ConfidenceSignals> xs = new ArrayList<>();
        List<Boolean> ys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            boolean right = i % 2 == 0;
            // right answers have p10 above 0.5, wrong ones below: perfectly separable
            xs.add(signals(right ? 0.55 + i / 100.0 : 0.05 + i / 100.0, 1, 0.3));
            ys.add(right);
        }
        boolean[] y = toArray(ys);
        ConfidenceModel m = LogisticFit.fit(xs, y, List.of("p10", "grounding", "entropy"), 1.0);
        assertNotNull(m);
        assertTrue(Double.isFinite(m.intercept()) && Math.abs(m.features().get("p10").weight()) < 50, m.toString());
        assertTrue(m.features().get("p10").weight() > 0, "higher p10, more likely right: " + m);
        assertEquals(0.0, m.features().get("grounding").weight(), 1e-9, "a constant feature gets no weight");
        double[] scores = xs.stream().mapToDouble(m::score).toArray();
        assertEquals(1.0, CalibrationMetrics.auroc(scores, y), 1e-12);
    }

    @Test
    void recoversTheSignsOfANoisyLogisticModel() {
        Random rnd = new Random(7);
        List<ConfidenceSignals> xs = new ArrayList<>();
        boolean[] y = new boolean[2000];
        for (int i = 0; i < y.length; i++) {
            double p10 = rnd.nextDouble();
            double grounding = rnd.nextDouble();
            double entropy = rnd.nextDouble() * 2;
            double z = -0.5 + 4 * (p10 - 0.5) + 2 * (grounding - 0.5) - 1.5 * (entropy - 1);
            y[i] = rnd.nextDouble() < 1 / (1 + Math.exp(-z));
            xs.add(signals(p10, grounding, entropy));
        }
        ConfidenceModel m = LogisticFit.fit(xs, y, List.of("p10", "grounding", "entropy"), 1.0);
        // weights are per standard deviation: p10 and grounding have sd 1/sqrt(12), entropy 2/sqrt(12)
        double sd = 1 / Math.sqrt(12);
        assertEquals(4 * sd, m.features().get("p10").weight(), 0.25);
        assertEquals(2 * sd, m.features().get("grounding").weight(), 0.25);
        assertEquals(-1.5 * 2 * sd, m.features().get("entropy").weight(), 0.25);
        // calibrated on its own data: mean predicted equals the share right (a property of the logistic MLE)
        double mean = xs.stream().mapToDouble(m::score).average().orElseThrow();
        double share = 0;
        for (boolean b : y) {
            share += b ? 1 : 0;
        }
        assertEquals(share / y.length, mean, 0.01);
    }

    @Test
    void tooFewOfEitherClassFitsNothing() {
        List<ConfidenceSignals> xs = new ArrayList<>();
        boolean[] y = new boolean[20];
        for (int i = 0; i < 20; i++) {
            xs.add(signals(i / 20.0, 1, 0.1));
            y[i] = i >= 4; // 4 wrong: one short
        }
        assertNull(LogisticFit.fit(xs, y, ConfidenceSignals.FEATURES, 1.0));
    }

    @Test
    void clopperPearsonMatchesKnownValues() {
        // zero events: the bound is 1 - delta^(1/n)
        assertEquals(1 - Math.pow(0.1, 1 / 60.0), RiskBound.upper(0, 60, 0.1), 1e-9);
        // 5 in 100 at 95%: 0.1023 (one-sided exact)
        assertEquals(0.1023, RiskBound.upper(5, 100, 0.05), 0.0005);
        assertEquals(1.0, RiskBound.upper(3, 3, 0.1));
    }

    @Test
    void boundsKeepAsMuchAsTheTargetAllows() {
        // 20 items; wrong ones score lowest except one at 0.65
        double[] scores = new double[20];
        boolean[] harm = new boolean[20];
        for (int i = 0; i < 20; i++) {
            scores[i] = i / 20.0;
            harm[i] = i < 5 || i == 13;
        }
        // conformal at 15%: (harms + 1) / 21 <= 0.15 allows 2 harms (0.65 and 0.20): down to 0.20
        RiskBound.Choice c = RiskBound.choose(scores, harm, 0.15, RiskBound.Kind.CONFORMAL, 0.1);
        assertEquals(0.20, c.threshold(), 1e-12);
        assertEquals(2 / 20.0, c.empirical(), 1e-12);
        assertTrue(c.bound() <= 0.15);
        // Clopper–Pearson is stricter and stops at the first failure from the top
        RiskBound.Choice cp = RiskBound.choose(scores, harm, 0.15, RiskBound.Kind.CLOPPER_PEARSON, 0.1);
        assertTrue(cp.threshold() > c.threshold(), cp + " vs " + c);
        assertTrue(cp.bound() <= 0.15);
        // a target no bound can meet keeps nothing
        assertTrue(RiskBound.choose(scores, harm, 0.01, RiskBound.Kind.CONFORMAL, 0.1).threshold() > 1);
    }

    private static boolean[] toArray(List<Boolean> ys) {
        boolean[] y = new boolean[ys.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = ys.get(i);
        }
        return y;
    }
}
