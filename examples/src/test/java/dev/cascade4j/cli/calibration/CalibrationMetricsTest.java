package dev.cascade4j.cli.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each figure on inputs small enough to work out by hand. */
class CalibrationMetricsTest {

    @Test
    void accuracyIsTheShareOfTrue() {
        assertEquals(0.75, CalibrationMetrics.accuracy(List.of(true, true, false, true)), 1e-12);
        assertTrue(Double.isNaN(CalibrationMetrics.accuracy(List.of())));
    }

    @Test
    void aurocOfPerfectInvertedAndRandomScores() {
        assertEquals(1.0, CalibrationMetrics.auroc(new double[] {0.9, 0.8, 0.2, 0.1}, new boolean[] {true, true, false, false}), 1e-12);
        assertEquals(0.0, CalibrationMetrics.auroc(new double[] {0.1, 0.2, 0.8, 0.9}, new boolean[] {true, true, false, false}), 1e-12);
        // Pairs (pos, neg): (0.9,0.5) win, (0.9,0.7) win, (0.3,0.5) loss, (0.3,0.7) loss -> 2/4.
        assertEquals(0.5, CalibrationMetrics.auroc(new double[] {0.9, 0.3, 0.5, 0.7}, new boolean[] {true, true, false, false}), 1e-12);
    }

    @Test
    void aurocCountsTiesAsHalf() {
        // pos {0.5, 0.8}, neg {0.5, 0.2}: (0.5,0.5) tie 0.5, (0.5,0.2) 1, (0.8,0.5) 1, (0.8,0.2) 1 -> 3.5/4.
        assertEquals(0.875, CalibrationMetrics.auroc(new double[] {0.5, 0.8, 0.5, 0.2}, new boolean[] {true, true, false, false}), 1e-12);
        // Everything tied: no separation at all.
        assertEquals(0.5, CalibrationMetrics.auroc(new double[] {0.4, 0.4, 0.4}, new boolean[] {true, false, false}), 1e-12);
    }

    @Test
    void aurocIsUndefinedWithOneClass() {
        assertTrue(Double.isNaN(CalibrationMetrics.auroc(new double[] {0.1, 0.9}, new boolean[] {true, true})));
        assertThrows(IllegalArgumentException.class, () -> CalibrationMetrics.auroc(new double[] {0.1}, new boolean[] {true, false}));
    }

    @Test
    void eceWeighsEachBinsGapByItsSize() {
        // Bin [0.9,1.0]: 0.95, 0.95 (right, wrong): acc 0.5, conf 0.95, gap 0.45, weight 2/4.
        // Bin [0.1,0.2): 0.15, 0.15 (wrong, wrong): acc 0, conf 0.15, gap 0.15, weight 2/4. ECE = 0.225 + 0.075 = 0.3.
        double ece = CalibrationMetrics.expectedCalibrationError(new double[] {0.95, 0.95, 0.15, 0.15},
                new boolean[] {true, false, false, false}, 10);
        assertEquals(0.3, ece, 1e-12);
    }

    @Test
    void eceIsZeroWhenConfidenceMatchesAccuracyAndOneLandsInTheLastBin() {
        // Four answers at 1.0 (last bin), all right: gap 0. Four at 0.25, one right: gap 0.
        double ece = CalibrationMetrics.expectedCalibrationError(new double[] {1, 1, 1, 1, 0.25, 0.25, 0.25, 0.25},
                new boolean[] {true, true, true, true, true, false, false, false}, 10);
        assertEquals(0.0, ece, 1e-12);
    }

    @Test
    void costSavedIsTheShareOfTheAllLargeBill() {
        CostModel prices = new CostModel(0.0, 0.0, 1.0, 2.0);
        assertEquals(3.0, prices.large(1000, 1000), 1e-12);
        assertEquals(0.0, prices.slm(1000, 1000), 1e-12);
        assertEquals(0.75, CostModel.saved(1, 4), 1e-12);
        assertTrue(Double.isNaN(CostModel.saved(1, 0)));
        assertThrows(IllegalArgumentException.class, () -> new CostModel(-1, 0, 0, 0));
    }
}
