package dev.cascade4j.cli.calibration;

import dev.cascade4j.router.config.Route;
import dev.cascade4j.router.config.RoutePolicy;
import dev.cascade4j.router.config.RouterConfig;
import dev.cascade4j.router.confidence.ConfidenceModel;
import dev.cascade4j.router.confidence.ConfidenceSignals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

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
        List<ItemResult> cal = results.stream().filter(ItemResult::calibration).toList();
        List<ItemResult> test = results.stream().filter(r -> !r.calibration()).toList();
        Map<String, List<ItemResult>> calByRoute = CalibrationRunner.byRoute(cal, true);
        Map<String, List<ItemResult>> testByRoute = CalibrationRunner.byRoute(test, true);

        Map<String, ConfidenceModel> models = new LinkedHashMap<>();
        Map<String, String> notes = new LinkedHashMap<>();
        for (Route route : config.routes()) {
            if (!policy.fit()) {
                continue;
            }
            List<ItemResult> c = calByRoute.getOrDefault(route.name(), List.of()).stream()
                    .filter(r -> r.slmValid() && r.slmSignals() != null).toList();
            boolean[] right = new boolean[c.size()];
            for (int i = 0; i < right.length; i++) {
                right[i] = c.get(i).slmCorrect();
            }
            ConfidenceModel m = LogisticFit.fit(c.stream().map(ItemResult::slmSignals).toList(), right, ConfidenceSignals.FEATURES, 1.0);
            if (m == null) {
                long pos = c.stream().filter(ItemResult::slmCorrect).count();
                notes.put(route.name(), String.format(Locale.ROOT, "not fitted: %d right and %d wrong valid answers on the calibration split,"
                        + " %d of each needed; the configured judgement stands", pos, c.size() - pos, LogisticFit.MIN_PER_CLASS));
            } else {
                models.put(route.name(), m);
            }
        }
        Scorer scorer = new Scorer(config, models);

        Map<String, Double> thresholds = new LinkedHashMap<>();
        List<RouteFigures> routes = new ArrayList<>();
        for (Route route : config.routes()) {
            List<ItemResult> c = calByRoute.getOrDefault(route.name(), List.of());
            List<ItemResult> t = testByRoute.getOrDefault(route.name(), List.of());
            double[] cs = scores(c, scorer::slm);
            RiskBound.Choice bound;
            double threshold;
            if (c.isEmpty()) {
                // With no calibration items for a route, its configured threshold stands.
                threshold = route.minGenerationConfidence();
                bound = new RiskBound.Choice(threshold, Double.NaN, Double.NaN);
            } else {
                boolean[] harm = new boolean[c.size()];
                for (int i = 0; i < harm.length; i++) {
                    ItemResult r = c.get(i);
                    harm[i] = !r.slmCorrect() && (policy.risk() == ThresholdPolicy.Risk.ERROR_RATE || r.largeRight());
                }
                bound = RiskBound.choose(cs, harm, policy.alpha(), policy.bound(), policy.delta());
                threshold = Math.min(1, bound.threshold());
            }
            thresholds.put(route.name(), threshold);
            CalibrationMetrics.ThresholdChoice onCal = CalibrationMetrics.evaluate(threshold, cs, slmCorrect(c), largeCorrect(c));
            double[] ts = scores(t, scorer::slm);
            CalibrationMetrics.ThresholdChoice onTest = CalibrationMetrics.evaluate(threshold, ts, slmCorrect(t), largeCorrect(t));
            routes.add(new RouteFigures(route.name(), route.policy(), c.size(), t.size(), onCal, bound, models.get(route.name()),
                    notes.getOrDefault(route.name(), ""), CalibrationMetrics.accuracy(t.stream().map(ItemResult::slmCorrect).toList()),
                    CalibrationMetrics.auroc(ts, slmCorrect(t)), onTest.keptShare(), onTest.lossPoints()));
        }

        Map<String, List<Boolean>> routedByKind = new LinkedHashMap<>();
        for (ItemResult r : test) {
            routedByKind.computeIfAbsent(r.kind().key(), k -> new ArrayList<>()).add(r.routedRight());
        }
        Map<String, Double> routingByKind = new LinkedHashMap<>();
        routedByKind.forEach((k, v) -> routingByKind.put(k, CalibrationMetrics.accuracy(v)));

        Map<String, Tally> byKind = new LinkedHashMap<>();
        Map<String, Tally> byVariant = new LinkedHashMap<>();
        Tally pooled = Tally.EMPTY;
        for (ItemResult r : test) {
            Tally one = simulate(r, config, scorer, thresholds::get, costs);
            pooled = pooled.plus(one);
            byKind.merge(r.kind().key(), one, Tally::plus);
            if (r.variant() != null) {
                byVariant.merge(r.variant(), one, Tally::plus);
            }
        }

        // One threshold for every slm-first route, swept over the scores seen: the cost–quality curve.
        TreeSet<Double> sweep = new TreeSet<>();
        sweep.add(0.0);
        sweep.add(Math.nextUp(1.0));
        for (ItemResult r : test) {
            double s = scorer.auto(r);
            if (s >= 0) {
                sweep.add(s);
            }
        }
        List<CostQualityChart.Point> curve = new ArrayList<>();
        for (double t : sweep.descendingSet()) {
            Tally all = Tally.EMPTY;
            for (ItemResult r : test) {
                all = all.plus(simulate(r, config, scorer, x -> t, costs));
            }
            if (all.n() > 0) {
                curve.add(new CostQualityChart.Point(all.keptShare(), all.cascadeAccuracy()));
            }
        }

        List<ItemResult> inScope = test.stream().filter(r -> r.expectedRoute() != null).toList();
        double[] judged = scores(inScope, scorer::slm);
        double[] judgedValid = inScope.stream().mapToDouble(r -> r.slmValid() ? scorer.slm(r) : 0).map(x -> Math.max(0, x)).toArray();
        return new CalibrationReport(results.size(), cal.size(), test.size(), List.copyOf(errors), elapsed, policy, costs, largeMeasured,
                routes, CalibrationMetrics.accuracy(test.stream().map(ItemResult::routedRight).toList()), routingByKind,
                CalibrationMetrics.auroc(judged, slmCorrect(inScope)),
                CalibrationMetrics.auroc(raw(inScope), slmCorrect(inScope)),
                CalibrationMetrics.expectedCalibrationError(judgedValid, slmCorrect(inScope), 10),
                pooled, byKind, byVariant, curve, List.copyOf(results));
    }

    /** The judged confidence of an item's SLM answers: the fitted model of the route when there is one, else as measured; -1 when invalid. */
    private record Scorer(RouterConfig config, Map<String, ConfidenceModel> models) {
        double slm(ItemResult r) {
            return score(r.expectedRoute(), r.slmValid(), r.slmSignals(), r.slmConfidence());
        }

        double auto(ItemResult r) {
            return score(r.chosenRoute(), r.autoValid(), r.autoSignals(), r.autoConfidence());
        }

        private double score(String route, boolean valid, ConfidenceSignals signals, double measured) {
            if (!valid) {
                return -1;
            }
            ConfidenceModel m = route == null ? null : models.get(route);
            return m != null && signals != null ? m.score(signals) : measured;
        }
    }

    /** One test item through the cascade: what it costs and whether it is right. */
    private static Tally simulate(ItemResult r, RouterConfig config, Scorer scorer, java.util.function.Function<String, Double> threshold,
                                  CostModel costs) {
        int lp = r.largePromptTokens() >= 0 ? r.largePromptTokens() : r.promptTokens();
        int lc = r.largeCompletionTokens() >= 0 ? r.largeCompletionTokens() : r.completionTokens();
        double large = costs.large(lp, lc);
        boolean measured = r.expectedRoute() == null || r.largeMillis() >= 0;
        double largeSeconds = Math.max(0, r.largeMillis()) / 1000;
        double slmSeconds = r.slmMillis() / 1000;
        Route route = r.chosenRoute() == null ? null : config.route(r.chosenRoute());
        boolean slmRight = route == null ? r.largeRight() : r.autoCorrect();
        boolean slmRuns = route != null && route.policy() == RoutePolicy.SLM_FIRST
                && r.classifierConfidence() >= route.minClassifierConfidence();
        boolean kept = slmRuns && scorer.auto(r) >= threshold.apply(route.name());
        double cost;
        double seconds;
        boolean right;
        if (!slmRuns) {
            cost = large;
            seconds = largeSeconds;
            right = r.largeRight();
        } else if (kept) {
            cost = costs.slm(r.promptTokens(), r.completionTokens());
            seconds = slmSeconds;
            right = r.autoCorrect();
        } else {
            cost = costs.slm(r.promptTokens(), r.completionTokens()) + large;
            seconds = slmSeconds + largeSeconds;
            right = r.largeRight();
        }
        boolean noCall = !kept || !r.autoCalledTool();
        return new Tally(1, kept ? 1 : 0, right ? 1 : 0, slmRight ? 1 : 0, r.largeRight() ? 1 : 0, noCall ? 1 : 0,
                cost, large, seconds, largeSeconds, measured);
    }

    private static double[] scores(List<ItemResult> rs, ToDoubleFunction<ItemResult> score) {
        return rs.stream().mapToDouble(score).toArray();
    }

    private static double[] raw(List<ItemResult> rs) {
        return rs.stream().mapToDouble(r -> Double.isNaN(r.slmConfidence()) ? 0 : r.slmConfidence()).toArray();
    }

    private static boolean[] slmCorrect(List<ItemResult> rs) {
        boolean[] out = new boolean[rs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rs.get(i).slmCorrect();
        }
        return out;
    }

    private static boolean[] largeCorrect(List<ItemResult> rs) {
        boolean[] out = new boolean[rs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rs.get(i).largeRight();
        }
        return out;
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
