package dev.cascade4j.examples;

import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.router.calibration.CalibrationReport;
import dev.cascade4j.router.calibration.CalibrationRunner;
import dev.cascade4j.router.calibration.CostModel;
import dev.cascade4j.router.calibration.EvalItem;
import dev.cascade4j.router.calibration.FittedConfig;
import dev.cascade4j.router.calibration.ThresholdPolicy;
import dev.cascade4j.router.confidence.RiskBound;
import dev.cascade4j.router.config.RouterConfig;
import dev.cascade4j.router.config.RouterConfigException;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ./cascade4j calibrate}: measures the router on a labelled evaluation set, picks per-route
 * thresholds on its calibration split and reports routing accuracy, the SLMs' accuracy, how well
 * confidence separates right from wrong, the share kept on SLMs and the cost saved, on its test split.
 *
 * <p>Options: {@code --data FILE} (JSONL; the embedded set by default), {@code --config FILE} (router
 * configuration; the embedded default), {@code --target-loss POINTS} (default 2), {@code --out FILE}
 * (JSON report, default calibration-report.json), {@code --limit N} (N items spread over the set),
 * {@code --concurrency N} (default 2), {@code --routing-only} (the classifier alone, no model call), and prices per 1k tokens {@code --slm-price-in/-out},
 * {@code --large-price-in/-out} (defaults in {@link CostModel#DEFAULTS}). {@code --max-error-rate R} bounds errors let through
 * instead of the loss; {@code --bound conformal|clopper-pearson} and {@code --delta D} say how; {@code --fit} fits a confidence
 * model per route and writes the configuration to {@code --fit-out FILE}; {@code --from-report FILE} refits from a report's items.
 */
final class CalibrateCommand {
    private CalibrateCommand() {
    }

    static int run(Map<String, String> o) {
        RouterConfig config;
        String configText;
        try {
            configText = o.containsKey("config") ? Files.readString(Path.of(o.get("config"))) : RouterConfig.defaultsText();
            config = RouterConfig.parse(configText, o.getOrDefault("config", "embedded default-router.yaml"));
        } catch (IOException e) {
            throw new Cli.UsageException("cannot read --config " + o.get("config") + ": " + e.getMessage());
        } catch (IllegalArgumentException | RouterConfigException e) {
            throw new Cli.UsageException(e.getMessage());
        }
        ThresholdPolicy policy = policy(o);
        CostModel defaults = CostModel.DEFAULTS;
        CostModel costs = new CostModel(price(o, "slm-price-in", defaults.slmInputPer1k()), price(o, "slm-price-out", defaults.slmOutputPer1k()),
                price(o, "large-price-in", defaults.largeInputPer1k()), price(o, "large-price-out", defaults.largeOutputPer1k()));
        Path out = Path.of(o.getOrDefault("out", "calibration-report.json"));

        CalibrationReport report;
        if (o.containsKey("from-report")) {
            Path from = Path.of(o.get("from-report"));
            CalibrationReport.Loaded loaded;
            try {
                // the evaluation set fills in what older reports lack (kind, split, variant)
                List<EvalItem> set = o.containsKey("data") ? EvalItem.load(Path.of(o.get("data"))) : EvalItem.defaults();
                loaded = CalibrationReport.readItems(Files.readString(from), set);
            } catch (IOException e) {
                throw new Cli.UsageException("cannot read --from-report " + from + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new Cli.UsageException(from + ": " + e.getMessage());
            }
            System.err.printf("refitting from %d items of %s; no model runs%n", loaded.results().size(), from);
            report = CalibrationReport.of(loaded.results(), List.of(), config, policy, costs, loaded.largeMeasured(), Duration.ZERO);
        } else {
            report = measure(o, config, policy, costs);
            if (report == null) {
                return 0;
            }
        }
        System.out.print(report.toText());
        Path svg = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.json$", "") + ".svg");
        try {
            Files.writeString(out, report.toJson());
            Files.writeString(svg, report.curveSvg());
            System.out.println("\nreport written to " + out.toAbsolutePath() + ", cost-quality curve to " + svg.toAbsolutePath());
            if (o.containsKey("fit")) {
                Path fitOut = Path.of(o.getOrDefault("fit-out", "router-fitted.yaml"));
                Files.writeString(fitOut, FittedConfig.write(configText, report));
                System.out.println("fitted router configuration written to " + fitOut.toAbsolutePath() + ": per route, "
                        + report.routes().stream().map(r -> r.route() + (r.model() != null ? " (confidence fitted, " : " (")
                                + String.format(java.util.Locale.ROOT, "minGenerationConfidence %.3f)", r.threshold().threshold())).toList());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + e.getMessage(), e);
        }
        return report.errors().isEmpty() ? 0 : 1;
    }

    static ThresholdPolicy policy(Map<String, String> o) {
        if (o.containsKey("target-loss") && o.containsKey("max-error-rate")) {
            throw new Cli.UsageException("give --target-loss or --max-error-rate, not both");
        }
        try {
            RiskBound.Kind bound = RiskBound.Kind.parse(o.getOrDefault("bound", "conformal"));
            double delta = doubleOption(o, "delta", 0.1);
            boolean fit = o.containsKey("fit");
            if (o.containsKey("max-error-rate")) {
                return new ThresholdPolicy(ThresholdPolicy.Risk.ERROR_RATE, doubleOption(o, "max-error-rate", 0.05), bound, delta, fit);
            }
            return new ThresholdPolicy(ThresholdPolicy.Risk.LOSS, doubleOption(o, "target-loss", 2) / 100, bound, delta, fit);
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException(e.getMessage());
        }
    }

    /** Runs every item on both tiers; {@code null} after a routing-only run. */
    private static CalibrationReport measure(Map<String, String> o, RouterConfig config, ThresholdPolicy policy, CostModel costs) {
        List<EvalItem> items;
        try {
            items = o.containsKey("data") ? EvalItem.load(Path.of(o.get("data"))) : EvalItem.defaults();
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException(e.getMessage());
        }
        int limit = Cli.intOption(o, "limit", items.size());
        if (limit < 1) {
            throw new Cli.UsageException("--limit needs a positive number, got " + limit);
        }
        items = spread(items, limit);
        if (o.containsKey("routing-only")) {
            System.out.print(CalibrationRunner.routingOnly(config, items,
                    new dev.cascade4j.router.classify.MiniLmEmbeddingModel()));
            return null;
        }
        Vertx vertx = Vertx.vertx();
        RouterConfig largeOnly = CalibrationRunner.largeOnlyConfig(config);
        try (CascadeRouter router = CascadeRouter.builder(vertx).config(CalibrationRunner.measurementConfig(config)).build()) {
            CascadeRouter.Builder lb = largeOnly == null ? null : CascadeRouter.builder(vertx).config(largeOnly);
            if (lb != null) {
                // The large-model router borrows the measured router's local models instead of loading them again.
                config.modelsInUse().forEach(m -> {
                    var model = router.localModel(m.name());
                    if (model != null) {
                        lb.localModel(m.ref(), model);
                    }
                });
            }
            try (CascadeRouter large = lb == null ? null : lb.build()) {
                System.err.printf("calibrating on %d items (%s)%s%n", items.size(), o.getOrDefault("data", "embedded subtasks.jsonl"),
                        large == null ? "; no large model configured, its answers are taken as correct" : "");
                return CalibrationRunner.builder().router(router).largeRouter(large).config(config).policy(policy).costs(costs)
                        .concurrency(Cli.intOption(o, "concurrency", 2)).progress(System.err::println).build().run(items);
            }
        } finally {
            vertx.close();
        }
    }

    /** {@code limit} items spread evenly over the set, so every kind is represented. */
    static List<EvalItem> spread(List<EvalItem> items, int limit) {
        if (limit >= items.size()) {
            return items;
        }
        List<EvalItem> out = new ArrayList<>();
        for (int i = 0; i < limit; i++) {
            out.add(items.get((int) ((long) i * items.size() / limit)));
        }
        return out;
    }

    private static double price(Map<String, String> o, String key, double fallback) {
        return doubleOption(o, key, fallback);
    }

    private static double doubleOption(Map<String, String> o, String key, double fallback) {
        try {
            return o.containsKey(key) ? Double.parseDouble(o.get(key)) : fallback;
        } catch (NumberFormatException e) {
            throw new Cli.UsageException("--" + key + " needs a number, got '" + o.get(key) + "'");
        }
    }
}
