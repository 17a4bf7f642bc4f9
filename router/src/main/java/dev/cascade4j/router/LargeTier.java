package dev.cascade4j.router;

import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.internal.langchain4j.ChatTranslator;
import dev.cascade4j.inference.source.ModelStore;
import dev.cascade4j.router.config.Route;
import dev.cascade4j.router.config.RouterConfig;
import dev.cascade4j.router.internal.escalate.LargeModels;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Asks the large models a router escalates to, on a bounded worker pool (a langchain4j call blocks). */
final class LargeTier implements AutoCloseable {
    private final LargeModels models;
    private final BoundedWorker workers;

    /** The large model did not answer; the message says why, in the words of a decision's detail. */
    static final class Unavailable extends RuntimeException {
        Unavailable(String why) {
            super(why, null, false, false);
        }
    }

    /** Builds the configured large models not supplied (loading local ones: blocking) and checks every route's target exists. */
    LargeTier(Vertx vertx, RouterConfig config, Map<String, ChatModel> supplied, ModelStore store) {
        this.models = LargeModels.create(config.largeModels(), supplied, store);
        try {
            checkTargets(config);
        } catch (RuntimeException e) {
            models.close();
            throw e;
        }
        this.workers = new BoundedWorker(vertx, "cascade4j-router-escalation", config.escalation().workers(),
                config.escalation().queueCapacity());
    }

    private void checkTargets(RouterConfig config) {
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

    /**
     * The answer of the large model {@code target} (its time counts as the trip's model time). Fails
     * with {@link Unavailable} when there is no such model, the request cannot be sent to it, the queue
     * is full or the model failed, and with {@link RouterException.Cancelled} when the caller left.
     */
    Future<GenerationResult> ask(Trip trip, String target, GenerationRequest request) {
        if (trip.call.cancelled()) {
            return Future.failedFuture(trip.cancelled());
        }
        ChatModel model = target == null ? null : models.get(target);
        if (model == null) {
            return Future.failedFuture(new Unavailable("no large model configured"));
        }
        ChatRequest chat;
        try {
            chat = ChatTranslator.toChatRequest(request);
        } catch (RuntimeException e) {
            return Future.failedFuture(new Unavailable("the request cannot be sent to " + target + ": " + e.getMessage()));
        }
        long t0 = System.nanoTime();
        return workers.submit(() -> {
            trip.call.checkNotCancelled();
            return model.chat(chat);
        }).transform(ar -> {
            long elapsed = System.nanoTime() - t0;
            trip.modelTime(elapsed);
            if (ar.succeeded()) {
                return Future.succeededFuture(ChatTranslator.toGenerationResult(ar.result(), Duration.ofNanos(elapsed)));
            }
            return Future.failedFuture(switch (ar.cause()) {
                case RouterException.Cancelled cancelled -> cancelled;
                case BoundedWorker.Full full -> new Unavailable("the escalation queue is full");
                case Throwable other -> new Unavailable("large model " + target + " failed: " + other.getMessage());
            });
        });
    }

    @Override
    public void close() {
        workers.close();
        models.close();
    }
}
