package dev.cascade4j.router.cluster;

import dev.cascade4j.inference.Generation;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.router.internal.wire.ModelWire;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves one loaded model to the router nodes of a clustered event bus, at {@link #address(String)}.
 * Several nodes may serve the same model; the event bus spreads calls over them.
 *
 * <p>A ping (header {@code ping}) is answered at once with this node's name. A call is accepted by a reply naming this node and the address to cancel it at; the answer then
 * streams to the caller's address as numbered text events and ends with the result or an error. Events
 * leave from this verticle's context, one at a time, so that they reach the caller in order. Decoding a
 * call and handing it to the model run on a worker (their cost grows with the prompt), at most
 * {@code maxPending} at once; past that a call is refused as overloaded.
 */
public final class ModelVerticle extends VerticleBase {
    private static final String PREFIX = "cascade4j.model.";
    private static final System.Logger LOG = System.getLogger(ModelVerticle.class.getName());

    private final String name;
    private final LocalModel model;
    private final String nodeName;
    private final String nodeId;
    private final int maxPending;
    private final String cancelAddress = PREFIX + "cancel." + UUID.randomUUID();
    private final Map<String, Generation> running = new ConcurrentHashMap<>();
    private final AtomicInteger pending = new AtomicInteger();
    private MessageConsumer<Buffer> calls;
    private MessageConsumer<String> cancels;

    /**
     * @param name     the model's name in the router configuration, which router nodes call it by
     * @param nodeName this node's name, shown to operators in answers and the query log
     * @param nodeId   this node's id in the cluster, which router nodes watch to learn that it left
     */
    public ModelVerticle(String name, LocalModel model, String nodeName, String nodeId, int maxPending) {
        this.name = Objects.requireNonNull(name, "name");
        this.model = Objects.requireNonNull(model, "model");
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.maxPending = maxPending;
    }

    /** The event-bus address where the nodes holding {@code model} take calls for it. */
    public static String address(String model) {
        return PREFIX + model;
    }

    @Override
    public Future<?> start() {
        calls = vertx.eventBus().consumer(address(name), this::onCall);
        cancels = vertx.eventBus().consumer(cancelAddress, msg -> {
            Generation g = running.get(msg.body());
            if (g != null) {
                LOG.log(System.Logger.Level.DEBUG, () -> "call " + msg.body() + " to model " + name + " cancelled by its router node");
                g.cancel();
            }
        });
        return Future.all(calls.completion(), cancels.completion());
    }

    @Override
    public Future<?> stop() {
        running.values().forEach(Generation::cancel);
        return Future.all(calls.unregister(), cancels.unregister());
    }

    private void onCall(Message<Buffer> msg) {
        if (msg.headers().contains(RemoteModel.PING)) {
            msg.reply(new JsonObject().put("v", ModelWire.VERSION).put("node", nodeName));
            return;
        }
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            msg.fail(429, "model " + name + " on node " + nodeName + " has " + maxPending + " calls waiting to start; retry shortly");
            return;
        }
        Context events = context;
        vertx.executeBlocking(() -> begin(msg.body(), events), false)
                .andThen(ar -> pending.decrementAndGet())
                .onSuccess(callId -> msg.reply(new JsonObject().put("v", ModelWire.VERSION).put("node", nodeName)
                        .put("nodeId", nodeId).put("cancel", cancelAddress)))
                .onFailure(e -> msg.fail(failureCode(e), e.getMessage()));
    }

    /** Decodes the call and starts it on the model; returns the call's id. */
    private String begin(Buffer body, Context events) {
        AtomicInteger seq = new AtomicInteger();
        ModelWire.Call call = ModelWire.decodeCall(body, (id, replyTo) ->
                text -> send(events, replyTo, new ModelWire.Text(id, seq.getAndIncrement(), text)));
        Generation generation = model.submit(call.request());
        running.put(call.id(), generation);
        generation.result().whenComplete((result, error) -> {
            running.remove(call.id());
            send(events, call.replyTo(), error == null
                    ? new ModelWire.Result(call.id(), seq.get(), result.onNode(nodeName))
                    : new ModelWire.Error(call.id(), errorKind(error), unwrap(error).getMessage()));
        });
        return call.id();
    }

    private void send(Context events, String to, ModelWire.Event event) {
        events.runOnContext(v -> vertx.eventBus().send(to, ModelWire.encode(event)));
    }

    private static int failureCode(Throwable e) {
        return switch (errorKind(e)) {
            case "invalid" -> 400;
            case "overloaded" -> 429;
            default -> {
                LOG.log(System.Logger.Level.WARNING, "a call to a model failed to start", e);
                yield 500;
            }
        };
    }

    private static String errorKind(Throwable error) {
        return switch (unwrap(error)) {
            case InferenceException.InvalidRequest i -> "invalid";
            case IllegalArgumentException malformed -> "invalid";
            case InferenceException.Overloaded o -> "overloaded";
            default -> "failed";
        };
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
