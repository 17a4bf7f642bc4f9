package dev.cascade4j.cli.calibration;

import dev.cascade4j.router.config.RoutePolicy;
import dev.cascade4j.router.config.RouterConfig;
import dev.cascade4j.router.confidence.ConfidenceModel;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of a calibration run. Confidence models (with {@code --fit}) and thresholds come from
 * the calibration split; every other figure is on the test split, with the router simulated under the
 * configuration's policies, its classifier thresholds, the fitted models and the chosen thresholds.
 *
 * @param routes          per-route figures, in configuration order
 * @param routingAccuracy share of test items sent to their own route (out of scope counts as a route)
 * @param routingByKind   routing accuracy per kind of item
 * @param auroc           how well the router's judgement separates right from wrong SLM answers (test): the judged
 *                        confidence (fitted where fitted), answers that fail validation (always escalated) at the bottom
 * @param generationAuroc the same for the confidence measured during the run, validity ignored
 * @param ece             expected calibration error of the judged confidence, 10 bins (test)
 * @param pooled          the cascade on every test item
 * @param byKind          the cascade per kind of item
 * @param byVariant       the cascade per variant of item (items without one are left out)
 * @param curve           one threshold swept over every route: share kept against accuracy (test)
 * @param largeMeasured   whether a large model answered; otherwise its answers were taken as right
 */
public record CalibrationReport(
        int items,
        int calibrationItems,
        int testItems,
        List<String> errors,
        Duration elapsed,
        ThresholdPolicy policy,
        CostModel costs,
        boolean largeMeasured,
        List<RouteFigures> routes,
        double routingAccuracy,
        Map<String, Double> routingByKind,
        double auroc,
        double generationAuroc,
        double ece,
        Tally pooled,
        Map<String, Tally> byKind,
        Map<String, Tally> byVariant,
        List<CostQualityChart.Point> curve,
        List<ItemResult> results) {

    /**
     * One route's figures.
     *
     * @param threshold      the chosen {@code minGenerationConfidence} and what it gave on the calibration split
     * @param bound          what the guarantee said on the calibration split
     * @param model          the fitted confidence model, or {@code null} (the configured judgement stands)
     * @param modelNote      why there is no fitted model, or empty
     * @param slmAccuracy    the SLM's accuracy on the route's own test items
     * @param auroc          judged-confidence AUROC on the route's test items, answers that fail validation last
     * @param testKeptShare  share of the route's test items the threshold keeps on the SLM
     * @param testLossPoints accuracy lost against all-large on the route's test items
     */
    public record RouteFigures(String route, RoutePolicy policy, int calibrationItems, int testItems,
                               CalibrationMetrics.ThresholdChoice threshold, RiskBound.Choice bound, ConfidenceModel model,
                               String modelNote, double slmAccuracy, double auroc, double testKeptShare, double testLossPoints) {
    }

    /**
     * The simulated cascade on a group of test items.
     *
     * @param noCallOrEscalated items answered without a tool call or escalated (what {@code no_tool} items want)
     * @param slmSeconds        measured SLM time of the cascade; {@code largeSeconds} the large model's, -1 when not measured
     */
    public record Tally(int n, int kept, int cascadeRight, int slmRight, int largeRight, int noCallOrEscalated,
                        double cascadeCost, double allLargeCost, double cascadeSeconds, double allLargeSeconds, boolean secondsMeasured) {
        static final Tally EMPTY = new Tally(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, true);

        Tally plus(Tally o) {
            return new Tally(n + o.n, kept + o.kept, cascadeRight + o.cascadeRight, slmRight + o.slmRight, largeRight + o.largeRight,
                    noCallOrEscalated + o.noCallOrEscalated, cascadeCost + o.cascadeCost, allLargeCost + o.allLargeCost,
                    cascadeSeconds + o.cascadeSeconds, allLargeSeconds + o.allLargeSeconds, secondsMeasured && o.secondsMeasured);
        }

        private double share(int k) {
            return n == 0 ? Double.NaN : k / (double) n;
        }

        public double keptShare() {
            return share(kept);
        }

        public double cascadeAccuracy() {
            return share(cascadeRight);
        }

        public double slmAccuracy() {
            return share(slmRight);
        }

        public double largeAccuracy() {
            return share(largeRight);
        }

        public double noCallOrEscalatedShare() {
            return share(noCallOrEscalated);
        }

        public double lossPoints() {
            return 100 * (largeAccuracy() - cascadeAccuracy());
        }

        /** Share of the all-large price saved. */
        public double costSaved() {
            return CostModel.saved(cascadeCost, allLargeCost);
        }

        /** Share of the all-large compute time saved, {@code NaN} when the large model's time was not measured. */
        public double secondsSaved() {
            return secondsMeasured ? CostModel.saved(cascadeSeconds, allLargeSeconds) : Double.NaN;
        }
    }

    /** Builds the report: fits (when the policy asks), chooses thresholds on the calibration split, simulates the test split. */
    public static CalibrationReport of(List<ItemResult> results, List<String> errors, RouterConfig config, ThresholdPolicy policy,
                                       CostModel costs, boolean largeMeasured, Duration elapsed) {
        return ReportBuilder.build(results, errors, config, policy, costs, largeMeasured, elapsed);
    }

    public double keptShare() {
        return pooled.keptShare();
    }

    public double cascadeAccuracy() {
        return pooled.cascadeAccuracy();
    }

    public double allLargeAccuracy() {
        return pooled.largeAccuracy();
    }

    /** Accuracy of keeping every in-scope answer on the SLM of the chosen route. */
    public double slmOnlyAccuracy() {
        return pooled.slmAccuracy();
    }

    public double costSaved() {
        return pooled.costSaved();
    }

    public double allLargeCost() {
        return pooled.allLargeCost();
    }

    /** Accuracy lost against all-large on the test split, in percentage points. */
    public double lossPoints() {
        return pooled.lossPoints();
    }

    /** The chosen thresholds, and fitted models where fitted, as a YAML snippet to merge into a router configuration's routes. */
    public String thresholdsYaml() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "# per route, chosen on %d calibration items: %s%n",
                calibrationItems, policy.describe()));
        b.append("routes:\n");
        for (RouteFigures r : routes) {
            b.append("  - name: ").append(r.route()).append('\n');
            // rounded up, so the snippet keeps no answer the bound did not cover
            b.append(String.format(Locale.ROOT, "    minGenerationConfidence: %.3f", Math.min(1, Math.ceil(r.threshold().threshold() * 1000 - 1e-9) / 1000)));
            if (r.policy() == RoutePolicy.ALWAYS_LARGE) {
                b.append("   # the route is always-large: applies if its policy becomes slm-first");
            }
            b.append('\n');
            if (r.model() != null) {
                b.append(r.model().toYaml(4));
            }
        }
        return b.toString();
    }

    /** The curve as an SVG, with the chosen thresholds, all-SLM (every routed item answered by the SLM) and all-large marked. */
    public String curveSvg() {
        List<CostQualityChart.Point> finite = curve.stream().filter(p -> Double.isFinite(p.accuracy())).toList();
        long routed = results.stream().filter(r -> !r.calibration() && r.chosenRoute() != null).count();
        return CostQualityChart.svg(String.format(Locale.ROOT, "Cost and quality on %d test items", testItems), finite,
                new CostQualityChart.Point(orZero(keptShare()), orZero(cascadeAccuracy())),
                new CostQualityChart.Point(testItems == 0 ? 0 : routed / (double) testItems, orZero(slmOnlyAccuracy())),
                new CostQualityChart.Point(0, orZero(allLargeAccuracy())));
    }

    private static double orZero(double x) {
        return Double.isFinite(x) ? x : 0;
    }

    /** The report as a plain-text table. */
    public String toText() {
        return ReportText.of(this);
    }

    /** The report as JSON: the figures, per-route thresholds and models, the YAML snippet and every item's outcome and signals. */
    public String toJson() {
        return ReportJson.write(this);
    }

    /**
     * The items of a report written by {@link #toJson()}, to refit and re-threshold without running any
     * model; see {@link ReportJson#read}.
     */
    public static Loaded readItems(String json, List<EvalItem> set) {
        return ReportJson.read(json, set);
    }

    /** Items read back from a report, and whether the large model had been measured. */
    public record Loaded(List<ItemResult> results, boolean largeMeasured) {
    }
}
