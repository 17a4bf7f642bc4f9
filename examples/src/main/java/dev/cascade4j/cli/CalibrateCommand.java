package dev.cascade4j.cli;

import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.cli.calibration.CalibrationReport;
import dev.cascade4j.cli.calibration.CalibrationRunner;
import dev.cascade4j.cli.calibration.CostModel;
import dev.cascade4j.cli.calibration.EvalItem;
import dev.cascade4j.cli.calibration.FittedConfig;
import dev.cascade4j.cli.calibration.ThresholdPolicy;
import dev.cascade4j.cli.calibration.RiskBound;
import dev.cascade4j.router.config.RouterConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./cascade4j calibrate}: measures the router on a labelled evaluation set, picks per-route
 * thresholds on its calibration split and reports routing accuracy, the SLMs' accuracy, how well
 * confidence separates right from wrong, the share kept on SLMs and the cost saved, on its test split.
 */
@Command(name = "calibrate", description = {"Measure the router on a labelled set and pick per-route thresholds.",
        "Both tiers per kind and variant, a confidence model fitted per route (--fit), thresholds under a stated bound, "
                + "share kept on the SLM, accuracy lost, cost saved and a cost-quality curve (docs/calibration.md)."})
final class CalibrateCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "FILE", description = "the evaluation set, JSONL (default: the embedded subtasks.jsonl)")
    Path data;
    @Option(names = "--config", paramLabel = "FILE", description = "router configuration (default: the embedded cascade)")
    Path config;
    @Option(names = "--target-loss", paramLabel = "POINTS", description = "accuracy points the thresholds may give up (default 2)")
    Double targetLoss;
    @Option(names = "--max-error-rate", paramLabel = "R", description = "bound the share of wrong answers let through instead of the loss")
    Double maxErrorRate;
    @Option(names = "--bound", paramLabel = "conformal|clopper-pearson", description = "how the target is guaranteed (default ${DEFAULT-VALUE})")
    String bound = "conformal";
    @Option(names = "--delta", paramLabel = "D", description = "the bound's failure probability (default ${DEFAULT-VALUE})")
    double delta = 0.1;
    @Option(names = "--fit", description = "fit a confidence model per route and write the configuration to --fit-out")
    boolean fit;
    @Option(names = "--fit-out", paramLabel = "FILE", description = "the fitted router configuration (default ${DEFAULT-VALUE})")
    Path fitOut = Path.of("router-fitted.yaml");
    @Option(names = "--from-report", paramLabel = "FILE", description = "refit from a report's items; no model runs")
    Path fromReport;
    @Option(names = "--out", paramLabel = "FILE", description = "the JSON report, and the curve beside it as .svg (default ${DEFAULT-VALUE})")
    Path out = Path.of("calibration-report.json");
    @Option(names = "--limit", paramLabel = "N", description = "N items spread over the set (default: all)")
    Integer limit;
    @Option(names = "--concurrency", paramLabel = "N", description = "subtasks in flight (default ${DEFAULT-VALUE})")
    int concurrency = 2;
    @Option(names = "--routing-only", description = "the classifier alone, no model call")
    boolean routingOnly;
    @Option(names = "--slm-price-in", paramLabel = "USD", description = "SLM price per 1k input tokens")
    double slmPriceIn = CostModel.DEFAULTS.slmInputPer1k();
    @Option(names = "--slm-price-out", paramLabel = "USD", description = "SLM price per 1k output tokens")
    double slmPriceOut = CostModel.DEFAULTS.slmOutputPer1k();
    @Option(names = "--large-price-in", paramLabel = "USD", description = "large-model price per 1k input tokens")
    double largePriceIn = CostModel.DEFAULTS.largeInputPer1k();
    @Option(names = "--large-price-out", paramLabel = "USD", description = "large-model price per 1k output tokens")
    double largePriceOut = CostModel.DEFAULTS.largeOutputPer1k();

    @Override
    public Integer call() {
        String configText;
        try {
            configText = config != null ? Files.readString(config) : RouterConfig.defaultsText();
        } catch (IOException e) {
            throw new Cli.UsageException("cannot read --config " + config + ": " + e.getMessage());
        }
        // A mistake in the file is an IllegalArgumentException naming its line: printed as is, without the usage.
        RouterConfig routerConfig = RouterConfig.parse(configText, config != null ? config.toString() : "embedded default-router.yaml");
        ThresholdPolicy policy = policy();
        CostModel costs = new CostModel(slmPriceIn, slmPriceOut, largePriceIn, largePriceOut);

        CalibrationReport report;
        if (fromReport != null) {
            CalibrationReport.Loaded loaded;
            try {
                // the evaluation set fills in what older reports lack (kind, split, variant)
                List<EvalItem> set = data != null ? EvalItem.load(data) : EvalItem.defaults();
                loaded = CalibrationReport.readItems(Files.readString(fromReport), set);
            } catch (IOException e) {
                throw new Cli.UsageException("cannot read --from-report " + fromReport + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new Cli.UsageException(fromReport + ": " + e.getMessage());
            }
            System.err.printf("refitting from %d items of %s; no model runs%n", loaded.results().size(), fromReport);
            report = CalibrationReport.of(loaded.results(), List.of(), routerConfig, policy, costs, loaded.largeMeasured(), Duration.ZERO);
        } else {
            report = measure(routerConfig, policy, costs);
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
            if (fit) {
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

    ThresholdPolicy policy() {
        if (targetLoss != null && maxErrorRate != null) {
            throw new Cli.UsageException("give --target-loss or --max-error-rate, not both");
        }
        try {
            RiskBound.Kind kind = RiskBound.Kind.parse(bound);
            if (maxErrorRate != null) {
                return new ThresholdPolicy(ThresholdPolicy.Risk.ERROR_RATE, maxErrorRate, kind, delta, fit);
            }
            return new ThresholdPolicy(ThresholdPolicy.Risk.LOSS, (targetLoss == null ? 2 : targetLoss) / 100, kind, delta, fit);
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException(e.getMessage());
        }
    }

    /** Runs every item on both tiers; {@code null} after a routing-only run. */
    private CalibrationReport measure(RouterConfig routerConfig, ThresholdPolicy policy, CostModel costs) {
        List<EvalItem> items = data != null ? EvalItem.load(data) : EvalItem.defaults();
        if (limit != null && limit < 1) {
            throw new Cli.UsageException("--limit needs a positive number, got " + limit);
        }
        items = spread(items, limit == null ? items.size() : limit);
        if (routingOnly) {
            System.out.print(CalibrationRunner.routingOnly(routerConfig, items,
                    new dev.cascade4j.router.internal.classify.MiniLmEmbeddingModel()));
            return null;
        }
        Vertx vertx = Vertx.vertx();
        RouterConfig largeOnly = CalibrationRunner.largeOnlyConfig(routerConfig);
        try (CascadeRouter router = CascadeRouter.builder(vertx).config(CalibrationRunner.measurementConfig(routerConfig)).build()) {
            CascadeRouter.Builder lb = largeOnly == null ? null : CascadeRouter.builder(vertx).config(largeOnly);
            if (lb != null) {
                // The large-model router borrows the measured router's local models instead of loading them again.
                routerConfig.modelsInUse().forEach(m -> {
                    var model = router.localModel(m.name());
                    if (model != null) {
                        lb.localModel(m.ref(), model);
                    }
                });
            }
            try (CascadeRouter large = lb == null ? null : lb.build()) {
                System.err.printf("calibrating on %d items (%s)%s%n", items.size(), data != null ? data : "embedded subtasks.jsonl",
                        large == null ? "; no large model configured, its answers are taken as correct" : "");
                return CalibrationRunner.builder().router(router).largeRouter(large).config(routerConfig).policy(policy).costs(costs)
                        .concurrency(concurrency).progress(System.err::println).build().run(items);
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
}
