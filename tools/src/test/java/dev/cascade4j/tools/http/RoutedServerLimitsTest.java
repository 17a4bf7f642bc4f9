package dev.cascade4j.tools.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.source.ModelStore;
import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.router.config.RouterConfig;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server in front of the real router (classifier, routes, SmolLM2 with one sequence, no large tier) under
 * requests that cost by their size or are abandoned: a conversation past max-messages is refused before
 * any work, a huge one is prepared off the event loop while /health keeps answering, and clients that
 * leave before their answer never have their prompts processed.
 */
class RoutedServerLimitsTest {
    static final String SMOLLM = "smollm2-135m";
    static Vertx vertx;
    static CountingModel model;
    static CascadeRouter router;
    static OpenAiServer strict;
    static OpenAiServer lenient;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        model = new CountingModel(LocalModel.load(ModelStore.defaultStore().resolve(SMOLLM),
                LocalModelOptions.defaults().withParallelSequences(1).withContextPerSequence(2048)));
        router = vertx.executeBlocking(() -> CascadeRouter.builder(vertx).config(RouterConfig.defaults().withSlm(SMOLLM).withoutLargeModels())
                .localModel(SMOLLM, model).build(), false).await(120, TimeUnit.SECONDS);
        ServerConfig base = ServerConfig.defaults().withPort(0).withDefaultMaxTokens(32);
        strict = start(base);
        lenient = start(base.withMaxMessages(50_000));
    }

    static OpenAiServer start(ServerConfig config) throws Exception {
        OpenAiServer server = OpenAiServer.builder().vertx(vertx).router(router).config(config).build();
        server.start().await(30, TimeUnit.SECONDS);
        return server;
    }

    @AfterAll
    static void stop() throws Exception {
        for (OpenAiServer s : new OpenAiServer[] {strict, lenient}) {
            if (s != null) {
                s.close();
            }
        }
        if (router != null) {
            router.close();
        }
        if (vertx != null) {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
        if (model != null) {
            model.close();
        }
    }

    /** The request of the report: 30,000 copies of {"role":"user","content":"x"} on model auto (0.9 MB). */
    static String thirtyThousandMessages() {
        StringBuilder sb = new StringBuilder("{\"model\":\"auto\",\"max_tokens\":8,\"messages\":[");
        for (int i = 0; i < 30_000; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":\"x\"}");
        }
        return sb.append("]}").toString();
    }

    @Test
    void aConversationPastMaxMessagesIsRefusedBeforeAnyWork() {
        int before = model.submitted.get();
        Http.Response r = new Http(strict.port(), null).post("/v1/chat/completions", thirtyThousandMessages());
        OpenAiServerTest.assertError(r, 400, "messages", "array_above_max_length", "at most 2048");
        assertEquals(before, model.submitted.get(), "the model never saw it");
    }

    @Test
    void healthAnswersWithinASecondWhileThirtyThousandMessagesArePrepared() throws Exception {
        int before = model.submitted.get();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + lenient.port();
        HttpRequest healthCheck = HttpRequest.newBuilder(URI.create(base + "/health")).timeout(Duration.ofSeconds(60)).GET().build();
        // What this machine gives /health with nothing else asked of the server (after a warm-up: the first calls
        // open the connection and compile the code): the yardstick in a failure's message.
        long idle = 0;
        for (int i = 0; i < 220; i++) {
            long t0 = System.nanoTime();
            client.send(healthCheck, HttpResponse.BodyHandlers.discarding());
            idle = i < 20 ? 0 : Math.max(idle, (System.nanoTime() - t0) / 1_000_000);
        }
        CompletableFuture<HttpResponse<String>> big = client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(thirtyThousandMessages())).build(), HttpResponse.BodyHandlers.ofString());
        List<Long> health = new ArrayList<>();
        while (!big.isDone()) {
            long t0 = System.nanoTime();
            HttpResponse<String> h = client.send(healthCheck, HttpResponse.BodyHandlers.ofString());
            health.add((System.nanoTime() - t0) / 1_000_000);
            assertEquals(200, h.statusCode());
        }
        HttpResponse<String> r = big.get();
        long slowest = health.stream().mapToLong(Long::longValue).max().orElse(0);
        System.out.printf("30,000 messages: %d /health calls during it, slowest %d ms (idle server: %d ms)%n", health.size(), slowest, idle);
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("context_length_exceeded"), r.body());
        assertEquals(before + 1, model.submitted.get(), "the conversation reached the model and was prepared");
        assertFalse(health.isEmpty(), "/health was asked while the request was processed");
        assertTrue(slowest < 1000, "slowest /health " + slowest + " ms (idle server: " + idle + " ms); all: " + health);
    }

    @Test
    void clientsThatLeaveBeforeTheirAnswerAreNeverPromptProcessed() throws Exception {
        int generationsBefore = model.generations.size();
        CompletableFuture<GenerationResult> running;
        try (RawRequest blocker = new RawRequest(strict.port(), router.localModels().getFirst(), true, 1500, "Write a very long story about a dragon.")) {
            blocker.awaitContent(3);
            running = model.generations.get(generationsBefore);
            int leaving = 6;
            List<RawRequest> abandoned = new ArrayList<>();
            for (int i = 0; i < leaving; i++) {
                abandoned.add(new RawRequest(strict.port(), "auto", false, 200, "Summarize this in one sentence: the council voted "
                        + "on Tuesday to expand the bike lane network by " + (40 + i) + " kilometres over two years."));
            }
            awaitCondition(() -> model.generations.size() == generationsBefore + 1 + leaving, "the abandoned requests reached the engine");
            for (RawRequest r : abandoned) {
                r.close();
            }
            for (int i = 1; i <= leaving; i++) {
                GenerationResult dropped = model.generations.get(generationsBefore + i).get(30, TimeUnit.SECONDS);
                assertEquals(FinishReason.CANCELLED, dropped.finishReason());
                assertEquals(0, dropped.usage().completionTokens());
                assertEquals(0, dropped.timings().promptMillis(), "its prompt was never processed");
            }
            assertFalse(running.isDone(), "they were dropped while the model was still busy, not when it got to them");
        }
        assertEquals(FinishReason.CANCELLED, running.get(30, TimeUnit.SECONDS).finishReason(), "the story's client left too");
        ObjectNode next = Http.JSON.createObjectNode().put("model", "auto").put("max_tokens", 8);
        next.putArray("messages").addObject().put("role", "user").put("content", "Say yes.");
        long t0 = System.nanoTime();
        Http.Response r = new Http(strict.port(), null).post("/v1/chat/completions", next);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(200, r.status(), r.body());
        GenerationResult followUp = model.generations.getLast().get(30, TimeUnit.SECONDS);
        System.out.printf("the request after 6 abandoned ones was answered in %d ms, %.0f ms of it waiting for the model%n",
                millis, followUp.timings().queuedMillis());
        assertTrue(followUp.timings().queuedMillis() < 1000, "it waited behind nothing: " + followUp.timings());
        assertTrue(millis < 30_000, "served in " + millis + " ms");
    }

    static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    /** A chat completion on its own socket, so the test can walk away from it. */
    static final class RawRequest implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;

        RawRequest(int port, String model, boolean stream, int maxTokens, String content) throws Exception {
            ObjectNode body = Http.JSON.createObjectNode().put("model", model).put("max_tokens", maxTokens).put("stream", stream);
            body.putArray("messages").addObject().put("role", "user").put("content", content);
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        void awaitContent(int n) throws Exception {
            int seen = 0;
            StringBuilder received = new StringBuilder();
            String line;
            while (seen < n && (line = in.readLine()) != null) {
                received.append(line).append('\n');
                if (line.startsWith("data: ") && line.contains("\"content\":\"") && !line.contains("\"role\"")) {
                    seen++;
                }
            }
            assertEquals(n, seen, "the stream ended early: " + received);
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }
}
