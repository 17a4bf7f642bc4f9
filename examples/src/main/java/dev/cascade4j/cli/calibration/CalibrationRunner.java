package dev.cascade4j.cli.calibration;

import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.router.internal.RouteRequests;
import dev.cascade4j.router.EscalationReason;
import dev.cascade4j.router.RequestShape;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.Router;
import dev.cascade4j.router.Subtask;
import dev.cascade4j.router.internal.classify.Classification;
import dev.cascade4j.router.internal.classify.Encoder;
import dev.cascade4j.router.internal.classify.RouteClassifier;
import dev.cascade4j.router.config.Route;
import dev.cascade4j.router.config.RoutePolicy;
import dev.cascade4j.router.config.RouterConfig;
import dev.cascade4j.router.confidence.ConfidenceSignals;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Measures a router on a labelled evaluation set and picks per-route thresholds.
 *
 * <p>For each item: route it with no hint, to learn the classifier's choice and confidence; then get
 * the SLM's answer and generation confidence on the item's own route (the same answer when the choice
 * was right). The router measured should escalate nothing, so that every SLM answer is seen: build it
 * from {@link #measurementConfig(RouterConfig)}. When a large-model router is given (built from
 * {@link #largeOnlyConfig(RouterConfig)}), its answers are checked too; otherwise they are taken as
 * right, and the report says so. Thresholds are chosen on the calibration split; the figures are
 * reported on the test split, simulating the router under the configured policies and chosen thresholds.
 */
public final class CalibrationRunner {
    private final Router router;
    private final Router largeRouter;
    private final RouterConfig config;
    private final ThresholdPolicy policy;
    private final CostModel costs;
    private final int concurrency;
    private final Duration deadline;
    private final Consumer<String> progress;

    private CalibrationRunner(Builder b) {
        this.router = Objects.requireNonNull(b.router, "router");
        this.largeRouter = b.largeRouter;
        this.config = Objects.requireNonNull(b.config, "config");
        this.policy = b.policy;
        this.costs = b.costs;
        this.concurrency = b.concurrency;
        this.deadline = b.deadline;
        this.progress = b.progress;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The configuration to measure with: every route answers on its SLM, with no thresholds and no large model. */
    public static RouterConfig measurementConfig(RouterConfig base) {
        RouterConfig.Builder b = base.toBuilder().clearRoutes().clearLargeModels().escalateTo(null);
        for (Route r : base.routes()) {
            b.route(r.toBuilder().minClassifierConfidence(0).minGenerationConfidence(0).policy(RoutePolicy.SLM_FIRST)
                    .escalateTo(null).build());
        }
        return b.build();
    }

    /** The configuration that sends every route to its large model, or {@code null} when none is configured. */
    public static RouterConfig largeOnlyConfig(RouterConfig base) {
        boolean any = base.escalation().defaultTarget() != null || base.routes().stream().anyMatch(r -> r.escalateTo() != null);
        if (!any) {
            return null;
        }
        RouterConfig.Builder b = base.toBuilder().clearRoutes();
        for (Route r : base.routes()) {
            b.route(r.toBuilder().minClassifierConfidence(0).policy(RoutePolicy.ALWAYS_LARGE).build());
        }
        return b.build();
    }

    /**
     * Routing alone, in seconds and without any model call: the classifier built from {@code config}
     * routes every item, and the text lists accuracy per kind and split and every miss. For tuning
     * route examples before a full run.
     */
    public static String routingOnly(RouterConfig config, List<EvalItem> items, EmbeddingModel embedder) {
        RouteClassifier classifier = new RouteClassifier(config.routes(), config.classifier(),
                new Encoder(embedder, config.classifier().embeddingCacheSize()));
        Map<String, int[]> byKind = new LinkedHashMap<>();
        int[] cal = new int[2];
        int[] test = new int[2];
        StringBuilder misses = new StringBuilder();
        for (EvalItem item : items) {
            String text = RouteRequests.classificationText(item.request());
            Classification c = classifier.classify(text, RequestShape.of(item.request()));
            String expected = item.expected().route();
            boolean right = Objects.equals(expected, c.route());
            int[] k = byKind.computeIfAbsent(item.kind().name().toLowerCase(java.util.Locale.ROOT), x -> new int[4]);
            int off = item.inCalibrationSplit() ? 0 : 2;
            k[off] += right ? 1 : 0;
            k[off + 1]++;
            int[] split = item.inCalibrationSplit() ? cal : test;
            split[0] += right ? 1 : 0;
            split[1]++;
            if (!right) {
                misses.append(String.format(java.util.Locale.ROOT, "  %-5s %-12s -> %-12s %s | %s%n", item.inCalibrationSplit() ? "cal" : "test",
                        expected, c.route(), c.detail(), (text.length() > 90 ? text.substring(0, 90) + "..." : text).replace('\n', ' ')));
            }
        }
        StringBuilder out = new StringBuilder(String.format(java.util.Locale.ROOT, "Routing only, %d items%n%-14s %14s %14s%n",
                items.size(), "kind", "calibration", "test"));
        byKind.forEach((kind, k) -> out.append(String.format(java.util.Locale.ROOT, "%-14s %8d/%-5d %8d/%-5d%n", kind, k[0], k[1], k[2], k[3])));
        out.append(String.format(java.util.Locale.ROOT, "routing accuracy: calibration %.1f%%, test %.1f%%%n",
                100.0 * cal[0] / Math.max(1, cal[1]), 100.0 * test[0] / Math.max(1, test[1])));
        return out.append("misses:\n").append(misses).toString();
    }

    /**
     * Runs every item (at most {@code concurrency} at a time) and builds the report. All SLM answers
     * come first, then all large-model answers: two models decoding at once on the same cores make
     * their threads wait on each other at every step, so one phase per tier is much faster.
     */
    public CalibrationReport run(List<EvalItem> items) {
        long t0 = System.nanoTime();
        List<String> errors = new ArrayList<>();
        List<ItemResult> slm = inParallel(items, "SLM", this::measureSlm, errors, t0);
        List<ItemResult> results = slm;
        if (largeRouter != null) {
            List<EvalItem> measured = new ArrayList<>();
            Map<String, ItemResult> byId = new LinkedHashMap<>();
            slm.forEach(r -> byId.put(r.id(), r));
            items.stream().filter(i -> byId.containsKey(i.id())).forEach(measured::add);
            results = inParallel(measured, "large model", item -> withLarge(byId.get(item.id()), item), errors, t0);
        }
        return CalibrationReport.of(results, errors, config, policy, costs, largeRouter != null,
                Duration.ofNanos(System.nanoTime() - t0));
    }

    private interface Measure {
        ItemResult apply(EvalItem item) throws Exception;
    }

    /** {@code measure} over the items, in order; an item that fails is left out and its error listed. */
    private List<ItemResult> inParallel(List<EvalItem> items, String what, Measure measure, List<String> errors, long t0) {
        List<ItemResult> results = new ArrayList<>();
        AtomicInteger done = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(concurrency, Thread.ofVirtual().factory())) {
            List<Future<ItemResult>> futures = new ArrayList<>();
            for (EvalItem item : items) {
                futures.add(pool.submit(() -> {
                    ItemResult r = measure.apply(item);
                    int n = done.incrementAndGet();
                    if (n % 10 == 0 || n == items.size()) {
                        progress.accept(String.format("%s: %d/%d items, %.0f s", what, n, items.size(), (System.nanoTime() - t0) / 1e9));
                    }
                    return r;
                }));
            }
            for (int i = 0; i < futures.size(); i++) {
                try {
                    results.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    errors.add(items.get(i).id() + ": " + e.getCause().getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("calibration interrupted", e);
                }
            }
        }
        return results;
    }

    private ItemResult measureSlm(EvalItem item) throws Exception {
        Subtask auto = new Subtask(item.id(), item.request(), null, deadline, null);
        RoutedAnswer a = await(router.route(auto));
        String chosen = a.decision().route();
        String expected = item.expected().route();
        GenerationResult autoAnswer = chosen == null ? null : a.slmAnswer();
        boolean autoValid = chosen != null && valid(a);
        boolean autoCorrect = chosen != null && AnswerChecker.check(item, autoAnswer).correct();
        double autoConfidence = chosen == null ? Double.NaN : a.decision().generationConfidence();

        double slmConfidence = Double.NaN;
        ConfidenceSignals slmSignals = null;
        boolean slmValid = false;
        boolean slmCorrect = false;
        String detail = "";
        if (expected != null) {
            RoutedAnswer h = expected.equals(chosen) ? a
                    : await(router.route(new Subtask(item.id() + "#hint", item.request(), expected, deadline, null)));
            slmConfidence = h.decision().generationConfidence();
            slmSignals = h.decision().signals();
            slmValid = valid(h);
            AnswerChecker.Check c = AnswerChecker.check(item, h.slmAnswer());
            slmCorrect = c.correct();
            detail = c.detail();
        }
        GenerationResult tokensFrom = autoAnswer != null ? autoAnswer : a.slmAnswer();
        int prompt = tokensFrom == null ? 0 : tokensFrom.usage().promptTokens();
        int completion = tokensFrom == null ? 0 : tokensFrom.usage().completionTokens();
        return new ItemResult(item.id(), item.kind(), item.inCalibrationSplit(), expected, chosen,
                a.decision().classifierConfidence(), autoConfidence, autoValid, autoCorrect, slmConfidence, slmValid,
                slmCorrect, detail, null, prompt, completion, -1, -1, item.variant(), slmSignals,
                chosen == null ? null : a.decision().signals(), autoAnswer != null && autoAnswer.hasToolCalls(),
                autoAnswer == null || autoAnswer.timings() == null ? 0 : autoAnswer.timings().totalMillis(), -1);
    }

    /** {@code r} with the large model's answer to the item checked, when it is in scope and the model answers. */
    private ItemResult withLarge(ItemResult r, EvalItem item) throws Exception {
        if (r.expectedRoute() == null) {
            return r;
        }
        try {
            RoutedAnswer l = await(largeRouter.route(new Subtask(item.id() + "#large", item.request(), r.expectedRoute(), deadline, null)));
            GenerationResult answer = l.teacherAnswer();
            if (answer == null) {
                return r;
            }
            return r.withLarge(AnswerChecker.check(item, answer).correct(), answer.usage().promptTokens(),
                    answer.usage().completionTokens(), answer.timings() == null ? -1 : answer.timings().totalMillis());
        } catch (Exception e) {
            // Unreachable large model: its answer is taken as right, like when none is configured.
            return r;
        }
    }

    private static boolean valid(RoutedAnswer a) {
        EscalationReason r = a.decision().reason();
        return r != EscalationReason.INVALID_OUTPUT && r != EscalationReason.INVALID_TOOL_ARGUMENTS && r != EscalationReason.SLM_TIMEOUT;
    }

    private RoutedAnswer await(io.vertx.core.Future<RoutedAnswer> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(deadline.toMillis() + 30_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        } catch (TimeoutException e) {
            throw new TimeoutException("no answer from the router within " + (deadline.toSeconds() + 30) + " s");
        }
    }

    public static final class Builder {
        private Router router;
        private Router largeRouter;
        private RouterConfig config;
        private ThresholdPolicy policy = ThresholdPolicy.targetLoss(2);
        private CostModel costs = CostModel.DEFAULTS;
        private int concurrency = 2;
        private Duration deadline = Duration.ofSeconds(120);
        private Consumer<String> progress = s -> { };

        /** The router to measure; build it from {@link #measurementConfig(RouterConfig)}. */
        public Builder router(Router router) {
            this.router = router;
            return this;
        }

        /** A router that answers every route on its large model, from {@link #largeOnlyConfig(RouterConfig)}; none by default. */
        public Builder largeRouter(Router router) {
            this.largeRouter = router;
            return this;
        }

        /** The configuration being calibrated: its policies and classifier thresholds shape the simulated cascade. */
        public Builder config(RouterConfig config) {
            this.config = config;
            return this;
        }

        /** Accuracy the cascade may lose against all-large, in percentage points (default 2). */
        public Builder targetLossPoints(double points) {
            if (!(points > 0 && points <= 100)) {
                throw new IllegalArgumentException("target loss must be above 0 and at most 100 points, got " + points);
            }
            this.policy = ThresholdPolicy.targetLoss(points).withFit(policy.fit());
            return this;
        }

        /** How thresholds are chosen (the target, the bound) and whether confidence is fitted first. */
        public Builder policy(ThresholdPolicy policy) {
            this.policy = Objects.requireNonNull(policy);
            return this;
        }

        public Builder costs(CostModel costs) {
            this.costs = Objects.requireNonNull(costs);
            return this;
        }

        /** Items measured at once (default 2, the SLM's parallel sequences in the default configuration). */
        public Builder concurrency(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1, got " + n);
            }
            this.concurrency = n;
            return this;
        }

        public Builder deadline(Duration deadline) {
            this.deadline = Objects.requireNonNull(deadline);
            return this;
        }

        public Builder progress(Consumer<String> progress) {
            this.progress = Objects.requireNonNull(progress);
            return this;
        }

        public CalibrationRunner build() {
            return new CalibrationRunner(this);
        }
    }

    static Map<String, List<ItemResult>> byRoute(List<ItemResult> results, boolean expected) {
        Map<String, List<ItemResult>> out = new LinkedHashMap<>();
        for (ItemResult r : results) {
            String route = expected ? r.expectedRoute() : r.chosenRoute();
            if (route != null) {
                out.computeIfAbsent(route, k -> new ArrayList<>()).add(r);
            }
        }
        return out;
    }
}
