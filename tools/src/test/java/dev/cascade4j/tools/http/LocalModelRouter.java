package dev.cascade4j.tools.http;

import dev.cascade4j.inference.Generation;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.router.EscalationReason;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.Router;
import dev.cascade4j.router.RouterException;
import dev.cascade4j.router.RoutingDecision;
import dev.cascade4j.router.Subtask;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Router} that serves one real local model directly, for the server's tests until the
 * cascade router is merged: the hint must be the model's name or {@code auto}; the decision is filled
 * honestly (route = model, classifier confidence 1, the engine's generation confidence, never
 * escalated). Submission runs off the caller's thread, as a real router's dispatch does. It records
 * every generation it starts so tests can watch them end.
 */
final class LocalModelRouter implements Router {
    private final LocalModel model;
    private final String name;
    final BlockingQueue<CompletableFuture<GenerationResult>> started = new LinkedBlockingQueue<>();
    final AtomicInteger submitted = new AtomicInteger();

    LocalModelRouter(LocalModel model) {
        this.model = model;
        this.name = model.info().name();
    }

    @Override
    public Future<RoutedAnswer> route(Subtask subtask) {
        if (subtask.routeHint() != null && !subtask.routeHint().equals(name)) {
            return Future.failedFuture(new RouterException.UnknownRoute(subtask.routeHint(), List.of(name, Subtask.AUTO)));
        }
        Promise<RoutedAnswer> promise = Promise.promise();
        Thread.ofVirtual().start(() -> {
            Generation generation;
            try {
                generation = model.submit(subtask.request());
            } catch (RuntimeException e) {
                promise.fail(map(e));
                return;
            }
            submitted.incrementAndGet();
            started.add(generation.result());
            generation.result().whenComplete((result, error) -> {
                if (error != null) {
                    promise.fail(map(error));
                    return;
                }
                RoutingDecision decision = new RoutingDecision(subtask.id(), name, 1.0, result.confidence().score(), false,
                        EscalationReason.NONE, name, false, null);
                Duration latency = Duration.between(subtask.createdAt(), Instant.now());
                promise.complete(new RoutedAnswer(subtask, decision, result, result, null, latency, Duration.ZERO));
            });
        });
        return promise.future();
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
    public List<RouteInfo> routes() {
        return List.of();
    }

    @Override
    public List<String> localModels() {
        return List.of(name);
    }
}
