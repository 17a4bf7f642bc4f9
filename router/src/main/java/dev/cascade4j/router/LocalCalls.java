package dev.cascade4j.router;

import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.Generation;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.router.internal.metrics.RouterMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Calls a local model for a subtask: a slot of the model's in-flight bound, the engine's submit on a
 * worker (it renders and tokenizes the prompt and compiles any grammar: work that grows with the
 * request, never an event loop's), and a timer that cancels at the deadline. A cancelled subtask
 * submits nothing.
 */
final class LocalCalls {
    private final Vertx vertx;
    private final BoundedWorker cpu;
    private final RouterMetrics metrics;

    LocalCalls(Vertx vertx, BoundedWorker cpu, RouterMetrics metrics) {
        this.vertx = vertx;
        this.cpu = cpu;
        this.metrics = metrics;
    }

    Future<SlmOutcome> generate(Trip trip, ModelSlot slot, GenerationRequest request) {
        if (trip.call.cancelled()) {
            return Future.failedFuture(trip.cancelled());
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
                        ? Future.failedFuture(trip.cancelled())
                        : Future.succeededFuture(new SlmOutcome(slot.name, request, result,
                                timedOut.get() && result.finishReason() == FinishReason.CANCELLED, deadlineMillis, null)))
                .recover(e -> {
                    Throwable mapped = mapError(e);
                    if (mapped instanceof RouterException.Overloaded o) {
                        // the engine's own queue was full: same rejection, with this model's estimate
                        return Future.failedFuture(rejected(slot.name, new RouterException.Overloaded(o.getMessage(), slot.retryAfter())));
                    }
                    return Future.failedFuture(mapped);
                })
                .andThen(ar -> {
                    slot.release();
                    trip.modelTime(began[0] == 0 ? 0 : System.nanoTime() - began[0]);
                    if (ar.succeeded() && !ar.result().timedOut()) {
                        slot.observe(ar.result().result());
                    }
                });
    }

    /** A failure in the caller's terms: a full queue or a bad request is a {@link RouterException}. */
    static Throwable mapError(Throwable error) {
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

    /** Counts a rejection of work for {@code model} (a model, or the classifier) and returns it. */
    RouterException.Overloaded rejected(String model, RouterException.Overloaded e) {
        metrics.rejected(model, "full");
        return e;
    }
}
