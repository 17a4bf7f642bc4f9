package dev.cascade4j.router;

import dev.cascade4j.inference.Generation;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.LocalModel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * A {@link Router} with one local model and no routes: every subtask (hint {@code auto} or the
 * model's name) goes to that model, nothing escalates, and the decision says so (route = model,
 * classifier confidence 1, the engine's generation confidence). For serving one model without a
 * cascade, and for measuring the layers above the router (the HTTP benchmark). Submission runs on a
 * virtual thread, since formatting the prompt and compiling a grammar are CPU work that must stay off
 * event loops.
 */
public final class SingleModelRouter implements Router {
    private final LocalModel model;
    private final String name;
    private final Consumer<Generation> onStart;
    private final String nodeName;
    private final Cancellations underWay = new Cancellations();

    public SingleModelRouter(LocalModel model) {
        this(model, g -> { });
    }

    /** With {@code onStart} called for every generation the router starts (to watch or cancel it). */
    public SingleModelRouter(LocalModel model, Consumer<Generation> onStart) {
        this(model, LocalNode.name(), onStart);
    }

    /** On the node named {@code nodeName} (the local host name in the other constructors), which its answers carry. */
    public SingleModelRouter(LocalModel model, String nodeName, Consumer<Generation> onStart) {
        this.model = model;
        this.name = model.info().name();
        this.nodeName = LocalNode.checked(nodeName);
        this.onStart = onStart;
    }

    @Override
    public Future<RoutedAnswer> route(Subtask subtask) {
        if (subtask.routeHint() != null && !subtask.routeHint().equals(name)) {
            return Future.failedFuture(new RouterException.UnknownRoute(subtask.routeHint(), List.of(name, Subtask.AUTO)));
        }
        Promise<RoutedAnswer> promise = Promise.promise();
        Cancellations.Call call = underWay.open(subtask.id());
        promise.future().onComplete(ar -> underWay.close(call));
        Thread.ofVirtual().name("cascade4j-submit").start(() -> {
            Generation generation;
            try {
                call.checkNotCancelled();
                generation = model.submit(subtask.request());
            } catch (RuntimeException e) {
                promise.fail(map(e));
                return;
            }
            onStart.accept(generation);
            call.started(generation);
            generation.result().whenComplete((generated, error) -> {
                if (error != null) {
                    promise.fail(map(error));
                    return;
                }
                GenerationResult result = generated.node() != null ? generated : generated.onNode(nodeName);
                RoutingDecision decision = new RoutingDecision(subtask.id(), name, 1.0, result.confidence().score(), false,
                        EscalationReason.NONE, name, false, null);
                promise.complete(new RoutedAnswer(subtask, decision, result, result, null,
                        Duration.between(subtask.createdAt(), Instant.now()), Duration.ZERO));
            });
        });
        return promise.future();
    }

    @Override
    public void cancel(String subtaskId) {
        underWay.cancel(subtaskId);
    }

    private static RuntimeException map(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return switch (e) {
            case InferenceException.Overloaded busy -> new RouterException.Overloaded(busy.getMessage(), Duration.ofSeconds(1));
            case InferenceException.InvalidRequest invalid -> new RouterException.InvalidRequest(invalid.getMessage(), invalid);
            case RuntimeException r -> r;
            default -> new RouterException(e.getMessage(), e);
        };
    }

    @Override
    public String nodeName() {
        return nodeName;
    }

    @Override
    public List<RouteInfo> routes() {
        return List.of();
    }

    @Override
    public List<String> localModels() {
        return List.of(name);
    }
}
