package dev.cascade4j.examples;

import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.router.calibration.CalibrationReport;
import dev.cascade4j.router.calibration.CalibrationRunner;
import dev.cascade4j.router.calibration.CostModel;
import dev.cascade4j.router.calibration.EvalItem;
import dev.cascade4j.router.config.RouterConfig;
import dev.cascade4j.router.config.RouterConfigException;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code --large-price-in/-out} (defaults in {@link CostModel#DEFAULTS}).
 */
final class CalibrateCommand {
    private CalibrateCommand() {
    }

    static int run(Map<String, String> o) {
        List<EvalItem> items;
        RouterConfig config;
        try {
            items = o.containsKey("data") ? EvalItem.load(Path.of(o.get("data"))) : EvalItem.defaults();
            config = o.containsKey("config") ? RouterConfig.load(Path.of(o.get("config"))) : RouterConfig.defaults();
        } catch (IllegalArgumentException | RouterConfigException e) {
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
            return 0;
        }
        CostModel defaults = CostModel.DEFAULTS;
        CostModel costs = new CostModel(price(o, "slm-price-in", defaults.slmInputPer1k()), price(o, "slm-price-out", defaults.slmOutputPer1k()),
                price(o, "large-price-in", defaults.largeInputPer1k()), price(o, "large-price-out", defaults.largeOutputPer1k()));
        Path out = Path.of(o.getOrDefault("out", "calibration-report.json"));

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
                CalibrationReport report = CalibrationRunner.builder().router(router).largeRouter(large).config(config)
                        .targetLossPoints(doubleOption(o, "target-loss", 2)).costs(costs)
                        .concurrency(Cli.intOption(o, "concurrency", 2)).progress(System.err::println).build().run(items);
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
