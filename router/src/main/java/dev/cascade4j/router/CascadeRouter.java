package dev.cascade4j.router;

import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.source.ModelStore;
import dev.cascade4j.router.config.Route;
import dev.cascade4j.router.config.RouterConfig;
import dev.cascade4j.router.internal.RouteRequests;
import dev.cascade4j.router.internal.classify.Classification;
import dev.cascade4j.router.internal.classify.Encoder;
import dev.cascade4j.router.internal.classify.MiniLmEmbeddingModel;
import dev.cascade4j.router.internal.classify.RouteClassifier;
import dev.cascade4j.router.internal.classify.SecondOpinion;
import dev.cascade4j.router.internal.classify.ToolRanker;
import dev.cascade4j.router.internal.escalate.OutputJudge;
import dev.cascade4j.router.internal.metrics.RouterMetrics;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.embedding.EmbeddingModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The in-process router: it carries out what {@link RoutingPolicy} decides. For each subtask: place it
 * (the caller's hint, else the classifier: embedding on a bounded worker pool, cached), then carry out
 * plans until one ends it: generate on a local model ({@link LocalCalls}: a bounded number of subtasks
 * per model, a timer that cancels at the deadline), judge the answer ({@link OutputJudge}), ask the
 * large model ({@link LargeTier}), record the ending ({@link DecisionRecorder}). Every answer carries a
 * {@link RoutingDecision} that says why, and is published on {@link Router#ROUTED_ADDRESS}. Nothing
 * here blocks an event loop.
 *
 * <p>Build with {@link #builder(Vertx)}; {@code build()} loads the models and the encoder, so call it
 * off the event loop. {@link #close()} frees the models the router loaded.
 */
public final class CascadeRouter implements Router, AutoCloseable {
    private final Vertx vertx;
    private final RouterConfig config;
    private final RoutingPolicy policy;
    private final RouterMetrics metrics;
    private final ModelSlots slots;
    private final LargeTier large;
    private final RouteClassifier classifier;
    private final ToolRanker toolRanker;
    private final SecondOpinion secondOpinion;
    private final BoundedWorker cpu;
    private final LocalCalls local;
    private final OutputJudge judge = new OutputJudge();
    private final DecisionRecorder recorder;
    private final Cancellations underWay = new Cancellations();
    private final String nodeName;

    private CascadeRouter(Builder b) {
        this.vertx = Objects.requireNonNull(b.vertx, "vertx");
        this.nodeName = b.nodeName == null ? LocalNode.name() : b.nodeName;
        this.config = b.config == null ? RouterConfig.defaults() : b.config;
        this.metrics = new RouterMetrics(b.registry == null ? new SimpleMeterRegistry() : b.registry);
        RouterCodecs.register(vertx);
        ModelStore store = b.store == null ? ModelStore.defaultStore() : b.store;
        this.slots = new ModelSlots(config, b.localModels, store, metrics);
        LargeTier largeTier = null;
        try {
            largeTier = new LargeTier(vertx, config, b.largeModels, store);
            EmbeddingModel embedder = b.embeddingModel == null ? new MiniLmEmbeddingModel() : b.embeddingModel;
            Encoder encoder = new Encoder(embedder, config.classifier().embeddingCacheSize());
            this.classifier = new RouteClassifier(config.routes(), config.classifier(), encoder);
            this.toolRanker = new ToolRanker(encoder);
        } catch (RuntimeException e) {
            slots.close();
            if (largeTier != null) {
                largeTier.close();
            }
            throw e;
        }
        this.large = largeTier;
        this.policy = new RoutingPolicy(config);
        this.secondOpinion = config.classifier().secondOpinion() ? new SecondOpinion(config.routes()) : null;
        metrics.cache("embedding", classifier::embeddingCacheStats);
        metrics.cache("classification", classifier::cacheStats);
        this.cpu = new BoundedWorker(vertx, "cascade4j-router-cpu", config.classifier().workers(), config.classifier().queueCapacity());
        this.local = new LocalCalls(vertx, cpu, metrics);
        this.recorder = new DecisionRecorder(vertx, metrics, nodeName);
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
    public String nodeName() {
        return nodeName;
    }

    @Override
    public List<RouteInfo> routes() {
        return config.routes().stream().map(r -> new RouteInfo(r.name(), r.description(), r.model())).toList();
    }

    @Override
    public List<String> localModels() {
        return slots.names();
    }

    /** The local model behind a route or model name, for callers that need it directly (e.g. a benchmark); {@code null} when unknown. */
    public LocalModel localModel(String routeOrModel) {
        Route r = config.route(routeOrModel);
        ModelSlot s = r != null ? slots.byRef(r.model()) : slots.byName(routeOrModel);
        return s == null ? null : s.model;
    }

    @Override
    public Future<RoutedAnswer> route(Subtask subtask) {
        Objects.requireNonNull(subtask, "subtask");
        Context ctx = vertx.getOrCreateContext();
        Trip trip = new Trip(subtask, ctx, underWay.open(subtask.id()));
        Promise<RoutedAnswer> promise = Promise.promise();
        promise.future().onComplete(ar -> underWay.close(trip.call));
        ctx.runOnContext(v -> Future.succeededFuture(trip).compose(this::choose).onComplete(placed -> {
            if (placed.failed()) {
                fail(promise, "none", placed.cause());
                return;
            }
            Choice choice = placed.result();
            Future.succeededFuture(choice).compose(c -> run(trip, c, policy.first(subtask, c)))
                    .onSuccess(promise::tryComplete)
                    .onFailure(e -> fail(promise, choice.tag(), e));
        }));
        return promise.future();
    }

    @Override
    public void cancel(String subtaskId) {
        underWay.cancel(subtaskId);
    }

    // ---- the path of one subtask ----

    /** Places a subtask: where the caller's hint says, else where the classifier (and a second opinion) put it. */
    private Future<Choice> choose(Trip trip) {
        trip.call.checkNotCancelled();
        Choice hinted = policy.hinted(trip.subtask);
        if (hinted != null) {
            return Future.succeededFuture(hinted);
        }
        String text = RouteRequests.classificationText(trip.subtask.request());
        RequestShape shape = RequestShape.of(trip.subtask.request());
        Classification known = classifier.cached(text, shape);
        Future<Classification> classified = known != null ? Future.succeededFuture(known) : cpu.submit(() -> {
            trip.call.checkNotCancelled();
            return classifier.classifyUncached(text, shape);
        }).recover(e -> Future.failedFuture(e instanceof BoundedWorker.Full full
                ? local.rejected("classifier", new RouterException.Overloaded("the router's classifier is busy (" + full.getMessage()
                        + "); retry shortly or raise classifier.queueCapacity", Duration.ofSeconds(1)))
                : e));
        return classified.compose(c -> policy.wantsSecondOpinion(c) ? secondOpinion(trip, text, c) : Future.succeededFuture(c))
                .map(policy::classified);
    }

    private Future<Classification> secondOpinion(Trip trip, String text, Classification c) {
        ModelSlot slot = slots.byRef(config.classifier().secondOpinionModel());
        return local.generate(trip, slot, secondOpinion.request(text))
                .map(o -> o.result() == null || o.timedOut() ? c.withConfidence(c.confidence(), "second opinion timed out")
                        : secondOpinion.combine(c, o.result()));
    }

    /** Carries out a plan and the plans that follow from it, until one ends the subtask. */
    private Future<RoutedAnswer> run(Trip trip, Choice choice, Plan plan) {
        return switch (plan) {
            case Plan.ServeDirectly direct -> {
                Choice sent = choice.sending(trip.subtask.request());
                yield local.generate(trip, slots.byName(direct.model()), sent.sent())
                        .compose(o -> run(trip, sent, policy.servedDirectly(judged(sent, o))));
            }
            case Plan.TrySlm slm -> trySlm(trip, choice.sending(RouteRequests.forRoute(slm.route(), trip.subtask.request())));
            case Plan.GoLarge wanted -> {
                String target = policy.target(choice);
                yield large.ask(trip, target, shaped(trip, choice).sent()).compose(
                        teacher -> Future.succeededFuture(recorder.escalated(trip, choice, wanted, target, teacher)),
                        e -> e instanceof LargeTier.Unavailable why ? run(trip, choice, policy.withoutLarge(wanted, why.getMessage()))
                                : Future.failedFuture(e));
            }
            case Plan.Accept kept -> Future.succeededFuture(recorder.accepted(trip, choice, kept));
            case Plan.FallBack fallback when fallback.slm() != null -> Future.succeededFuture(recorder.fellBack(trip, choice, fallback));
            case Plan.FallBack fallback -> {
                Choice sent = shaped(trip, choice);
                yield local.generate(trip, slots.byRef(policy.fallbackModel(choice)), sent.sent())
                        .compose(o -> run(trip, sent, policy.fellBack(fallback, o)));
            }
            case Plan.Fail failure -> Future.failedFuture(failure.error());
        };
    }

    /** The route's SLM answers (its tools ranked first when the route asks), and the policy reads the judged answer. */
    private Future<RoutedAnswer> trySlm(Trip trip, Choice shaped) {
        return rankTools(trip, shaped).compose(
                ranked -> local.generate(trip, slots.byRef(ranked.route().model()), ranked.sent()).transform(ar -> ar.succeeded()
                        ? run(trip, ranked, policy.answered(ranked.route(), judged(ranked, ar.result())))
                        : run(trip, ranked, policy.slmFailed(LocalCalls.mapError(ar.cause())))),
                e -> run(trip, shaped, policy.slmFailed(LocalCalls.mapError(e))));
    }

    /** The choice with the request a model is sent: the SLM's when it ran, else the route's shape of the caller's. */
    private Choice shaped(Trip trip, Choice choice) {
        if (choice.sent() != null) {
            return choice;
        }
        GenerationRequest request = trip.subtask.request();
        return choice.sending(choice.route() != null ? RouteRequests.forRoute(choice.route(), request) : request);
    }

    /** The judge's verdict on an answer that came before the deadline; a cut or missing answer is not judged. */
    private SlmOutcome judged(Choice choice, SlmOutcome o) {
        return o.result() == null || o.timedOut() ? o : o.judged(judge.judgement(choice.route(), o.sent(), o.result(), choice.classifierConfidence()));
    }

    /** The SLM's request with its tools most relevant first, when the route asks for it (embeddings: on a worker). */
    private Future<Choice> rankTools(Trip trip, Choice choice) {
        GenerationRequest r = choice.sent();
        ToolChoice.Mode mode = r.toolChoice().mode();
        if (!choice.route().rankTools() || trip.subtask.keepToolOrder() || r.tools().size() < 2
                || mode == ToolChoice.Mode.NAMED || mode == ToolChoice.Mode.NONE) {
            return Future.succeededFuture(choice);
        }
        String text = RouteRequests.classificationText(trip.subtask.request());
        return cpu.submit(() -> toolRanker.rank(text, r.tools())).map(ranked -> {
            ToolRanker.Ranked first = ranked.getFirst();
            return choice.sending(RouteRequests.withTools(r, ranked.stream().map(ToolRanker.Ranked::tool).toList())).noting(String.format(
                    Locale.ROOT, "tools offered by relevance, %s first (%.2f)", first.tool().name(), first.similarity()));
        });
    }

    private void fail(Promise<RoutedAnswer> promise, String tag, Throwable error) {
        Throwable e = LocalCalls.mapError(error);
        recorder.failed(tag, e);
        promise.tryFail(e);
    }

    @Override
    public void close() {
        cpu.close();
        large.close();
        slots.close();
    }

    public static final class Builder {
        private final Vertx vertx;
        private RouterConfig config;
        private MeterRegistry registry;
        private EmbeddingModel embeddingModel;
        private ModelStore store;
        private String nodeName;
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

        /**
         * The name of this router's node, which its answers carry when their model ran in this JVM (in
         * the {@code x-cascade4j-node} header and the query log); the local host name when not set.
         */
        public Builder nodeName(String name) {
            this.nodeName = LocalNode.checked(name);
            return this;
        }

        /** Loads the models and the encoder (blocking: seconds). */
        public CascadeRouter build() {
            return new CascadeRouter(this);
        }
    }
}
