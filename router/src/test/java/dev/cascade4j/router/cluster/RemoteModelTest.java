package dev.cascade4j.router.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.Generation;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.router.RouterException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The call protocol between a router node's {@link RemoteModel} and a model node's {@link ModelVerticle},
 * on one Vert.x: every message goes through the wire form, so what is tested here is what crosses
 * between JVMs; only the cluster's transport is left out (the multi-JVM tests of the command line cover it).
 */
class RemoteModelTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    private void serve(String model, StreamingFake fake, String node) {
        vertx.deployVerticle(new ModelVerticle(model, fake, node, node + "-id", 8)).await();
    }

    private RemoteModel remote(String model) {
        RemoteModel m = RemoteModel.builder(vertx, model).acceptTimeout(Duration.ofMillis(300)).cancelGrace(Duration.ofMillis(200)).build();
        m.ready().await();
        return m;
    }

    private static GenerationRequest streamed(List<String> into) {
        return GenerationRequest.builder().user("hi").listener(into::add).build();
    }

    private static GenerationResult await(Generation g) throws Exception {
        return g.result().get(10, TimeUnit.SECONDS);
    }

    private static Throwable failure(Generation g) {
        CompletionException e = assertThrows(CompletionException.class, () -> g.result().orTimeout(10, TimeUnit.SECONDS).join());
        return e.getCause();
    }

    @Test
    void textStreamsInOrderAndTheResultNamesTheNode() throws Exception {
        String[] pieces = new String[50];
        for (int i = 0; i < pieces.length; i++) {
            pieces[i] = i + " ";
        }
        serve("m", StreamingFake.answering(pieces), "model-1");
        List<String> got = new CopyOnWriteArrayList<>();
        GenerationResult r = await(remote("m").submit(streamed(got)));
        assertEquals(List.of(pieces), got);
        assertEquals(String.join("", pieces), r.text());
        assertEquals("model-1", r.node());
        assertEquals(FinishReason.STOP, r.finishReason());
        assertEquals(0.9, r.confidence().score());
        assertEquals(7, r.usage().promptTokens());
    }

    @Test
    void anUnstreamedCallGetsOnlyTheResult() throws Exception {
        serve("m", StreamingFake.answering("a", "b"), "model-1");
        GenerationResult r = await(remote("m").submit(GenerationRequest.builder().user("hi").build()));
        assertEquals("ab", r.text());
    }

    @Test
    void aBadRequestAndAFullQueueKeepTheirMeaning() {
        serve("bad", StreamingFake.refusing(new InferenceException.InvalidRequest("prompt of 9000 tokens; the context holds 2048")), "n");
        serve("busy", StreamingFake.refusing(new InferenceException.Overloaded("queue full")), "n");
        Throwable bad = failure(remote("bad").submit(GenerationRequest.builder().user("x").build()));
        assertInstanceOf(InferenceException.InvalidRequest.class, bad);
        assertTrue(bad.getMessage().contains("context holds 2048"), bad.getMessage());
        assertInstanceOf(InferenceException.Overloaded.class, failure(remote("busy").submit(GenerationRequest.builder().user("x").build())));
    }

    @Test
    void noNodeHoldingTheModelIsUnavailableAndSaysWhich() {
        Throwable e = failure(remote("nowhere").submit(GenerationRequest.builder().user("x").build()));
        assertInstanceOf(RouterException.Unavailable.class, e);
        assertTrue(e.getMessage().contains("no node of the cluster serves model nowhere"), e.getMessage());
    }

    @Test
    void aPingNamesANodeHoldingTheModelOrSaysThereIsNone() {
        StreamingFake fake = StreamingFake.answering("unused");
        serve("m", fake, "model-1");
        assertEquals("model-1", remote("m").ping().await());
        assertEquals(0, fake.calls.get(), "a ping reached the model");
        Throwable e = assertThrows(RouterException.Unavailable.class, () -> remote("gone").ping().await());
        assertTrue(e.getMessage().contains("no node of the cluster serves model gone"), e.getMessage());
    }

    @Test
    void aCallNoNodeAcceptsIsSentOnceMoreThenFails() {
        AtomicInteger received = new AtomicInteger();
        vertx.eventBus().<Buffer>consumer(ModelVerticle.address("silent"), msg -> received.incrementAndGet()).completion().await();
        Throwable e = failure(remote("silent").submit(GenerationRequest.builder().user("x").build()));
        assertInstanceOf(RouterException.Unavailable.class, e);
        assertEquals(2, received.get());
        assertTrue(((RouterException.Unavailable) e).retryAfter().toSeconds() >= 1);
    }

    @Test
    void aCallTheFirstNodeDoesNotAcceptIsServedByAnother() throws Exception {
        AtomicInteger silent = new AtomicInteger();
        vertx.eventBus().<Buffer>consumer(ModelVerticle.address("m"), msg -> silent.incrementAndGet()).completion().await();
        serve("m", StreamingFake.answering("ok"), "model-2");
        RemoteModel m = remote("m");
        for (int i = 0; i < 2; i++) {
            assertEquals("model-2", await(m.submit(GenerationRequest.builder().user("x").build())).node());
        }
        assertTrue(silent.get() >= 1, "the silent node was never tried");
    }

    @Test
    void aCancelledCallEndsWithWhatWasStreamed() throws Exception {
        serve("m", StreamingFake.holding(StreamingFake.Ending.HOLD_UNTIL_CANCELLED, "partial"), "model-1");
        List<String> got = new CopyOnWriteArrayList<>();
        Generation g = remote("m").submit(streamed(got));
        waitFor(() -> !got.isEmpty());
        g.cancel();
        GenerationResult r = await(g);
        assertEquals(FinishReason.CANCELLED, r.finishReason());
        assertEquals("partial", r.text());
        assertEquals("model-1", r.node());
    }

    @Test
    void aCancelledCallWhoseNodeNeverConfirmsEndsAfterTheGrace() throws Exception {
        serve("m", StreamingFake.holding(StreamingFake.Ending.HOLD_FOREVER, "cut"), "model-1");
        List<String> got = new CopyOnWriteArrayList<>();
        Generation g = remote("m").submit(streamed(got));
        waitFor(() -> !got.isEmpty());
        g.cancel();
        GenerationResult r = await(g);
        assertEquals(FinishReason.CANCELLED, r.finishReason());
        assertEquals("cut", r.text());
    }

    @Test
    void aCallWhoseNodeLeavesAfterStreamingFailsAtOnce() throws Exception {
        serve("m", StreamingFake.holding(StreamingFake.Ending.HOLD_FOREVER, "half"), "model-1");
        AtomicReference<Consumer<String>> departures = new AtomicReference<>();
        RemoteModel m = RemoteModel.builder(vertx, "m").departures(departures::set).build();
        m.ready().await();
        List<String> got = new CopyOnWriteArrayList<>();
        Generation g = m.submit(streamed(got));
        waitFor(() -> !got.isEmpty() && "model-1".equals(((RemoteCall) g).node()));
        departures.get().accept("some-other-node");
        assertNull(g.result().getNow(null), "a call failed when an unrelated node left");
        departures.get().accept("model-1-id");
        Throwable e = failure(g);
        assertInstanceOf(RouterException.Unavailable.class, e);
        assertTrue(e.getMessage().contains("model node model-1 left the cluster"), e.getMessage());
    }

    /** Polls a condition the test waits on (not a timing assumption: it fails after 10 s). */
    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("condition not met in 10 s");
            }
            Thread.sleep(10);
        }
    }
}
