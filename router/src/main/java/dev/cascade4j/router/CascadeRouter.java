package dev.cascade4j.router;

import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.Generation;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.inference.langchain4j.ChatTranslator;
import dev.cascade4j.inference.source.ModelStore;
import dev.cascade4j.router.classify.Classification;
import dev.cascade4j.router.classify.Encoder;
import dev.cascade4j.router.classify.MiniLmEmbeddingModel;
import dev.cascade4j.router.classify.RouteClassifier;
import dev.cascade4j.router.classify.SecondOpinion;
import dev.cascade4j.router.classify.ToolRanker;
import dev.cascade4j.router.config.LocalModelConfig;
import dev.cascade4j.router.config.Route;
import dev.cascade4j.router.config.RoutePolicy;
import dev.cascade4j.router.config.RouterConfig;
import dev.cascade4j.router.confidence.ConfidenceSignals;
import dev.cascade4j.router.escalate.LargeModels;
import dev.cascade4j.router.escalate.OutputJudge;
import dev.cascade4j.router.escalate.Verdict;
import dev.cascade4j.router.metrics.RouterMetrics;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.embedding.EmbeddingModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The in-process router. For each subtask: classify it (embedding on a bounded worker pool, cached),
 * pick its route, generate on the route's local model (asynchronously, with a bounded number of
 * subtasks per model and a timer that cancels at the deadline), judge the answer, and escalate to the
 * route's large model when a signal fires. Every answer carries a {@link RoutingDecision} that says
 * why, and is published on {@link Router#ROUTED_ADDRESS}. Nothing here blocks an event loop.
 *
 * <p>Build with {@link #builder(Vertx)}; {@code build()} loads the models and the encoder, so call it
 * off the event loop. {@link #close()} frees the models the router loaded.
 */
public final class CascadeRouter implements Router, AutoCloseable {
    private final Vertx vertx;
    private final RouterConfig config;
    private final RouteClassifier classifier;
    private final ToolRanker toolRanker;
    private final Map<String, ModelSlot> slotsByRef = new LinkedHashMap<>();
    private final Map<String, ModelSlot> slotsByName = new LinkedHashMap<>();
    private final LargeModels large;
    private final BoundedWorker cpu;
    private final BoundedWorker escalations;
    private final OutputJudge judge = new OutputJudge();
    private final SecondOpinion secondOpinion;
    private final RouterMetrics metrics;
    private final Cancellations underWay = new Cancellations();

    private CascadeRouter(Builder b) {
        this.vertx = Objects.requireNonNull(b.vertx, "vertx");
        this.config = b.config == null ? RouterConfig.defaults() : b.config;
        this.metrics = new RouterMetrics(b.registry == null ? new SimpleMeterRegistry() : b.registry);
        RouterCodecs.register(vertx);
        ModelStore store = b.store == null ? ModelStore.defaultStore() : b.store;
        List<LocalModel> loadedHere = new ArrayList<>();
        LargeModels largeModels = null;
        try {
            for (LocalModelConfig m : config.modelsInUse()) {
                LocalModel given = b.localModels.get(m.ref());
                LocalModel model = given != null ? given : LocalModel.load(store.resolve(m.ref()), m.options());
                if (given == null) {
                    loadedHere.add(model);
                }
                ModelSlot slot = new ModelSlot(m.name(), m.ref(), model, given == null, m.maxInFlight());
                slotsByRef.put(m.ref(), slot);
                slotsByName.put(m.name(), slot);
                slotsByName.putIfAbsent(m.ref(), slot);
                metrics.inFlight(m.name(), slot::inFlight);
            }
            largeModels = LargeModels.create(config.largeModels(), b.largeModels, store);
            checkTargets(largeModels);
            EmbeddingModel embedder = b.embeddingModel == null ? new MiniLmEmbeddingModel() : b.embeddingModel;
            Encoder encoder = new Encoder(embedder, config.classifier().embeddingCacheSize());
            this.classifier = new RouteClassifier(config.routes(), config.classifier(), encoder);
            this.toolRanker = new ToolRanker(encoder);
        } catch (RuntimeException e) {
            loadedHere.forEach(LocalModel::close);
            if (largeModels != null) {
                largeModels.close();
            }
            throw e;
        }
        this.large = largeModels;
        this.secondOpinion = config.classifier().secondOpinion() ? new SecondOpinion(config.routes()) : null;
        metrics.cache("embedding", classifier::embeddingCacheStats);
        metrics.cache("classification", classifier::cacheStats);
        this.cpu = new BoundedWorker(vertx, "cascade4j-router-cpu", config.classifier().workers(), config.classifier().queueCapacity());
        this.escalations = new BoundedWorker(vertx, "cascade4j-router-escalation", config.escalation().workers(),
                config.escalation().queueCapacity());
    }

    private void checkTargets(LargeModels models) {
        Set<String> wanted = new LinkedHashSet<>();
        config.routes().stream().map(Route::escalateTo).filter(Objects::nonNull).forEach(wanted::add);
        if (config.escalation().defaultTarget() != null) {
            wanted.add(config.escalation().defaultTarget());
        }
        for (String name : wanted) {
            if (!models.has(name)) {
                throw new IllegalArgumentException("escalation target '" + name + "' is neither configured under largeModels nor passed to "
                        + "CascadeRouter.builder().largeModel(name, model); known: " + models.names());
            }
        }
    }

    public static Builder builder(Vertx vertx) {
        return new Builder(vertx);
    }

    public RouterConfig config() {
        return config;
    }

    public MeterRegistry meterRegistry() {
        return metrics.registry();
    }

    @Override
    public List<RouteInfo> routes() {
        return config.routes().stream().map(r -> new RouteInfo(r.name(), r.description(), r.model())).toList();
    }

    @Override
    public List<String> localModels() {
        return slotsByRef.values().stream().map(s -> s.name).toList();
    }

    /** The local model behind a route or model name, for callers that need it directly (e.g. a benchmark); {@code null} when unknown. */
    public LocalModel localModel(String routeOrModel) {
        Route r = config.route(routeOrModel);
        ModelSlot s = r != null ? slotsByRef.get(r.model()) : slotsByName.get(routeOrModel);
        return s == null ? null : s.model;
    }

    @Override
    public Future<RoutedAnswer> route(Subtask subtask) {
        Objects.requireNonNull(subtask, "subtask");
        Context ctx = vertx.getOrCreateContext();
        Promise<RoutedAnswer> promise = Promise.promise();
        Trip trip = new Trip(subtask, ctx, promise, underWay.open(subtask.id()));
        promise.future().onComplete(ar -> underWay.close(trip.call));
        ctx.runOnContext(v -> {
            try {
                start(trip);
            } catch (RuntimeException e) {
                fail(trip, e);
            }
        });
        return promise.future();
    }

    @Override
    public void cancel(String subtaskId) {
        underWay.cancel(subtaskId);
    }

    // ---- the path of one subtask ----

    /** The state of one subtask on its way through the router; touched only on its context. */
    private static final class Trip {
        final Subtask subtask;
        final Context ctx;
        final Promise<RoutedAnswer> promise;
        final Cancellations.Call call;
        final long startNanos = System.nanoTime();
        long modelNanos;
        Route route;
        ModelSlot direct;
        String tag = "none";
        double classifierConfidence = 1;
        String classification = "";
        GenerationRequest slmRequest;
        Throwable slmError;
        // The generation confidence the SLM's answer was judged with; NaN until it is judged.
        double judgedConfidence = Double.NaN;
        ConfidenceSignals signals;

        Trip(Subtask subtask, Context ctx, Promise<RoutedAnswer> promise, Cancellations.Call call) {
            this.subtask = subtask;
            this.ctx = ctx;
            this.promise = promise;
            this.call = call;
        }
    }

    /** What the SLM call gave: the result (partial when cut at the deadline), or nothing when the deadline had passed. */
    private record SlmOutcome(GenerationResult result, boolean timedOut, long deadlineMillis) {
    }

    private void start(Trip trip) {
        trip.call.checkNotCancelled();
        String hint = trip.subtask.routeHint();
        if (hint != null) {
            Route named = config.route(hint);
            if (named != null) {
                trip.route = named;
                trip.tag = named.name();
                trip.classification = "route named by the caller";
                decide(trip);
                return;
            }
            ModelSlot model = slotsByName.get(hint);
            if (model != null) {
                trip.direct = model;
                trip.tag = "model:" + model.name;
                trip.classification = "model named by the caller";
                serveDirectly(trip);
                return;
            }
            List<String> known = new ArrayList<>(config.routes().stream().map(Route::name).toList());
            known.addAll(localModels());
            throw new RouterException.UnknownRoute(hint, known);
        }
        String text = classificationText(trip.subtask.request());
        RequestShape shape = RequestShape.of(trip.subtask.request());
        Classification known = classifier.cached(text, shape);
        Future<Classification> classified = known != null ? Future.succeededFuture(known) : cpu.submit(() -> {
            trip.call.checkNotCancelled();
            return classifier.classifyUncached(text, shape);
        });
        classified
                .recover(e -> Future.failedFuture(e instanceof BoundedWorker.Full full
                        ? rejected("classifier", new RouterException.Overloaded("the router's classifier is busy (" + full.getMessage()
                                + "); retry shortly or raise classifier.queueCapacity", Duration.ofSeconds(1)))
                        : e))
                .compose(c -> maybeSecondOpinion(trip, text, c))
                .onSuccess(c -> guard(trip, () -> {
                    trip.classifierConfidence = c.confidence();
                    if (c.outOfScope()) {
                        trip.classification = c.detail().replaceFirst("^[^;]*; ", "");
                        escalate(trip, EscalationReason.OUT_OF_SCOPE, c.detail().replaceFirst(";.*", ""), null);
                        return;
                    }
                    trip.classification = "classified " + c.detail();
                    trip.route = config.route(c.route());
                    trip.tag = trip.route.name();
                    decide(trip);
                }))
                .onFailure(e -> fail(trip, e));
    }

    private Future<Classification> maybeSecondOpinion(Trip trip, String text, Classification c) {
        if (secondOpinion == null || c.outOfScope()
                || config.route(c.route()).examples().size() > config.classifier().secondOpinionMaxExamples()) {
            return Future.succeededFuture(c);
        }
        ModelSlot slot = slotsByRef.get(config.classifier().secondOpinionModel());
        return generate(trip, slot, secondOpinion.request(text))
                .map(o -> o.result() == null || o.timedOut() ? c.withConfidence(c.confidence(), "second opinion timed out")
                        : secondOpinion.combine(c, o.result()));
    }

    private void decide(Trip trip) {
        Route route = trip.route;
        Subtask.Escalation asked = trip.subtask.escalation();
        if (asked != null && route.policy() == RoutePolicy.SLM_FIRST) {
            escalate(trip, asked.reason(), asked.detail(), null);
            return;
        }
        if (trip.classifierConfidence < route.minClassifierConfidence()) {
            escalate(trip, EscalationReason.LOW_CLASSIFIER_CONFIDENCE, String.format(Locale.ROOT,
                    "classifier confidence %.2f < %.2f", trip.classifierConfidence, route.minClassifierConfidence()), null);
            return;
        }
        if (route.policy() == RoutePolicy.ALWAYS_LARGE) {
            escalate(trip, EscalationReason.ROUTE_POLICY, "route " + route.name() + " is always-large", null);
            return;
        }
        trip.slmRequest = slmRequest(route, trip.subtask.request());
        ModelSlot slot = slotsByRef.get(route.model());
        rankTools(trip).compose(ranked -> {
            trip.slmRequest = ranked;
            return generate(trip, slot, ranked);
        }).onComplete(ar -> guard(trip, () -> {
            if (ar.failed()) {
                onSlmFailure(trip, ar.cause());
                return;
            }
            SlmOutcome o = ar.result();
            if (o.timedOut()) {
                escalate(trip, EscalationReason.SLM_TIMEOUT, timeoutDetail(o), o.result());
                return;
            }
            OutputJudge.Judgement j;
            try {
                j = judged(trip, route, o.result());
            } catch (RuntimeException e) {
                fail(trip, e);
                return;
            }
            if (j.verdict() == null) {
                finish(trip, o.result(), o.result(), null, false, EscalationReason.NONE, String.format(Locale.ROOT,
                        "generation confidence %s >= %.2f", j.confidenceDetail(), route.minGenerationConfidence()),
                        slot.name, false);
            } else {
                escalate(trip, j.verdict().reason(), j.verdict().detail(), o.result());
            }
        }));
    }

    /** The SLM's request with its tools most relevant first, when the route asks for it (embeddings: on a worker). */
    private Future<GenerationRequest> rankTools(Trip trip) {
        GenerationRequest r = trip.slmRequest;
        ToolChoice.Mode mode = r.toolChoice().mode();
        if (!trip.route.rankTools() || trip.subtask.keepToolOrder() || r.tools().size() < 2 || mode == ToolChoice.Mode.NAMED || mode == ToolChoice.Mode.NONE) {
            return Future.succeededFuture(r);
        }
        String text = classificationText(trip.subtask.request());
        return cpu.submit(() -> toolRanker.rank(text, r.tools())).map(ranked -> {
            ToolRanker.Ranked first = ranked.getFirst();
            trip.classification = (trip.classification.isEmpty() ? "" : trip.classification + "; ")
                    + String.format(Locale.ROOT, "tools offered by relevance, %s first (%.2f)", first.tool().name(), first.similarity());
            return new GenerationRequest(r.messages(), r.sampling(), ranked.stream().map(ToolRanker.Ranked::tool).toList(),
                    r.toolChoice(), r.parallelToolCalls(), r.responseFormat(), r.listener());
        });
    }

    private void serveDirectly(Trip trip) {
        trip.slmRequest = trip.subtask.request();
        generate(trip, trip.direct, trip.slmRequest).onComplete(ar -> guard(trip, () -> {
            if (ar.failed()) {
                fail(trip, mapSlmError(ar.cause()));
                return;
            }
            SlmOutcome o = ar.result();
            if (o.result() == null) {
                fail(trip, new RouterException.DeadlineExceeded("the deadline of " + trip.subtask.deadline().toMillis()
                        + " ms passed before model " + trip.direct.name + " could start; give the subtask more time"));
                return;
            }
            Verdict v = o.timedOut() ? new Verdict(EscalationReason.SLM_TIMEOUT, timeoutDetail(o)) : judged(trip, null, o.result()).verdict();
            String detail = v == null ? "served by model " + trip.direct.name + " as asked"
                    : v.detail() + "; served by model " + trip.direct.name + " as asked, not escalated";
            finish(trip, o.result(), o.result(), null, false, v == null ? EscalationReason.NONE : v.reason(), detail,
                    trip.direct.name, v != null);
        }));
    }

    /** Judges the SLM's answer and keeps the judged confidence for the decision. */
    private OutputJudge.Judgement judged(Trip trip, Route route, GenerationResult answer) {
        OutputJudge.Judgement j = judge.judgement(route, trip.slmRequest, answer, trip.classifierConfidence);
        trip.judgedConfidence = j.confidence();
        trip.signals = j.signals();
        return j;
    }

    private void onSlmFailure(Trip trip, Throwable error) {
        Throwable e = mapSlmError(error);
        if (e instanceof RouterException) {
            fail(trip, e); // the caller's to fix (bad request) or to retry (overloaded): not the large model's job
            return;
        }
        trip.slmError = e;
        escalate(trip, EscalationReason.SLM_ERROR, "the SLM failed: " + e.getMessage(), null);
    }

    private static String timeoutDetail(SlmOutcome o) {
        int tokens = o.result() == null ? 0 : o.result().usage().completionTokens();
        return "no SLM answer within the deadline of " + o.deadlineMillis() + " ms; cancelled after " + tokens + " tokens";
    }

    /**
     * Generates on a local model: a slot of its in-flight bound, the engine's submit on a worker (it
     * renders and tokenizes the prompt and compiles any grammar: work that grows with the request, never
     * an event loop's), and a timer that cancels at the deadline. A cancelled subtask submits nothing.
     */
    private Future<SlmOutcome> generate(Trip trip, ModelSlot slot, GenerationRequest request) {
        if (trip.call.cancelled()) {
            return Future.failedFuture(new RouterException.Cancelled(trip.subtask.id()));
        }
        if (!slot.tryAcquire()) {
            return Future.failedFuture(rejected(slot.name, slot.overloaded()));
        }
        long deadlineMillis = trip.subtask.deadline().toMillis();
        // Model time starts when a worker hands the request to the engine: waiting for a worker is the router's.
        long[] began = new long[1];
        AtomicBoolean timedOut = new AtomicBoolean();
        return cpu.submit(() -> {
                    trip.call.checkNotCancelled();
                    began[0] = System.nanoTime();
                    Generation generation = slot.model.submit(request);
                    trip.call.started(generation);
                    return generation;
                })
                .compose(generation -> {
                    long remaining = Duration.between(Instant.now(), trip.subtask.expiresAt()).toMillis();
                    long timer;
                    if (remaining <= 0) {
                        timedOut.set(true);
                        generation.cancel();
                        timer = -1;
                    } else {
                        timer = vertx.setTimer(remaining, id -> {
                            timedOut.set(true);
                            generation.cancel();
                        });
                    }
                    return Future.fromCompletionStage(generation.result(), trip.ctx)
                            .andThen(ar -> vertx.cancelTimer(timer));
                })
                .compose(result -> trip.call.cancelled() && !timedOut.get()
                        ? Future.failedFuture(new RouterException.Cancelled(trip.subtask.id()))
                        : Future.succeededFuture(new SlmOutcome(result, timedOut.get() && result.finishReason() == FinishReason.CANCELLED,
                                deadlineMillis)))
                .recover(e -> {
                    Throwable mapped = mapSlmError(e);
                    if (mapped instanceof RouterException.Overloaded o) {
                        // the engine's own queue was full: same rejection, with this model's estimate
                        return Future.failedFuture(rejected(slot.name, new RouterException.Overloaded(o.getMessage(), slot.retryAfter())));
                    }
                    return Future.failedFuture(mapped);
                })
                .andThen(ar -> {
                    slot.release();
                    trip.modelNanos += began[0] == 0 ? 0 : System.nanoTime() - began[0];
                    if (ar.succeeded() && !ar.result().timedOut()) {
                        slot.observe(ar.result().result());
                    }
                });
    }

    private Throwable mapSlmError(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return switch (e) {
            case RouterException already -> already;
            case BoundedWorker.Full full -> new RouterException.Overloaded("the router's workers are busy (" + full.getMessage()
                    + "); retry shortly or raise classifier.queueCapacity", Duration.ofSeconds(1));
            case InferenceException.Overloaded busy -> new RouterException.Overloaded(busy.getMessage(), Duration.ofSeconds(1));
            case InferenceException.InvalidRequest bad -> new RouterException.InvalidRequest(bad.getMessage(), bad);
            default -> e;
        };
    }

    private RouterException.Overloaded rejected(String model, RouterException.Overloaded e) {
        metrics.rejected(model, "full");
        return e;
    }

    private void escalate(Trip trip, EscalationReason reason, String detail, GenerationResult slmAnswer) {
        if (trip.call.cancelled()) {
            fail(trip, new RouterException.Cancelled(trip.subtask.id()));
            return;
        }
        String target = trip.route != null && trip.route.escalateTo() != null ? trip.route.escalateTo() : config.escalation().defaultTarget();
        ChatModel model = target == null ? null : large.get(target);
        if (model == null) {
            fallback(trip, reason, detail, slmAnswer, "no large model configured");
            return;
        }
        GenerationRequest request = trip.slmRequest != null ? trip.slmRequest
                : trip.route != null ? slmRequest(trip.route, trip.subtask.request()) : trip.subtask.request();
        ChatRequest chat;
        try {
            chat = ChatTranslator.toChatRequest(request);
        } catch (RuntimeException e) {
            fallback(trip, reason, detail, slmAnswer, "the request cannot be sent to " + target + ": " + e.getMessage());
            return;
        }
        long t0 = System.nanoTime();
        escalations.submit(() -> {
            trip.call.checkNotCancelled();
            return model.chat(chat);
        }).onComplete(ar -> guard(trip, () -> {
            long elapsed = System.nanoTime() - t0;
            trip.modelNanos += elapsed;
            if (ar.succeeded()) {
                GenerationResult teacher = ChatTranslator.toGenerationResult(ar.result(), Duration.ofNanos(elapsed));
                finish(trip, teacher, slmAnswer, teacher, true, reason, detail, target, false);
            } else if (ar.cause() instanceof RouterException.Cancelled cancelled) {
                fail(trip, cancelled);
            } else if (ar.cause() instanceof BoundedWorker.Full) {
                fallback(trip, reason, detail, slmAnswer, "the escalation queue is full");
            } else {
                fallback(trip, reason, detail, slmAnswer, "large model " + target + " failed: " + ar.cause().getMessage());
            }
        }));
    }

    /** No large model answered: return the SLM's answer marked as a fallback, generating it first if no SLM ran. */
    private void fallback(Trip trip, EscalationReason reason, String detail, GenerationResult slmAnswer, String why) {
        String full = detail + "; " + why + ", so the SLM's answer is returned";
        if (slmAnswer != null) {
            finish(trip, slmAnswer, slmAnswer, null, false, reason, full, slotFor(trip).name, true);
            return;
        }
        if (trip.slmError != null) {
            fail(trip, new RouterException(detail + "; " + why, trip.slmError));
            return;
        }
        if (reason == EscalationReason.SLM_TIMEOUT) {
            fail(trip, new RouterException.DeadlineExceeded(detail + "; " + why + "; give the subtask a longer deadline"));
            return;
        }
        ModelSlot slot = slotFor(trip);
        GenerationRequest request = trip.route != null ? slmRequest(trip.route, trip.subtask.request()) : trip.subtask.request();
        trip.slmRequest = request;
        generate(trip, slot, request).onComplete(ar -> guard(trip, () -> {
            if (ar.failed()) {
                fail(trip, mapSlmError(ar.cause()));
            } else if (ar.result().result() == null) {
                fail(trip, new RouterException.DeadlineExceeded(full + ", but the deadline passed before it could start"));
            } else {
                String cut = ar.result().timedOut() ? "; the SLM's answer was cut at the deadline" : "";
                finish(trip, ar.result().result(), ar.result().result(), null, false, reason, full + cut, slot.name, true);
            }
        }));
    }

    /** Runs one step of a trip inside a future's callback, where a thrown exception would otherwise leave the caller waiting. */
    private void guard(Trip trip, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            fail(trip, e);
        }
    }

    private ModelSlot slotFor(Trip trip) {
        if (trip.direct != null) {
            return trip.direct;
        }
        return slotsByRef.get(trip.route != null ? trip.route.model() : config.defaultModel());
    }

    private void finish(Trip trip, GenerationResult answer, GenerationResult slm, GenerationResult teacher, boolean escalated,
                        EscalationReason reason, String detail, String model, boolean fallback) {
        Duration routerTime = Duration.ofNanos(Math.max(0, System.nanoTime() - trip.startNanos - trip.modelNanos));
        Duration latency = Duration.between(trip.subtask.createdAt(), Instant.now());
        ConfidenceSignals signals = slm == null ? null : trip.signals != null ? trip.signals
                : ConfidenceSignals.of(trip.slmRequest != null ? trip.slmRequest : trip.subtask.request(), slm, trip.classifierConfidence);
        double generation = slm == null ? Double.NaN
                : !Double.isNaN(trip.judgedConfidence) ? trip.judgedConfidence
                : trip.route != null && trip.route.confidence() != null ? trip.route.confidence().score(signals) : signals.combined();
        String full = trip.classification.isEmpty() ? detail : detail + "; " + trip.classification;
        RoutingDecision decision = new RoutingDecision(trip.subtask.id(), trip.route == null ? null : trip.route.name(),
                trip.classifierConfidence, generation, escalated, reason, model, fallback, full, signals);
        RoutedAnswer routed = new RoutedAnswer(trip.subtask, decision, answer, slm, teacher, latency, routerTime);
        metrics.request(trip.tag);
        metrics.latency(trip.tag, latency, routerTime);
        metrics.tokens(trip.tag, "slm", slm);
        metrics.tokens(trip.tag, "large", teacher);
        if (escalated) {
            metrics.escalated(trip.tag, reason);
        } else if (fallback) {
            metrics.fallback(trip.tag, reason);
        } else {
            metrics.handledBySlm(trip.tag);
        }
        vertx.eventBus().publish(ROUTED_ADDRESS, routed, RouterCodecs.local());
        trip.promise.tryComplete(routed);
    }

    private void fail(Trip trip, Throwable error) {
        Throwable e = mapSlmError(error);
        metrics.request(trip.tag);
        metrics.failed(trip.tag, e.getClass().getSimpleName());
        trip.promise.tryFail(e);
    }

    // ---- the SLM's request ----

    /**
     * The request as the route's SLM sees it: the route's system prompt unless the request has its
     * own, the request's tools (limited to the route's) or else the route's own, and the route's output
     * schema when the request asks for no format and no tools.
     */
    static GenerationRequest slmRequest(Route route, GenerationRequest request) {
        List<ChatMessage> messages = request.messages();
        boolean hasSystem = messages.stream().anyMatch(m -> m.role() == ChatMessage.Role.SYSTEM);
        if (!hasSystem && !route.systemPrompt().isBlank()) {
            List<ChatMessage> withSystem = new ArrayList<>();
            withSystem.add(ChatMessage.system(route.systemPrompt()));
            withSystem.addAll(messages);
            messages = withSystem;
        }
        List<ToolSpec> tools = request.tools();
        ToolChoice choice = request.toolChoice();
        if (!tools.isEmpty() && !route.toolNames().isEmpty()) {
            Set<String> allowed = new HashSet<>(route.toolNames());
            route.tools().forEach(t -> allowed.add(t.name()));
            tools = tools.stream().filter(t -> allowed.contains(t.name())).toList();
            if (tools.isEmpty() || (choice.mode() == ToolChoice.Mode.NAMED && !allowed.contains(choice.toolName()))) {
                choice = tools.isEmpty() ? ToolChoice.AUTO : ToolChoice.REQUIRED;
            }
        }
        ResponseFormat format = request.responseFormat();
        if (request.tools().isEmpty() && !route.tools().isEmpty() && format instanceof ResponseFormat.Text) {
            tools = route.tools();
        }
        if (tools.isEmpty() && format instanceof ResponseFormat.Text && route.outputSchema() != null) {
            format = ResponseFormat.jsonSchema(route.outputSchema());
        }
        return new GenerationRequest(messages, request.sampling(), tools, choice, request.parallelToolCalls(), format, request.listener());
    }

    /**
     * The text the classifier sees: the last user message with something readable in it, else everything
     * said. It may be empty (the classifier calls that out of scope).
     */
    public static String classificationText(GenerationRequest request) {
        List<ChatMessage> messages = request.messages();
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role() == ChatMessage.Role.USER && !Encoder.readable(messages.get(i).content()).isBlank()) {
                return clip(messages.get(i).content());
            }
        }
        // Joined only up to what the classifier reads: the cached path runs on an event loop.
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < messages.size() && all.length() <= CLIP; i++) {
            all.append(i == 0 ? "" : "\n").append(messages.get(i).content(), 0, Math.min(messages.get(i).content().length(), CLIP + 1));
        }
        return clip(all.toString());
    }

    // The encoder reads 256 word pieces at most; longer text only costs time.
    private static final int CLIP = 2000;

    private static String clip(String text) {
        return text.length() > CLIP ? text.substring(0, CLIP) : text;
    }

    @Override
    public void close() {
        cpu.close();
        escalations.close();
        large.close();
        slotsByRef.values().stream().filter(s -> s.owned).forEach(s -> s.model.close());
    }

    public static final class Builder {
        private final Vertx vertx;
        private RouterConfig config;
        private MeterRegistry registry;
        private EmbeddingModel embeddingModel;
        private ModelStore store;
        private final Map<String, ChatModel> largeModels = new LinkedHashMap<>();
        private final Map<String, LocalModel> localModels = new LinkedHashMap<>();

        private Builder(Vertx vertx) {
            this.vertx = vertx;
        }

        /** The routes and models; the embedded defaults when not set. */
        public Builder config(RouterConfig config) {
            this.config = config;
            return this;
        }

        /** A large model by name, used for routes that escalate to that name (it replaces a configured one of the same name). */
        public Builder largeModel(String name, ChatModel model) {
            largeModels.put(Objects.requireNonNull(name), Objects.requireNonNull(model));
            return this;
        }

        /** An already loaded local model for a model reference; the router borrows it and does not close it. */
        public Builder localModel(String ref, LocalModel model) {
            localModels.put(Objects.requireNonNull(ref), Objects.requireNonNull(model));
            return this;
        }

        /** Where the meters go; a private {@link SimpleMeterRegistry} when not set. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** The sentence encoder; all-MiniLM-L6-v2 (quantized, in-process) when not set. */
        public Builder embeddingModel(EmbeddingModel model) {
            this.embeddingModel = model;
            return this;
        }

        /** Where model references are resolved; {@link ModelStore#defaultStore()} when not set. */
        public Builder modelStore(ModelStore store) {
            this.store = store;
            return this;
        }

        /** Loads the models and the encoder (blocking: seconds). */
        public CascadeRouter build() {
            return new CascadeRouter(this);
        }
    }
}
