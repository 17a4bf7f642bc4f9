package dev.cascade4j.cli.calibration;

import dev.cascade4j.cli.calibration.CalibrationReport.RouteFigures;
import dev.cascade4j.cli.calibration.CalibrationReport.Tally;
import dev.cascade4j.router.config.RoutePolicy;
import dev.cascade4j.router.confidence.ConfidenceModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A {@link CalibrationReport} as the plain-text tables the command prints. */
final class ReportText {
    private ReportText() {
    }

    static String of(CalibrationReport report) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Calibration over %d items (%d calibration, %d test) in %.0f s%s%n", report.items(),
                report.calibrationItems(), report.testItems(), report.elapsed().toMillis() / 1000.0,
                report.errors().isEmpty() ? "" : "; " + report.errors().size() + " failed"));
        long unanswered = report.results().stream().filter(r -> r.expectedRoute() != null && r.largeCorrect() == null).count();
        b.append(!report.largeMeasured() ? "Large model: none reachable, so its answers are TAKEN AS CORRECT (all-large accuracy = 100%, ASSUMED).\n"
                : unanswered == 0 ? "Large model: measured on every in-scope item.\n"
                : String.format(Locale.ROOT, "Large model: measured, but %d in-scope items got no answer from it: those are TAKEN AS CORRECT.%n",
                        unanswered));
        b.append("Thresholds: ").append(report.policy().describe()).append(report.policy().fit() ? "; confidence fitted per route" : "")
                .append("\n\n");
        routes(b, report.routes());
        b.append('\n');
        b.append("Test split, router simulated with the thresholds above:\n");
        b.append(String.format(Locale.ROOT, "  routing accuracy          %s  (%s)%n", pct(report.routingAccuracy()), byKind(report)));
        b.append(String.format(Locale.ROOT, "  confidence AUROC          %s  (judged confidence, invalid answers last; as measured %s)%n",
                num(report.auroc()), num(report.generationAuroc())));
        b.append(String.format(Locale.ROOT, "  expected calib. error     %s  (10 bins)%n", num(report.ece())));
        b.append(String.format(Locale.ROOT, "  kept on SLM               %s%n", pct(report.keptShare())));
        b.append(String.format(Locale.ROOT, "  accuracy: router %s, all-large %s%s, all-SLM %s; loss %s points%n",
                pct(report.cascadeAccuracy()), pct(report.allLargeAccuracy()), report.largeMeasured() ? "" : " (assumed)",
                pct(report.slmOnlyAccuracy()), pts(report.lossPoints())));
        Tally pooled = report.pooled();
        CostModel costs = report.costs();
        b.append(String.format(Locale.ROOT, "  cost saved vs all-large   %s of the price (%.4f vs %.4f; per 1k tokens SLM %s/%s, large %s/%s in/out)%n",
                pct(report.costSaved()), pooled.cascadeCost(), pooled.allLargeCost(), costs.slmInputPer1k(), costs.slmOutputPer1k(),
                costs.largeInputPer1k(), costs.largeOutputPer1k()));
        b.append(pooled.secondsMeasured()
                ? String.format(Locale.ROOT, "  compute time saved        %s  (%.0f s vs %.0f s measured, both tiers on this machine)%n",
                        pct(pooled.secondsSaved()), pooled.cascadeSeconds(), pooled.allLargeSeconds())
                : "  compute time saved        n/a  (the large model's time was not measured)\n");
        b.append('\n').append(String.format(Locale.ROOT, "%-14s %5s %8s %8s %8s %8s %8s %10s%n", "kind", "test", "SLM", "large", "cascade",
                "kept", "loss", "cost saved"));
        report.byKind().forEach((k, t) -> b.append(row(k, t)));
        b.append(row("pooled", pooled));
        if (!report.byVariant().isEmpty()) {
            b.append('\n').append(String.format(Locale.ROOT, "%-14s %5s %8s %8s %8s %8s %8s %14s%n", "variant", "test", "SLM", "large",
                    "cascade", "kept", "loss", "no call/escal."));
            report.byVariant().forEach((k, t) -> b.append(String.format(Locale.ROOT, "%-14s %5d %8s %8s %8s %8s %8s %14s%n", k, t.n(),
                    pct(t.slmAccuracy()), pct(t.largeAccuracy()), pct(t.cascadeAccuracy()), pct(t.keptShare()), pts(t.lossPoints()),
                    pct(t.noCallOrEscalatedShare()))));
        }
        if (!report.errors().isEmpty()) {
            b.append("Failed items:\n");
            report.errors().stream().limit(10).forEach(e -> b.append("  ").append(e).append('\n'));
        }
        b.append('\n').append(report.thresholdsYaml());
        return b.toString();
    }

    private static void routes(StringBuilder b, List<RouteFigures> routes) {
        b.append(String.format(Locale.ROOT, "%-12s %-12s %5s %5s %9s %8s %7s %10s %10s %10s %9s%n", "route", "policy", "cal", "test",
                "threshold", "bound", "SLM acc", "AUROC", "kept(cal)", "kept(test)", "loss(test)"));
        boolean hypothetical = false;
        for (RouteFigures r : routes) {
            // An always-large route keeps nothing; its columns say what it would keep as slm-first.
            boolean large = r.policy() == RoutePolicy.ALWAYS_LARGE;
            hypothetical |= large;
            b.append(String.format(Locale.ROOT, "%-12s %-12s %5d %5d %9.3f %8s %7s %10s %10s %10s %9s%n", r.route(), r.policy().key(),
                    r.calibrationItems(), r.testItems(), r.threshold().threshold(), pct(r.bound().bound()), pct(r.slmAccuracy()),
                    num(r.auroc()), paren(large, pct(r.threshold().keptShare())), paren(large, pct(r.testKeptShare())),
                    paren(large, pts(r.testLossPoints()))));
        }
        if (hypothetical) {
            b.append("(in parentheses: what an always-large route would keep and lose if it were slm-first; it keeps nothing)\n");
        }
        for (RouteFigures r : routes) {
            if (r.model() != null) {
                b.append(String.format(Locale.ROOT, "  %s: fitted confidence, intercept %.2f, weights %s%n", r.route(), r.model().intercept(),
                        weights(r.model())));
            } else if (!r.modelNote().isEmpty()) {
                b.append("  ").append(r.route()).append(": ").append(r.modelNote()).append('\n');
            }
        }
    }

    private static String row(String name, Tally t) {
        return String.format(Locale.ROOT, "%-14s %5d %8s %8s %8s %8s %8s %10s%n", name, t.n(), pct(t.slmAccuracy()), pct(t.largeAccuracy()),
                pct(t.cascadeAccuracy()), pct(t.keptShare()), pts(t.lossPoints()), pct(t.costSaved()));
    }

    private static String weights(ConfidenceModel m) {
        List<String> parts = new ArrayList<>();
        m.features().forEach((k, t) -> parts.add(String.format(Locale.ROOT, "%s %+.2f", k, t.weight())));
        return String.join(", ", parts);
    }

    private static String byKind(CalibrationReport report) {
        List<String> parts = new ArrayList<>();
        report.routingByKind().forEach((k, v) -> parts.add(k + " " + pct(v)));
        return String.join(", ", parts);
    }

    private static String paren(boolean on, String text) {
        return on ? "(" + text + ")" : text;
    }

    static String pct(double x) {
        return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * x);
    }

    static String pts(double x) {
        return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, "%+.1f", x);
    }

    static String num(double x) {
        return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, "%.3f", x);
    }
}
