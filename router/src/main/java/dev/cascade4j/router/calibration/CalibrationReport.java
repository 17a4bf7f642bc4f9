package dev.cascade4j.router.calibration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cascade4j.router.config.Route;
import dev.cascade4j.router.config.RoutePolicy;
import dev.cascade4j.router.config.RouterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of a calibration run. Thresholds come from the calibration split; every other figure is
 * on the test split, with the router simulated under the configuration's policies, its classifier
 * thresholds and the chosen generation thresholds.
 *
 * @param routes               per-route figures, in configuration order
 * @param routingAccuracy      share of test items sent to their own route (out of scope counts as a route)
 * @param routingByKind        routing accuracy per kind of item
 * @param auroc                how well the router's judgement separates right from wrong SLM answers (test): generation
 *                             confidence, with answers that fail validation (always escalated) at the bottom
 * @param generationAuroc      the same for generation confidence alone, validity ignored
 * @param ece                  expected calibration error of generation confidence, 10 bins (test)
 * @param keptShare            share of test items answered by an SLM under the chosen thresholds
 * @param cascadeAccuracy      accuracy of the router under the chosen thresholds
 * @param allLargeAccuracy     accuracy of sending every item to the large model
 * @param slmOnlyAccuracy      accuracy of keeping every in-scope answer on the SLM of the chosen route
 * @param costSaved            share of the all-large cost saved by the router
 * @param largeMeasured        whether a large model answered; otherwise its answers were taken as right
 */
public record CalibrationReport(
        int items,
        int calibrationItems,
        int testItems,
        List<String> errors,
        Duration elapsed,
        double targetLossPoints,
        CostModel costs,
        boolean largeMeasured,
        List<RouteFigures> routes,
        double routingAccuracy,
        Map<String, Double> routingByKind,
        double auroc,
        double generationAuroc,
        double ece,
        double keptShare,
        double cascadeAccuracy,
        double allLargeAccuracy,
        double slmOnlyAccuracy,
        double cascadeCost,
        double allLargeCost,
        double costSaved,
        List<ItemResult> results) {

    /**
     * One route's figures.
     *
     * @param threshold        the chosen {@code minGenerationConfidence} and what it gave on the calibration split
     * @param slmAccuracy      the SLM's accuracy on the route's own test items
     * @param auroc            confidence AUROC on the route's test items, answers that fail validation last
     * @param testKeptShare    share of the route's test items the threshold keeps on the SLM
     * @param testLossPoints   accuracy lost against all-large on the route's test items
     */
    public record RouteFigures(String route, RoutePolicy policy, int calibrationItems, int testItems,
                               CalibrationMetrics.ThresholdChoice threshold, double slmAccuracy, double auroc,
                               double testKeptShare, double testLossPoints) {
    }

    static CalibrationReport of(List<ItemResult> results, List<String> errors, RouterConfig config, double target,
                                CostModel costs, boolean largeMeasured, Duration elapsed) {
        List<ItemResult> cal = results.stream().filter(ItemResult::calibration).toList();
        List<ItemResult> test = results.stream().filter(r -> !r.calibration()).toList();

        Map<String, Double> thresholds = new LinkedHashMap<>();
        List<RouteFigures> routes = new ArrayList<>();
        Map<String, List<ItemResult>> calByRoute = CalibrationRunner.byRoute(cal, true);
        Map<String, List<ItemResult>> testByRoute = CalibrationRunner.byRoute(test, true);
        for (Route route : config.routes()) {
            List<ItemResult> c = calByRoute.getOrDefault(route.name(), List.of());
            List<ItemResult> t = testByRoute.getOrDefault(route.name(), List.of());
            // With no calibration items for a route, its configured threshold stands.
            CalibrationMetrics.ThresholdChoice choice = c.isEmpty()
                    ? CalibrationMetrics.evaluate(route.minGenerationConfidence(), effective(c), slmCorrect(c), largeCorrect(c))
                    : CalibrationMetrics.chooseThreshold(effective(c), slmCorrect(c), largeCorrect(c), target);
            thresholds.put(route.name(), choice.threshold());
            CalibrationMetrics.ThresholdChoice onTest = CalibrationMetrics.evaluate(choice.threshold(), effective(t), slmCorrect(t), largeCorrect(t));
            routes.add(new RouteFigures(route.name(), route.policy(), c.size(), t.size(), choice,
                    CalibrationMetrics.accuracy(t.stream().map(ItemResult::slmCorrect).toList()),
                    CalibrationMetrics.auroc(effective(t), slmCorrect(t)), onTest.keptShare(), onTest.lossPoints()));
        }

        Map<String, List<Boolean>> routedByKind = new LinkedHashMap<>();
        for (ItemResult r : test) {
            routedByKind.computeIfAbsent(r.kind().key(), k -> new ArrayList<>()).add(r.routedRight());
        }
        Map<String, Double> routingByKind = new LinkedHashMap<>();
        routedByKind.forEach((k, v) -> routingByKind.put(k, CalibrationMetrics.accuracy(v)));

        List<ItemResult> inScope = test.stream().filter(r -> r.expectedRoute() != null).toList();
        int kept = 0;
        int right = 0;
        int largeRight = 0;
        int slmOnlyRight = 0;
        double cascadeCost = 0;
        double allLargeCost = 0;
        for (ItemResult r : test) {
            int lp = r.largePromptTokens() >= 0 ? r.largePromptTokens() : r.promptTokens();
            int lc = r.largeCompletionTokens() >= 0 ? r.largeCompletionTokens() : r.completionTokens();
            double large = costs.large(lp, lc);
            allLargeCost += large;
            largeRight += r.largeRight() ? 1 : 0;
            Route route = r.chosenRoute() == null ? null : config.route(r.chosenRoute());
            slmOnlyRight += (route == null ? r.largeRight() : r.autoCorrect()) ? 1 : 0;
            boolean slmRuns = route != null && route.policy() == RoutePolicy.SLM_FIRST
                    && r.classifierConfidence() >= route.minClassifierConfidence();
            if (!slmRuns) {
                cascadeCost += large;
                right += r.largeRight() ? 1 : 0;
            } else if (r.effectiveAutoConfidence() >= thresholds.getOrDefault(route.name(), 0.0)) {
                cascadeCost += costs.slm(r.promptTokens(), r.completionTokens());
                kept++;
                right += r.autoCorrect() ? 1 : 0;
            } else {
                cascadeCost += costs.slm(r.promptTokens(), r.completionTokens()) + large;
                right += r.largeRight() ? 1 : 0;
            }
        }
        int n = test.size();
        return new CalibrationReport(results.size(), cal.size(), n, List.copyOf(errors), elapsed, target, costs, largeMeasured,
                routes, CalibrationMetrics.accuracy(test.stream().map(ItemResult::routedRight).toList()), routingByKind,
                CalibrationMetrics.auroc(effective(inScope), slmCorrect(inScope)),
                CalibrationMetrics.auroc(raw(inScope), slmCorrect(inScope)),
                CalibrationMetrics.expectedCalibrationError(raw(inScope), slmCorrect(inScope), 10),
                n == 0 ? Double.NaN : kept / (double) n, n == 0 ? Double.NaN : right / (double) n,
                n == 0 ? Double.NaN : largeRight / (double) n, n == 0 ? Double.NaN : slmOnlyRight / (double) n,
                cascadeCost, allLargeCost, CostModel.saved(cascadeCost, allLargeCost), List.copyOf(results));
    }

    private static double[] effective(List<ItemResult> rs) {
        return rs.stream().mapToDouble(ItemResult::effectiveSlmConfidence).toArray();
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

    /** Accuracy lost against all-large on the test split, in percentage points. */
    public double lossPoints() {
        return 100 * (allLargeAccuracy - cascadeAccuracy);
    }

    /** The chosen thresholds as a YAML snippet to merge into a router configuration's routes. */
    public String thresholdsYaml() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "# minGenerationConfidence per route, chosen on %d calibration items for at most %.1f points lost against all-large%n",
                calibrationItems, targetLossPoints));
        b.append("routes:\n");
        for (RouteFigures r : routes) {
            b.append("  - name: ").append(r.route()).append('\n');
            b.append(String.format(Locale.ROOT, "    minGenerationConfidence: %.3f", r.threshold().threshold()));
            if (r.policy() == RoutePolicy.ALWAYS_LARGE) {
                b.append("   # the route is always-large: applies if its policy becomes slm-first");
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String paren(boolean on, String text) {
        return on ? "(" + text + ")" : text;
    }

    /** The report as a plain-text table. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Calibration over %d items (%d calibration, %d test) in %.0f s%s%n", items, calibrationItems,
                testItems, elapsed.toMillis() / 1000.0, errors.isEmpty() ? "" : "; " + errors.size() + " failed"));
        b.append(largeMeasured ? "Large model: measured on every in-scope item.\n"
                : "Large model: none reachable, so its answers are TAKEN AS CORRECT (all-large accuracy = 100%).\n");
        b.append('\n');
        b.append(String.format(Locale.ROOT, "%-12s %-12s %5s %5s %9s %7s %10s %10s %10s %9s%n", "route", "policy", "cal", "test",
                "threshold", "SLM acc", "AUROC", "kept(cal)", "kept(test)", "loss(test)"));
        boolean hypothetical = false;
        for (RouteFigures r : routes) {
            // An always-large route keeps nothing; its columns say what it would keep as slm-first.
            boolean large = r.policy() == RoutePolicy.ALWAYS_LARGE;
            hypothetical |= large;
            b.append(String.format(Locale.ROOT, "%-12s %-12s %5d %5d %9.3f %7s %10s %10s %10s %9s%n", r.route(), r.policy().key(),
                    r.calibrationItems(), r.testItems(), r.threshold().threshold(), pct(r.slmAccuracy()), num(r.auroc()),
                    paren(large, pct(r.threshold().keptShare())), paren(large, pct(r.testKeptShare())), paren(large, pts(r.testLossPoints()))));
        }
        if (hypothetical) {
            b.append("(in parentheses: what an always-large route would keep and lose if it were slm-first; it keeps nothing)\n");
        }
        b.append('\n');
        b.append("Test split, router simulated with the thresholds above:\n");
        b.append(String.format(Locale.ROOT, "  routing accuracy          %s  (%s)%n", pct(routingAccuracy), byKind()));
        b.append(String.format(Locale.ROOT, "  confidence AUROC          %s  (invalid answers last; generation confidence alone %s)%n",
                num(auroc), num(generationAuroc)));
        b.append(String.format(Locale.ROOT, "  expected calib. error     %s  (10 bins)%n", num(ece)));
        b.append(String.format(Locale.ROOT, "  kept on SLM               %s%n", pct(keptShare)));
        b.append(String.format(Locale.ROOT, "  accuracy: router %s, all-large %s, all-SLM %s; loss %s points (target %.1f)%n",
                pct(cascadeAccuracy), pct(allLargeAccuracy), pct(slmOnlyAccuracy), pts(lossPoints()), targetLossPoints));
        b.append(String.format(Locale.ROOT, "  cost saved vs all-large   %s  (%.4f vs %.4f; per 1k tokens SLM %s/%s, large %s/%s in/out)%n",
                pct(costSaved), cascadeCost, allLargeCost, costs.slmInputPer1k(), costs.slmOutputPer1k(),
                costs.largeInputPer1k(), costs.largeOutputPer1k()));
        if (!errors.isEmpty()) {
            b.append("Failed items:\n");
            errors.stream().limit(10).forEach(e -> b.append("  ").append(e).append('\n'));
        }
        b.append('\n').append(thresholdsYaml());
        return b.toString();
    }

    private String byKind() {
        List<String> parts = new ArrayList<>();
        routingByKind.forEach((k, v) -> parts.add(k + " " + pct(v)));
        return String.join(", ", parts);
    }

    /** The report as JSON: the figures, per-route thresholds, the YAML snippet and every item's outcome. */
    public String toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        out.put("calibrationItems", calibrationItems);
        out.put("testItems", testItems);
        out.put("failed", errors);
        out.put("elapsedSeconds", elapsed.toMillis() / 1000.0);
        out.put("largeModelMeasured", largeMeasured);
        out.put("note", largeMeasured ? "large model answers were checked"
                : "no large model was reachable: its answers are taken as correct");
        out.put("targetLossPoints", targetLossPoints);
        out.put("costs", costs);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("routingAccuracy", finite(routingAccuracy));
        figures.put("routingAccuracyByKind", routingByKind);
        figures.put("auroc", finite(auroc));
        figures.put("generationAuroc", finite(generationAuroc));
        figures.put("ece", finite(ece));
        figures.put("keptOnSlm", finite(keptShare));
        figures.put("routerAccuracy", finite(cascadeAccuracy));
        figures.put("allLargeAccuracy", finite(allLargeAccuracy));
        figures.put("allSlmAccuracy", finite(slmOnlyAccuracy));
        figures.put("lossPoints", finite(lossPoints()));
        figures.put("costSaved", finite(costSaved));
        figures.put("routerCost", cascadeCost);
        figures.put("allLargeCost", allLargeCost);
        out.put("test", figures);
        List<Map<String, Object>> rs = new ArrayList<>();
        for (RouteFigures r : routes) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("route", r.route());
            m.put("policy", r.policy().key());
            m.put("calibrationItems", r.calibrationItems());
            m.put("testItems", r.testItems());
            m.put("minGenerationConfidence", finite(r.threshold().threshold()));
            m.put("calibrationKeptShare", finite(r.threshold().keptShare()));
            m.put("calibrationLossPoints", finite(r.threshold().lossPoints()));
            m.put("slmAccuracy", finite(r.slmAccuracy()));
            m.put("auroc", finite(r.auroc()));
            m.put("testKeptShare", finite(r.testKeptShare()));
            m.put("testLossPoints", finite(r.testLossPoints()));
            rs.add(m);
        }
        out.put("routes", rs);
        out.put("thresholdsYaml", thresholdsYaml());
        List<Map<String, Object>> its = new ArrayList<>();
        for (ItemResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("expectedRoute", r.expectedRoute());
            m.put("chosenRoute", r.chosenRoute());
            m.put("classifierConfidence", finite(r.classifierConfidence()));
            m.put("slmConfidence", finite(r.slmConfidence()));
            m.put("slmValid", r.slmValid());
            m.put("slmCorrect", r.slmCorrect());
            m.put("slmDetail", r.slmDetail());
            m.put("largeCorrect", r.largeCorrect());
            its.add(m);
        }
        out.put("results", its);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    private static Double finite(double x) {
        return Double.isFinite(x) ? Math.round(x * 10000) / 10000.0 : null;
    }

    private static String pct(double x) {
        return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * x);
    }

    private static String pts(double x) {
        return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, "%+.1f", x);
    }

    private static String num(double x) {
        return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, "%.3f", x);
    }
}
