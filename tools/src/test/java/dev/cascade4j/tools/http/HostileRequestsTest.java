package dev.cascade4j.tools.http;

import static dev.cascade4j.tools.http.Http.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.source.ModelStore;
import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.router.Router;
import dev.cascade4j.router.config.RouterConfig;
import dev.cascade4j.tools.ToolRegistry;
import dev.langchain4j.agent.tool.Tool;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
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
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server under hostile input, on a real SmolLM2: the committed corpus
 * ({@code hostile/corpus.jsonl}, made by {@code scripts/generate_hostile_corpus.py}) gets no 5xx, an
 * OpenAI-shaped error on every 4xx, no internals in any message, and /health stays fast throughout;
 * client schemas never make the server fetch or open anything; and the protocol edge cases (a bad
 * chunk size, streaming over HTTP/1.0) get an answer the client can read.
 */
class HostileRequestsTest {
    static final Pattern CLASS_NAME = Pattern.compile("\\b(java|javax|com|io|dev|org|sun|jdk)\\.[a-z]+\\.[A-Za-z.]+");
    static final List<String> INTERNALS = List.of("Exception", "/tmp/", "/root", "/home", ".java", "Feature", "`", "\tat ");
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static LocalModel model;
    static final String SMOLLM = "smollm2-135m";
    static String modelName;
    static CascadeRouter router;
    static Vertx vertx;
    static OpenAiServer server;
    static HttpServer schemaHost;
    static final AtomicInteger schemaHits = new AtomicInteger();
    static String schemaUrl;

    static final class ServiceTools {
        @Tool("Adds two integers")
        long add(long a, long b) {
            return a + b;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        // Anything a schema makes the server fetch lands here and is counted; it answers slowly, as the attack did.
        schemaHost = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        schemaHost.createContext("/", exchange -> {
            schemaHits.incrementAndGet();
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"type\":\"string\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        schemaHost.start();
        schemaUrl = "http://127.0.0.1:" + schemaHost.getAddress().getPort();

        model = LocalModel.load(ModelStore.defaultStore().resolve(SMOLLM),
                LocalModelOptions.defaults().withParallelSequences(2).withContextPerSequence(2048));
        vertx = Vertx.vertx();
        // The cascade router, so that "auto" is classified: blank and odd texts reach the encoder.
        router = CascadeRouter.builder(vertx).config(RouterConfig.defaults().withSlm(SMOLLM).withoutLargeModels())
                .localModel(SMOLLM, model).build();
        modelName = router.localModels().getFirst();
        server = OpenAiServer.builder().vertx(vertx).router(router)
                .tools(ToolRegistry.builder().annotated(new ServiceTools()).build())
                .config(ServerConfig.defaults().withPort(0).withDefaultMaxTokens(16)).build();
        server.start().await(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
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
        if (schemaHost != null) {
            schemaHost.stop(0);
        }
    }

    record Answer(int status, String contentType, String body) {
        JsonNode json() {
            return Http.parse(body);
        }
    }

    static Answer send(String method, String path, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body());
        } catch (Exception e) {
            throw new AssertionError(method + " " + path + " got no answer: " + e, e);
        }
    }

    static Answer post(String body) {
        return send("POST", "/v1/chat/completions", body.getBytes(StandardCharsets.UTF_8));
    }

    /** What is wrong with an answer to a hostile request, or {@code null} when it is as it must be. */
    static String problem(Answer a) {
        if (a.status() >= 500) {
            return "status " + a.status() + ": " + a.body();
        }
        if (a.status() < 400) {
            return null;
        }
        if (!a.contentType().startsWith("application/json")) {
            return "a " + a.status() + " that is not JSON: " + a.contentType();
        }
        JsonNode error;
        try {
            error = a.json().get("error");
        } catch (AssertionError e) {
            return "a " + a.status() + " whose body is not JSON: " + a.body();
        }
        if (error == null || !error.isObject() || !error.path("message").isTextual() || error.path("message").asText().isBlank()
                || !error.path("type").isTextual() || !error.has("param") || !error.has("code") || error.size() != 4) {
            return "not an OpenAI error body: " + a.body();
        }
        String message = error.get("message").asText();
        if (CLASS_NAME.matcher(message).find()) {
            return "a class name in: " + message;
        }
        for (String internal : INTERNALS) {
            if (message.contains(internal)) {
                return "'" + internal + "' in: " + message;
            }
        }
        return null;
    }

    @Test
    void theCorpusGetsNoServerErrorAndNoInternalsWhileHealthStaysFast() throws Exception {
        List<String> lines = new ArrayList<>();
        try (InputStream in = HostileRequestsTest.class.getResourceAsStream("/hostile/corpus.jsonl");
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            reader.lines().filter(l -> !l.isBlank()).forEach(lines::add);
        }
        assertTrue(lines.size() >= 200, "the corpus holds " + lines.size() + " requests");

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong slowestHealthNanos = new AtomicLong();
        Thread prober = Thread.ofPlatform().daemon().start(() -> {
            while (running.get()) {
                slowestHealthNanos.accumulateAndGet(healthNanos(), Math::max);
                sleep(50);
            }
        });
        int before = schemaHits.get();
        List<String> failures = new ArrayList<>();
        java.util.Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        try {
            for (String line : lines) {
                JsonNode entry = JSON.readTree(line);
                String name = entry.get("name").asText();
                byte[] body = null;
                if (entry.has("body")) {
                    body = entry.get("body").asText().replace("{{MODEL}}", modelName).replace("{{SCHEMA_URL}}", schemaUrl)
                            .getBytes(StandardCharsets.UTF_8);
                } else if (entry.has("body_base64")) {
                    body = Base64.getDecoder().decode(entry.get("body_base64").asText());
                }
                Answer a = send(entry.path("method").asText("POST"), entry.path("path").asText("/v1/chat/completions"), body);
                String problem = problem(a);
                statuses.merge(a.status(), 1, Integer::sum);
                if (Boolean.getBoolean("hostile.print")) {
                    System.out.println(name + " -> " + a.status() + " " + cut(a.body()));
                }
                if (problem == null && entry.has("status") && entry.get("status").asInt() != a.status()) {
                    problem = "expected " + entry.get("status").asInt() + ", got " + a.status() + ": " + cut(a.body());
                }
                if (problem == null && entry.has("code") && !entry.get("code").asText().equals(a.json().at("/error/code").asText())) {
                    problem = "expected code " + entry.get("code").asText() + ": " + cut(a.body());
                }
                if (problem != null) {
                    failures.add(name + ": " + problem);
                }
                long health = healthNanos();
                if (health > TimeUnit.SECONDS.toNanos(1)) {
                    failures.add(name + ": /health took " + health / 1_000_000 + " ms after it");
                }
            }
        } finally {
            running.set(false);
            prober.join();
        }
        System.out.println("hostile corpus: " + lines.size() + " requests, answered by status " + statuses);
        assertEquals(List.of(), failures, failures.size() + " of " + lines.size() + " requests were answered wrongly");
        assertTrue(slowestHealthNanos.get() < TimeUnit.SECONDS.toNanos(1), "slowest /health: " + slowestHealthNanos.get() / 1_000_000 + " ms");
        assertEquals(before, schemaHits.get(), "requests a client's schema made the server send");
    }

    /** The request, with the schema in response_format and in a tool's parameters: a 400, and nothing fetched. */
    @Test
    void aRemoteReferenceIsRefusedWithoutAFetch() {
        int before = schemaHits.get();
        String ref = schemaUrl + "/slow.json";
        String format = """
                {"model":"%s","max_tokens":40,"messages":[{"role":"user","content":"Fill the field s."}],
                 "response_format":{"type":"json_schema","json_schema":{"name":"x","strict":true,
                 "schema":{"type":"object","properties":{"s":{"$ref":"%s"}},"required":["s"]}}}}""".formatted(modelName, ref);
        String tools = """
                {"model":"%s","max_tokens":40,"messages":[{"role":"user","content":"Fill the field s."}],
                 "tools":[{"type":"function","function":{"name":"fill","parameters":
                 {"type":"object","properties":{"s":{"$ref":"%s"}},"required":["s"]}}}]}""".formatted(modelName, ref);
        for (String body : List.of(format, tools)) {
            long t0 = System.nanoTime();
            Answer a = post(body);
            assertEquals(400, a.status(), a.body());
            assertEquals("invalid_schema", a.json().at("/error/code").asText(), a.body());
            assertTrue(a.json().at("/error/message").asText().contains("never loads schemas from URLs or files"), a.body());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "answered before any fetch could have happened");
        }
        assertEquals(before, schemaHits.get(), "requests sent to the schema's URL");
    }

    /** A reference to a file that exists and to one that does not get byte-identical answers: nothing to probe with. */
    @Test
    void existingAndMissingFilesGetTheSameAnswer(@TempDir Path dir) throws Exception {
        Path existing = Files.writeString(dir.resolve("s.json"), "{\"type\":\"string\"}");
        List<String> targets = List.of(existing.toString(), existing.toUri().toString(), dir.resolve("missing.json").toString(),
                dir.resolve("missing.json").toUri().toString(), "/etc/hostname", "file:///etc/passwd", "/dev/urandom");
        String first = null;
        for (String target : targets) {
            for (String where : List.of("response_format", "tools")) {
                String schema = "{\"type\":\"object\",\"properties\":{\"s\":{\"$ref\":" + JSON.writeValueAsString(target) + "}}}";
                String body = where.equals("tools")
                        ? "{\"model\":\"" + modelName + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":" + schema + "}}]}"
                        : "{\"model\":\"" + modelName + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":" + schema + "}}}";
                Answer a = post(body);
                assertEquals(400, a.status(), a.body());
                String normalised = a.body().replace("tools[0].function.parameters", "response_format.json_schema.schema");
                if (first == null) {
                    first = normalised;
                }
                assertEquals(first, normalised, target + " in " + where);
            }
        }
    }

    /** Past Jackson's limits: nesting deeper than 1000, a number of 1001 digits. */
    @Test
    void jsonPastTheParsersLimitsIs400() {
        Answer nested = post("[".repeat(1001));
        assertEquals(400, nested.status(), nested.body());
        assertEquals("invalid_json", nested.json().at("/error/code").asText());
        assertTrue(nested.json().at("/error/message").asText().contains("1000 levels"), nested.body());
        Answer digits = post("{\"model\":\"auto\",\"seed\":" + "9".repeat(1001) + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(400, digits.status(), digits.body());
        assertEquals("invalid_json", digits.json().at("/error/code").asText());
        assertTrue(digits.json().at("/error/message").asText().contains("1000 digits"), digits.body());
        assertEquals(null, problem(nested));
        assertEquals(null, problem(digits));
    }

    @Test
    void parsingIsStrict() {
        String valid = "{\"model\":\"" + modelName + "\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertEquals(200, post(valid).status());
        for (String body : List.of(valid + " x", valid + valid, valid.replace("{\"model\"", "{\"max_tokens\":3,\"model\""))) {
            Answer a = post(body);
            assertEquals(400, a.status(), body);
            assertEquals("invalid_json", a.json().at("/error/code").asText(), a.body());
            assertEquals(null, problem(a));
        }
        Answer empty = post(valid.replace("\"model\":\"" + modelName + "\"", "\"model\":\"\""));
        assertEquals(400, empty.status(), empty.body());
        assertEquals("model", empty.json().at("/error/param").asText());
    }

    @Test
    void aValueTheEngineRefusesNamesItsField() {
        Answer topP = post("{\"model\":\"" + modelName + "\",\"top_p\":1.5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(400, topP.status(), topP.body());
        assertEquals("top_p", topP.json().at("/error/param").asText(), topP.body());
    }

    @Test
    void nonJsonMessagesKeepTheParsersInternalsOut() {
        Answer nan = post("{\"model\":\"auto\",\"temperature\":NaN}");
        assertEquals(400, nan.status());
        assertEquals(null, problem(nan));
        assertTrue(nan.json().at("/error/message").asText().contains("NaN"), nan.body());
        Answer open = post("{\"model\":\"auto\",\"messages\":[");
        assertTrue(open.json().at("/error/message").asText().contains("line 1"), open.body());
        assertEquals(null, problem(open));
    }

    /** The query log's reason names its folder: the client gets a 503 that says what to do, the log keeps the path. */
    @Test
    void aFeedbackFailureKeepsTheLogsPathsToTheServer() {
        var consumer = vertx.eventBus().<Object>consumer(Router.FEEDBACK_ADDRESS, msg -> msg.fail(503,
                "feedback not stored: /tmp/cascade4j-7/queries/2026-12-02.jsonl: No space left on device"));
        consumer.completion().await();
        try {
            Answer a = send("POST", "/v1/feedback", "{\"id\":\"x\",\"rating\":\"good\"}".getBytes(StandardCharsets.UTF_8));
            assertEquals(503, a.status(), a.body());
            assertEquals("query_log_unavailable", a.json().at("/error/code").asText());
            assertFalse(a.body().contains("/tmp/") || a.body().contains("queries"), a.body());
            assertEquals(null, problem(new Answer(400, a.contentType(), a.body())));
        } finally {
            consumer.unregister().await();
        }
    }

    static final int SENDERS = Integer.getInteger("hostile.senders", 2);

    /** Compiling a schema near the body limit takes a good part of a second: it must not hold the event loop. */
    @Test
    void aSchemaAtTheBodyLimitLeavesHealthFast() throws Exception {
        StringBuilder props = new StringBuilder();
        for (int i = 0; i < 16_000; i++) {
            props.append(i == 0 ? "" : ",").append("\"p").append(i).append("\":{\"type\":\"string\",\"pattern\":\"^[a-z]+$\",\"maxLength\":5}");
        }
        String body = "{\"model\":\"" + modelName + "\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":"
                + "{\"type\":\"object\",\"properties\":{" + props + "}}}}}";
        assertTrue(body.length() > 900_000 && body.length() < 1 << 20, "size " + body.length());
        List<Thread> senders = new ArrayList<>();
        List<Answer> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < SENDERS; i++) {
            senders.add(Thread.ofVirtual().start(() -> answers.add(post(body))));
        }
        long slowest = 0;
        while (senders.stream().anyMatch(Thread::isAlive)) {
            slowest = Math.max(slowest, healthNanos());
            sleep(20);
        }
        assertTrue(slowest < TimeUnit.SECONDS.toNanos(1), "slowest /health: " + slowest / 1_000_000 + " ms");
        System.out.println("slowest /health with " + SENDERS + " schemas at the limit: " + slowest / 1_000_000 + " ms");
        assertEquals(SENDERS, answers.size());
        for (Answer a : answers) {
            assertTrue(a.status() < 500, a.status() + " " + cut(a.body()));
            assertEquals(null, problem(a));
        }
    }

    /** A chunk size that is not hex: the connection gets a 400, not silence. */
    @Test
    void aBadChunkSizeIsAnswered() throws Exception {
        String request = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nZZZ\r\n{}\r\n0\r\n\r\n";
        String answer = raw(request);
        assertTrue(answer.startsWith("HTTP/1.1 400"), "answer: [" + answer + "]");
        assertTrue(healthNanos() < TimeUnit.SECONDS.toNanos(1));
    }

    /** Requests Vert.x cannot decode still get an OpenAI-shaped error. */
    @Test
    void undecodableRequestsGetAnOpenAiError() throws Exception {
        String longLine = raw("GET /v1/models?q=" + "x".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertTrue(longLine.matches("(?s)HTTP/1\\.[01] 414.*"), longLine);
        String bigHeaders = raw("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "y".repeat(20_000) + "\r\n\r\n");
        assertTrue(bigHeaders.matches("(?s)HTTP/1\\.[01] 431.*"), bigHeaders);
        String garbage = raw("GET /health HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n");
        assertTrue(garbage.matches("(?s)HTTP/1\\.[01] 400.*"), garbage);
        for (String answer : List.of(longLine, bigHeaders, garbage)) {
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            int status = Integer.parseInt(answer.substring(9, 12));
            assertEquals(null, problem(new Answer(status, "application/json", body)), answer);
        }
        assertTrue(healthNanos() < TimeUnit.SECONDS.toNanos(1));
    }

    /** HTTP/1.0 has no chunked encoding, so a live stream must not promise trailers it cannot send. */
    @Test
    void aStreamOverHttp10AdvertisesNoTrailer() throws Exception {
        String body = "{\"model\":\"" + modelName + "\",\"stream\":true,\"max_tokens\":4,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]}";
        String request = "POST /v1/chat/completions HTTP/1.0\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
        String answer = raw(request);
        String head = answer.substring(0, Math.max(0, answer.indexOf("\r\n\r\n")));
        assertTrue(head.startsWith("HTTP/1.0 200") || head.startsWith("HTTP/1.1 200"), answer);
        assertFalse(head.toLowerCase().contains("\r\ntrailer:"), head);
        assertFalse(head.toLowerCase().contains("transfer-encoding: chunked"), head);
        assertTrue(answer.contains("data: [DONE]"), answer);
        assertTrue(answer.contains("\"finish_reason\""), answer);

        String http11 = raw(request.replace("HTTP/1.0", "HTTP/1.1").replace("Host: localhost\r\n", "Host: localhost\r\nConnection: close\r\n"));
        assertTrue(http11.toLowerCase().contains("\r\ntrailer: x-cascade4j-escalated"), http11);
        assertTrue(http11.contains("\r\nx-cascade4j-node: " + router.nodeName() + "\r\n"), "the node follows as a trailer: " + http11);
    }

    static String raw(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                got.write(buffer, 0, n);
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    static long healthNanos() {
        long t0 = System.nanoTime();
        Answer a = send("GET", "/health", null);
        long took = System.nanoTime() - t0;
        return a.status() == 200 ? took : Long.MAX_VALUE;
    }

    static String cut(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
