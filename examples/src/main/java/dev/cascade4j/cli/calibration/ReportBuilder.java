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
import dev.cascade4j.cli.calibration.CalibrationReport.RouteFigures;
import dev.cascade4j.cli.calibration.CalibrationReport.Tally;

/** Builds a {@link CalibrationReport}: fits, chooses thresholds on the calibration split, simulates the cascade on the test split. */
final class ReportBuilder {
    private ReportBuilder() {
    }

    /** The report: fits (when the policy asks), chooses thresholds on the calibration split, simulates the test split. */
    static CalibrationReport build(List<ItemResult> results, List<String> errors, RouterConfig config, ThresholdPolicy policy,
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
}
