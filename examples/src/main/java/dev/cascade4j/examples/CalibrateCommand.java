package dev.cascade4j.examples;

import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.router.calibration.CalibrationReport;
import dev.cascade4j.router.calibration.CalibrationRunner;
import dev.cascade4j.router.calibration.CostModel;
import dev.cascade4j.router.calibration.EvalItem;
import dev.cascade4j.router.config.RouterConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        "Routing and SLM accuracy, confidence AUROC/ECE, per-route thresholds, share kept on SLMs and cost saved "
                + "(docs/calibration.md)."})
final class CalibrateCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "FILE", description = "the evaluation set, JSONL (default: the embedded subtasks.jsonl)")
    Path data;
    @Option(names = "--config", paramLabel = "FILE", description = "router configuration (default: the embedded cascade)")
    Path config;
    @Option(names = "--target-loss", paramLabel = "POINTS", description = "accuracy points the thresholds may give up (default ${DEFAULT-VALUE})")
    double targetLoss = 2;
    @Option(names = "--out", paramLabel = "FILE", description = "the JSON report (default ${DEFAULT-VALUE})")
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
        // A bad file is an IllegalArgumentException naming its line: printed as is, without the usage.
        List<EvalItem> items = data != null ? EvalItem.load(data) : EvalItem.defaults();
        RouterConfig routerConfig = config != null ? RouterConfig.load(config) : RouterConfig.defaults();
        if (limit != null && limit < 1) {
            throw new Cli.UsageException("--limit needs a positive number, got " + limit);
        }
        items = spread(items, limit == null ? items.size() : limit);
        if (routingOnly) {
            System.out.print(CalibrationRunner.routingOnly(routerConfig, items,
                    new dev.cascade4j.router.classify.MiniLmEmbeddingModel()));
            return 0;
        }
        CostModel costs = new CostModel(slmPriceIn, slmPriceOut, largePriceIn, largePriceOut);

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
                CalibrationReport report = CalibrationRunner.builder().router(router).largeRouter(large).config(routerConfig)
                        .targetLossPoints(targetLoss).costs(costs)
                        .concurrency(concurrency).progress(System.err::println).build().run(items);
                System.out.print(report.toText());
                Files.writeString(out, report.toJson());
                System.out.println("\nreport written to " + out.toAbsolutePath());
                return report.errors().isEmpty() ? 0 : 1;
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + out + ": " + e.getMessage(), e);
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
