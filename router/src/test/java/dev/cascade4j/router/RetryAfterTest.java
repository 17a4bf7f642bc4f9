package dev.cascade4j.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.Timings;
import dev.cascade4j.inference.Usage;
import dev.cascade4j.router.config.LocalModelConfig;
import dev.cascade4j.router.config.RouterConfig;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Retry-After tells a rejected caller how long the work ahead of it takes: measured from the model's
 * service time, not from call times that already include waiting in its queue.
 */
class RetryAfterTest {
    static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Route examples need vectors, not meaning: these subtasks name their model and are never classified. */
    static final EmbeddingModel FLAT = new EmbeddingModel() {
        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            return Response.from(segments.stream().map(s -> Embedding.from(new float[] {1, s.text().length() % 7, 1})).toList());
        }
    };

    static GenerationResult served(double queuedMillis, double servedMillis) {
        return new GenerationResult("ok", List.of(), FinishReason.STOP, Confidence.NONE, new Usage(1, 0, 1, 0),
                new Timings(queuedMillis, servedMillis, 0));
    }

    @Test
    void theEstimateCountsServiceTimeNotWaitingAndIsCapped() {
        try (TimedFakeModel model = new TimedFakeModel(2, 1)) {
            ModelSlot slot = new ModelSlot("m", "m", model, false, 1000);
            for (int i = 0; i < 20; i++) {
                assertTrue(slot.tryAcquire());
            }
            // calls that waited 30 s each in the queue but were served in 400 ms: 20 ahead, 2 at a time
            for (int i = 0; i < 5; i++) {
                slot.observe(served(30_000, 400));
            }
            assertEquals(400, slot.serviceMillis(), 1e-9);
            assertEquals(Duration.ofSeconds(4), slot.retryAfter());
            slot.observe(new GenerationResult("", List.of(), FinishReason.CANCELLED, Confidence.NONE, new Usage(1, 0, 0, 0),
                    new Timings(50_000, 0, 0)));
            assertEquals(400, slot.serviceMillis(), 1e-9, "a cancelled call says nothing about service time");
            for (int i = 0; i < 980; i++) {
                assertTrue(slot.tryAcquire());
            }
            assertEquals(ModelSlot.MAX_RETRY_AFTER, slot.retryAfter(), "1000 ahead at 400 ms, 2 at a time, is capped");
        }
    }

    /**
     * A saturating burst on a model serving 2 at a time in 250 ms each: the model holds its maximum, the
     * next caller is rejected, retries each time a call finishes until it is let in, and its answer comes
     * when the work ahead has drained. Retry-After must be within 2x of that wait (it was 6-35x before).
     */
    @Test
    void retryAfterUnderSaturationIsWithinTwiceTheWaitARetriedRequestSees() throws Exception {
        int maxInFlight = 16;
        RouterConfig config = timedConfig(maxInFlight);
        try (TimedFakeModel model = new TimedFakeModel(2, 250);
             CascadeRouter router = CascadeRouter.builder(vertx).config(config).localModel(TIMED, model).embeddingModel(FLAT).build()) {
            await(router.route(ask()));
            await(router.route(ask()));

            // The burst is sent from one event loop, so the router sees it in order: the last one finds the model full.
            List<Future<RoutedAnswer>> ahead = new ArrayList<>();
            CompletableFuture<Future<RoutedAnswer>> last = new CompletableFuture<>();
            vertx.getOrCreateContext().runOnContext(v -> {
                for (int i = 0; i < maxInFlight; i++) {
                    ahead.add(router.route(ask()));
                }
                last.complete(router.route(ask()));
            });
            Throwable rejected = failure(last.get(30, TimeUnit.SECONDS));
            long rejectedAt = System.nanoTime();
            RouterException.Overloaded overloaded = assertInstanceOf(RouterException.Overloaded.class, rejected);
            Duration advertised = overloaded.retryAfter();

            // The rejected caller tries again whenever a call ahead of it finishes, until it is let in.
            CompletableFuture<RoutedAnswer> retried = new CompletableFuture<>();
            for (Future<RoutedAnswer> f : ahead) {
                f.onComplete(ar -> {
                    if (!retried.isDone()) {
                        router.route(ask()).onComplete(r -> {
                            if (r.succeeded()) {
                                retried.complete(r.result());
                            } else if (!(r.cause() instanceof RouterException.Overloaded)) {
                                retried.completeExceptionally(r.cause());
                            }
                        });
                    }
                });
            }
            retried.get(60, TimeUnit.SECONDS);
            long waitedMillis = (System.nanoTime() - rejectedAt) / 1_000_000;
            long advertisedMillis = advertised.toMillis();
            System.out.printf("Retry-After %d s; the retried request waited %d ms%n", advertised.toSeconds(), waitedMillis);
            assertTrue(advertisedMillis <= 2 * waitedMillis && waitedMillis <= 2 * advertisedMillis,
                    "Retry-After " + advertised.toSeconds() + " s, waited " + waitedMillis + " ms");
            for (Future<RoutedAnswer> f : ahead) {
                await(f);
            }
        }
    }

    static final String TIMED = "timed";

    /** The embedded routes on the fake model, with no large tier. */
    static RouterConfig timedConfig(int maxInFlight) {
        return RouterConfig.defaults().withSlm(TIMED).withoutLargeModels().toBuilder()
                .localModel(LocalModelConfig.of(TIMED).withMaxInFlight(maxInFlight)).build();
    }

    static Subtask ask() {
        return Subtask.of(GenerationRequest.builder().user("Say ok.").maxTokens(4).build()).withRouteHint(TIMED)
                .withDeadline(Duration.ofMinutes(2));
    }

    static <T> T await(Future<T> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        }
    }

    static Throwable failure(Future<?> f) throws Exception {
        try {
            f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a rejection");
    }
}
