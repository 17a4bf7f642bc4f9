package dev.cascade4j.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A cancelled subtask gets nothing more done for it: its queued generation is dropped unserved, directly or over the event bus. */
class CancelTest {
    static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    static CascadeRouter router(TimedFakeModel model) {
        return CascadeRouter.builder(vertx).config(RetryAfterTest.timedConfig(16)).localModel(RetryAfterTest.TIMED, model)
                .embeddingModel(RetryAfterTest.FLAT).build();
    }

    static Subtask ask() {
        return RetryAfterTest.ask();
    }

    @Test
    void cancelledSubtasksWaitingForTheModelAreNeverServed() throws Exception {
        try (TimedFakeModel model = new TimedFakeModel(1, 2000); CascadeRouter router = router(model)) {
            assertCancelledUnserved(model, router, router);
        }
    }

    @Test
    void aCancelTravelsTheEventBusToTheRouterThatHoldsTheSubtask() throws Exception {
        try (TimedFakeModel model = new TimedFakeModel(1, 2000); CascadeRouter router = router(model)) {
            String deployment = RetryAfterTest.await(vertx.deployVerticle(RouterVerticle.serving(router)));
            try {
                EventBusRouter client = RetryAfterTest.await(EventBusRouter.connect(vertx));
                assertCancelledUnserved(model, client, router);
            } finally {
                RetryAfterTest.await(vertx.undeploy(deployment));
            }
        }
    }

    private static void assertCancelledUnserved(TimedFakeModel model, Router caller, CascadeRouter router) throws Exception {
        Future<RoutedAnswer> running = caller.route(ask());
        awaitCount(() -> model.served.get() == 1, "the first subtask is being served");
        List<Subtask> leaving = List.of(ask(), ask(), ask());
        List<Future<RoutedAnswer>> futures = new ArrayList<>();
        leaving.forEach(s -> futures.add(caller.route(s)));
        awaitCount(() -> model.submitted.get() == 4, "the other three wait in the model's queue");
        leaving.forEach(s -> caller.cancel(s.id()));
        for (Future<RoutedAnswer> f : futures) {
            try {
                f.toCompletionStage().toCompletableFuture().get(1500, TimeUnit.MILLISECONDS);
                throw new AssertionError("a cancelled subtask was answered");
            } catch (ExecutionException e) {
                assertInstanceOf(RouterException.Cancelled.class, e.getCause(), String.valueOf(e.getCause()));
            }
        }
        assertTrue(!running.isComplete(), "they ended while the model still served the first, not when it reached them");
        RetryAfterTest.await(running);
        RoutedAnswer after = RetryAfterTest.await(router.route(ask()));
        assertEquals("ok", after.answer().text());
        assertEquals(2, model.served.get(), "only the first and the last subtask were served");
        caller.cancel("no-such-subtask"); // ignored
    }

    private static void awaitCount(java.util.function.BooleanSupplier reached, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!reached.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
