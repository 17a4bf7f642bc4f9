package dev.cascade4j.router.cluster;

import dev.cascade4j.inference.Generation;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.ModelInfo;
import dev.cascade4j.inference.TokenListener;
import dev.cascade4j.router.RouterException;
import dev.cascade4j.router.internal.wire.ModelWire;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A model held by the model nodes of a clustered event bus (each running a {@link ModelVerticle} for
 * it), seen from a router node as a {@link LocalModel}: give it to {@code CascadeRouter.builder().localModel}
 * and the router routes to it as to a model in this JVM.
 *
 * <p>A call that no node accepts within the accept timeout, or whose node leaves the cluster before
 * it has streamed any text, is sent once more (the event bus picks the next node holding the model);
 * otherwise it fails with {@link RouterException.Unavailable}. When no node holds the model the call
 * fails at once, saying so. A cancelled call whose node does not confirm within the grace period ends
 * with what was streamed so far.
 */
public final class RemoteModel implements LocalModel {
    static final Duration RETRY_AFTER = Duration.ofSeconds(2);
    /** Header of a ping: a node holding the model answers it at once with its name. */
    static final String PING = "ping";

    final Vertx vertx;
    final String name;
    final Duration acceptTimeout;
    final Duration cancelGrace;
    final String replyTo = "cascade4j.calls." + UUID.randomUUID();
    private final ModelInfo info;
    private final Map<String, RemoteCall> calls = new ConcurrentHashMap<>();
    private final MessageConsumer<Buffer> events;

    private RemoteModel(Builder b) {
        this.vertx = b.vertx;
        this.name = b.name;
        this.acceptTimeout = b.acceptTimeout;
        this.cancelGrace = b.cancelGrace;
        this.info = new ModelInfo(name, null, "model " + name + " on the cluster's model nodes", "remote", 0, 0, 0, 0,
                b.contextPerSequence, b.parallelSequences, "remote");
        this.events = vertx.eventBus().consumer(replyTo, this::onEvent);
        b.departures.onNodeLeft(this::nodeLeft);
    }

    public static Builder builder(Vertx vertx, String name) {
        return new Builder(vertx, name);
    }

    /** Completes once this node can receive the answers of its calls. */
    public Future<Void> ready() {
        return events.completion();
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public Generation submit(GenerationRequest request) {
        RemoteCall call = new RemoteCall(this, request);
        call.send();
        return call;
    }

    /**
     * Asks one node holding the model for its name, without generating: succeeds when some node can take
     * calls now, fails (as a call would) when none holds the model or none answers within the accept timeout.
     */
    public Future<String> ping() {
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(acceptTimeout.toMillis()).addHeader(PING, "1");
        return vertx.eventBus().<JsonObject>request(ModelVerticle.address(name), Buffer.buffer(), options)
                .map(reply -> reply.body().getString("node"))
                .recover(e -> Future.failedFuture(refusal(e)));
    }

    /** Counting needs the model's vocabulary, which only the model nodes hold. */
    @Override
    public int countTokens(String text) {
        throw new InferenceException("model " + name + " runs on other nodes of the cluster: count its tokens there");
    }

    @Override
    public void close() {
        events.unregister();
        calls.values().forEach(c -> c.fail(new RouterException.Unavailable("the router closed model " + name, RETRY_AFTER)));
    }

    /** Sends one attempt of a call; its events are routed to {@code call} under {@code attemptId}. */
    void send(RemoteCall call, String attemptId) {
        calls.put(attemptId, call);
        boolean stream = call.request.listener() != TokenListener.NONE;
        Buffer body = ModelWire.encode(new ModelWire.Call(attemptId, replyTo, stream, call.request));
        events.completion()
                .compose(v -> vertx.eventBus().<JsonObject>request(ModelVerticle.address(name), body,
                        new DeliveryOptions().setSendTimeout(acceptTimeout.toMillis())))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        JsonObject a = ar.result().body();
                        call.accepted(attemptId, a.getString("node"), a.getString("nodeId"), a.getString("cancel"));
                    } else {
                        calls.remove(attemptId);
                        call.notAccepted(refusal(ar.cause()));
                    }
                });
    }

    void forget(String attemptId) {
        calls.remove(attemptId);
    }

    void cancelOn(String cancelAddress, String attemptId) {
        vertx.eventBus().send(cancelAddress, attemptId);
    }

    private void onEvent(Message<Buffer> msg) {
        ModelWire.Event event;
        try {
            event = ModelWire.decodeEvent(msg.body());
        } catch (IllegalArgumentException e) {
            System.getLogger(RemoteModel.class.getName()).log(System.Logger.Level.WARNING, "dropped a model event: " + e.getMessage());
            return;
        }
        RemoteCall call = calls.get(event.call());
        if (call != null) {
            call.on(event);
        }
    }

    private void nodeLeft(String nodeId) {
        calls.values().stream().distinct().filter(c -> nodeId.equals(c.nodeId()))
                .forEach(c -> c.retryOrFail("model node " + c.node() + " left the cluster"));
    }

    /**
     * Why no node took the call: a {@link Refusal} the call may retry past (timeout), or a failure to
     * report as it is (no node holds the model, a bad request, a full queue).
     */
    private RuntimeException refusal(Throwable cause) {
        if (!(cause instanceof ReplyException r)) {
            return new InferenceException("model " + name + " could not be called: " + cause.getMessage(), cause);
        }
        return switch (r.failureType()) {
            case NO_HANDLERS -> new RouterException.Unavailable("no node of the cluster serves model " + name
                    + " now; start one with: serve --cluster --roles model --models " + name, RETRY_AFTER);
            case TIMEOUT -> new Refusal("no node holding model " + name + " accepted the call within " + acceptTimeout.toMillis() + " ms");
            case RECIPIENT_FAILURE -> switch (r.failureCode()) {
                case 400 -> new InferenceException.InvalidRequest(r.getMessage());
                case 429 -> new InferenceException.Overloaded(r.getMessage());
                default -> new InferenceException("model " + name + " failed: " + r.getMessage());
            };
            case ERROR -> new Refusal("model " + name + " could not be reached: " + r.getMessage());
        };
    }

    /** A refusal worth one more attempt on another node. */
    static final class Refusal extends RuntimeException {
        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    public static final class Builder {
        private final Vertx vertx;
        private final String name;
        private int parallelSequences = 4;
        private int contextPerSequence = 4096;
        private Duration acceptTimeout = Duration.ofSeconds(5);
        private Duration cancelGrace = Duration.ofSeconds(2);
        private NodeDepartures departures = NodeDepartures.NONE;

        private Builder(Vertx vertx, String name) {
            this.vertx = Objects.requireNonNull(vertx, "vertx");
            this.name = Objects.requireNonNull(name, "name");
        }

        /** Calls the router lets run at once per node holding the model, as {@code parallelSequences} of a local one (default 4). */
        public Builder parallelSequences(int n) {
            this.parallelSequences = n;
            return this;
        }

        public Builder contextPerSequence(int n) {
            this.contextPerSequence = n;
            return this;
        }

        /** How long a node holding the model may take to accept a call before it is sent to another (default 5 s). */
        public Builder acceptTimeout(Duration d) {
            this.acceptTimeout = d;
            return this;
        }

        /** How long a cancelled call waits for its node to confirm before it ends on what was streamed (default 2 s). */
        public Builder cancelGrace(Duration d) {
            this.cancelGrace = d;
            return this;
        }

        /** Where this node learns of nodes leaving the cluster (default: nowhere, so a lost call ends at its deadline). */
        public Builder departures(NodeDepartures departures) {
            this.departures = Objects.requireNonNull(departures, "departures");
            return this;
        }

        public RemoteModel build() {
            return new RemoteModel(this);
        }
    }
}
