package dev.cascade4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.agent.log.DataDirectory;
import dev.cascade4j.agent.log.QueryLogVerticle;
import dev.cascade4j.agent.log.QueryRecord;
import dev.cascade4j.agent.log.Redactor;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.Router;
import dev.cascade4j.router.Subtask;
import dev.cascade4j.tools.http.OpenAiServer;
import dev.cascade4j.tools.http.ServerConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * serve's query log, failing on a real condition, as an operator sees it: /ready says "degraded" with
 * the reason in plain words (no path of the server), /metrics has the log's counters, and both recover
 * when the log writes again. Conditions: a data folder below a regular file (no user, root included,
 * can create it) and a segment linked to /dev/full (every write gets ENOSPC, as on a full disk).
 */
class QueryLogReadinessTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path tmp;

    Vertx vertx;
    PrometheusMeterRegistry metrics;
    QueryLogVerticle log;
    OpenAiServer server;

    static final Router ONE_ROUTE = new Router() {
        @Override
        public Future<RoutedAnswer> route(Subtask subtask) {
            return Future.failedFuture(new IllegalStateException("not used"));
        }

        @Override
        public List<RouteInfo> routes() {
            return List.of(new RouteInfo("facts", "answers facts", "m"));
        }

        @Override
        public List<String> localModels() {
            return List.of();
        }
    };

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    void serve(Path dataDir) throws Exception {
        log = QueryLogVerticle.jsonl(dataDir, Redactor.all(), metrics);
        vertx.deployVerticle(log).await(30, TimeUnit.SECONDS);
        server = ServeCommand.server(vertx, ONE_ROUTE, metrics, ServerConfig.defaults().withPort(0), log).build();
        server.start().await(30, TimeUnit.SECONDS);
    }

    /** Appends one record; true when it was written. */
    boolean append(String id) throws Exception {
        QueryRecord r = QueryRecord.from(LogCommandsTest.routed(id, "Capital of France?", "Paris", null));
        try {
            log.log().append(r).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            return false;
        }
    }

    String get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + " -> " + r.body());
        return r.body();
    }

    static double sample(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ") || l.startsWith(series + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + series + " in /metrics:\n" + scrape));
    }

    @Test
    void aDataFolderThatCannotBeCreatedMakesTheServerDegraded() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-folder"), "x");
        serve(file.resolve("data"));
        assertEquals("ready", JSON.readTree(get("/ready")).path("status").asText());

        assertFalse(append("1"));
        JsonNode ready = JSON.readTree(get("/ready"));
        assertEquals("degraded", ready.path("status").asText(), ready.toString());
        String reason = ready.path("reason").asText();
        assertTrue(reason.startsWith("query log: cannot write records: "), reason);
        assertFalse(reason.contains(tmp.toString()) || reason.contains("/"), "a path in " + reason);

        String scrape = get("/metrics");
        assertEquals(1.0, sample(scrape, "cascade4j_querylog_failed_total"));
        assertEquals(0.0, sample(scrape, "cascade4j_querylog_acknowledged_total"));
        assertEquals(0.0, sample(scrape, "cascade4j_querylog_dropped_total"));
        assertEquals(0.0, sample(scrape, "cascade4j_querylog_queued"));
        assertEquals(1.0, sample(scrape, "cascade4j_querylog_failing"));
        assertTrue(Math.abs(sample(scrape, "cascade4j_querylog_last_error_time_seconds") - System.currentTimeMillis() / 1000.0) < 60);
    }

    @Test
    void aFullDiskMakesTheServerDegradedUntilSpaceReturns() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "needs /dev/full (Linux) for a disk that refuses every write");
        Path queries = Files.createDirectories(DataDirectory.queries(tmp));
        Path segment = Files.createSymbolicLink(queries.resolve("queries-000001.jsonl"), Path.of("/dev/full"));
        serve(tmp);
        assertFalse(append("1"), "the write met the full disk");
        JsonNode ready = JSON.readTree(get("/ready"));
        assertEquals("degraded", ready.path("status").asText(), ready.toString());
        assertEquals("query log: cannot write records: No space left on device", ready.path("reason").asText());
        assertEquals(1.0, sample(get("/metrics"), "cascade4j_querylog_failing"));

        Files.delete(segment); // space is back
        assertTrue(append("2"));
        assertEquals("ready", JSON.readTree(get("/ready")).path("status").asText());
        String scrape = get("/metrics");
        assertEquals(0.0, sample(scrape, "cascade4j_querylog_failing"));
        assertEquals(1.0, sample(scrape, "cascade4j_querylog_acknowledged_total"));
        assertEquals(1.0, sample(scrape, "cascade4j_querylog_failed_total"));
    }
}
