package dev.cascade4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cascade4j.cli.bench.ServeProcess;
import dev.cascade4j.router.cluster.ModelVerticle;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment docker-compose.yml describes ({@link ClusterTopology#DOCKER_COMPOSE}), as JVMs on
 * loopback: one node with http, router and log, two model nodes with SmolLM2 on one thread each.
 * Traffic spreads over both model nodes, survives one being killed (kill -9) and returns to it when it
 * restarts; with no model node left, a request gets a 503 that says so. Every request ends within its
 * deadline; every answer acknowledged is in the query log under the node that generated it; streamed
 * text reaches the client whole and in order.
 */
class ClusterTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    /** What a request may take beyond its deadline: the HTTP round trip and the router's own work. */
    private static final Duration SLACK = Duration.ofSeconds(5);
    private static final Duration START = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final List<ServeProcess> nodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger prompts = new AtomicInteger();
    /** Answers acknowledged with 200: subtask id to the node its header named. */
    private final Map<String, String> acknowledged = new HashMap<>();
    private int port;

    record Answer(int status, String node, String id, String retryAfter, Duration took, String body) {
    }

    record Streamed(String id, String text) {
    }

    @AfterEach
    void stopAll() {
        nodes.forEach(ServeProcess::close);
    }

    @Test
    void trafficSpreadsOverModelNodesAndMovesToTheSurvivor() throws Exception {
        assertEquals(List.of("http", "model-1", "model-2"), ClusterTopology.DOCKER_COMPOSE.names());
        Files.writeString(dir.resolve("router.yaml"), """
                defaultModel: smollm2-135m
                localModels:
                  - ref: smollm2-135m
                    name: smol
                    parallelSequences: 2
                    contextPerSequence: 4096
                routes:
                  - name: chat
                    model: smollm2-135m
                    minGenerationConfidence: 0
                    examples: [Say hello., Tell me a joke.]
                """);
        Files.writeString(dir.resolve("server.yaml"), "request-deadline: " + DEADLINE.toSeconds() + "s\ncache:\n  enabled: false\n");
        int[] hz = {freePort(), freePort(), freePort()};
        port = freePort();
        String members = "127.0.0.1:" + hz[0] + ",127.0.0.1:" + hz[1] + ",127.0.0.1:" + hz[2];
        ServeProcess model1 = node("model-1", hz[1], members, "--roles", "model", "--threads", "1");
        ServeProcess model2 = node("model-2", hz[2], members, "--roles", "model", "--threads", "1");
        ServeProcess front = node("http", hz[0], members, "--roles", "http,router,log", "--port", Integer.toString(port),
                "--config", dir.resolve("server.yaml").toString(), "--data-dir", dir.resolve("data").toString());
        model1.start();
        model2.start();
        front.start();
        model1.awaitLine("node model-1 serving models [smol]", START);
        model2.awaitLine("node model-2 serving models [smol]", START);
        front.awaitLine("serving routes [chat]", START);

        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20 && seen.size() < 2; i++) {
            Answer a = ask();
            assertEquals(200, a.status(), "before any failure");
            seen.add(a.node());
        }
        assertEquals(Set.of("model-1", "model-2"), seen, "traffic did not reach both model nodes");
        Streamed streamed = askStreamed();

        // a client that goes away mid-stream: the model node that was generating stops, well before the
        // subtask's deadline could have cancelled it
        abandonStream();
        awaitEither(model1, model2, "cancelled by its router node", Duration.ofSeconds(5));

        // requests in flight while model-1 dies: each ends within its deadline, answered or refused with Retry-After
        List<CompletableFuture<Answer>> inFlight = Stream.generate(() -> CompletableFuture.supplyAsync(this::askUnchecked)).limit(4).toList();
        model1.kill();
        for (CompletableFuture<Answer> f : inFlight) {
            checkEnded(f.join());
        }
        List<Answer> after = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            after.add(checkEnded(ask()));
        }
        for (Answer a : after.subList(4, 8)) {
            assertEquals(200, a.status(), "the survivor did not take the traffic: " + after);
            assertEquals("model-2", a.node());
        }

        model1.start();
        model1.awaitLine("node model-1 serving models [smol]", START);
        boolean back = false;
        for (int i = 0; i < 20 && !back; i++) {
            Answer a = ask();
            assertEquals(200, a.status(), "after model-1 rejoined");
            back = "model-1".equals(a.node());
        }
        assertTrue(back, "the restarted model-1 took no traffic in 20 requests");

        assertEquals("ready", readiness().path("status").asText());

        // no node holds the model: a 503 that says so, at once, and /ready says why
        model1.stop();
        model2.stop();
        Answer none = checkEnded(ask());
        assertEquals(503, none.status());
        assertTrue(none.body().contains("no node of the cluster serves model smol"), none.body());
        JsonNode ready = readiness();
        for (int i = 0; i < 50 && !"degraded".equals(ready.path("status").asText()); i++) {
            Thread.sleep(100); // the front pings its models every 2 s: wait for the next round
            ready = readiness();
        }
        assertEquals("degraded", ready.path("status").asText(), ready.toString());
        assertTrue(ready.path("reason").asText().contains("no node of the cluster serves model smol"), ready.toString());

        int exit = front.stop();
        assertTrue(exit == 0 || exit == 143, "the front node exited with " + exit + " on SIGTERM:\n" + front.log());
        Map<String, JsonNode> logged = logged(dir.resolve("data").resolve("queries"));
        for (var e : acknowledged.entrySet()) {
            JsonNode record = logged.get(e.getKey());
            assertNotNull(record, "answer " + e.getKey() + " acknowledged but not logged");
            assertEquals(e.getValue(), record.path("node").asText(), "answer " + e.getKey() + " logged under another node");
        }
        // the tokens streamed from the model node reached the client whole and in order
        assertEquals(logged.get(streamed.id()).path("slm_answer").path("text").asText(), streamed.text());
    }

    private ServeProcess node(String name, int clusterPort, String members, String... roleArgs) {
        List<String> args = new ArrayList<>(List.of("--cluster", "--cluster-host", "127.0.0.1", "--cluster-port", Integer.toString(clusterPort),
                "--cluster-members", members, "--node-name", name, "--router-config", dir.resolve("router.yaml").toString()));
        args.addAll(List.of(roleArgs));
        // model nodes say when a router node cancels one of their calls
        List<String> jvm = List.of("-Dorg.slf4j.simpleLogger.log." + ModelVerticle.class.getName() + "=debug");
        ServeProcess n = new ServeProcess(name, dir, jvm, args);
        nodes.add(n);
        return n;
    }

    /**
     * Starts a streamed answer that cannot end early and closes the connection after its first piece of
     * text. The schema makes the answer thousands of characters long whatever the model would say, so the
     * generation is still running when the client leaves; a raw socket makes the leaving a real TCP close.
     */
    private void abandonStream() throws IOException {
        var longText = JSON.createObjectNode().put("type", "string").put("minLength", 1500);
        var schema = JSON.createObjectNode().put("type", "object");
        schema.putObject("properties").setAll(Map.of("a", longText, "b", longText, "c", longText));
        schema.putArray("required").add("a").add("b").add("c");
        var body = JSON.createObjectNode().put("model", "chat").put("max_tokens", 3000).put("stream", true);
        body.putArray("messages").addObject().put("role", "user").put("content", "Write a very long story about the sea.");
        body.putObject("response_format").put("type", "json_schema").putObject("json_schema").put("name", "story").set("schema", schema);
        byte[] payload = body.toString().getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) DEADLINE.plus(SLACK).toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: "
                    + payload.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(payload);
            out.flush();
            var lines = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String status = lines.readLine();
            assertTrue(status != null && status.startsWith("HTTP/1.1 200"), "streamed request answered " + status);
            String line;
            do {
                line = lines.readLine();
            } while (line != null && !line.matches(".*\"content\":\"[^\"].*"));
            assertNotNull(line, "the stream ended before any text");
        }
    }

    private static void awaitEither(ServeProcess a, ServeProcess b, String text, Duration timeout) throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            if (a.log().contains(text) || b.log().contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no model node printed '" + text + "':\n" + a.log() + "\n" + b.log());
    }

    private JsonNode readiness() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private Answer askUnchecked() {
        try {
            return ask();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One chat completion; the client gives up only well past the server's deadline, so a hang shows as a failure. */
    private Answer ask() throws IOException, InterruptedException {
        String body = JSON.createObjectNode().put("model", "chat").put("max_tokens", 24)
                .set("messages", JSON.createArrayNode().add(JSON.createObjectNode().put("role", "user")
                        .put("content", "Say hello to visitor number " + prompts.incrementAndGet() + ".")))
                .toString();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .timeout(DEADLINE.plus(SLACK).multipliedBy(2)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long began = System.nanoTime();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        String node = r.headers().firstValue("x-cascade4j-node").orElse(null);
        String id = null;
        if (r.statusCode() == 200) {
            JsonNode json = JSON.readTree(r.body());
            id = json.path("id").asText().replaceFirst("^chatcmpl-", "");
            assertNotNull(node, "a 200 without x-cascade4j-node");
            assertEquals(node, json.path("cascade4j").path("node").asText(), "header and body name different nodes");
            synchronized (acknowledged) {
                acknowledged.put(id, node);
            }
        }
        return new Answer(r.statusCode(), node, id, r.headers().firstValue("retry-after").orElse(null), took, r.body());
    }

    /** A streamed chat completion: its subtask id and the text of its deltas, concatenated in arrival order. */
    private Streamed askStreamed() throws IOException, InterruptedException {
        String body = JSON.createObjectNode().put("model", "chat").put("max_tokens", 32).put("stream", true)
                .set("messages", JSON.createArrayNode().add(JSON.createObjectNode().put("role", "user").put("content", "Count to ten.")))
                .toString();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .timeout(DEADLINE.plus(SLACK)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<Stream<String>> r = http.send(request, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        StringBuilder text = new StringBuilder();
        String id = null;
        for (String line : (Iterable<String>) r.body()::iterator) {
            if (!line.startsWith("data: {")) {
                continue;
            }
            JsonNode chunk = JSON.readTree(line.substring("data: ".length()));
            id = chunk.path("id").asText().replaceFirst("^chatcmpl-", "");
            text.append(chunk.path("choices").path(0).path("delta").path("content").asText(""));
        }
        return new Streamed(id, text.toString());
    }

    private static Answer checkEnded(Answer a) {
        assertTrue(a.took().compareTo(DEADLINE.plus(SLACK)) <= 0, "a request took " + a.took() + ", past its deadline of " + DEADLINE);
        assertTrue(a.status() == 200 || a.status() == 503 && a.retryAfter() != null,
                "a request ended with " + a.status() + " (Retry-After " + a.retryAfter() + ")");
        return a;
    }

    /** The query log's records of routed subtasks, by id. */
    private static Map<String, JsonNode> logged(Path queries) throws IOException {
        Map<String, JsonNode> out = new HashMap<>();
        try (Stream<Path> files = Files.list(queries)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
                for (String line : Files.readAllLines(f)) {
                    JsonNode record = JSON.readTree(line);
                    if ("query".equals(record.path("type").asText())) {
                        out.put(record.path("id").asText(), record);
                    }
                }
            }
        }
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
