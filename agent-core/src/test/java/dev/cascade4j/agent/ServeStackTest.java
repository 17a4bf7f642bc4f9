package dev.cascade4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.agent.log.QueryLogVerticle;
import dev.cascade4j.agent.log.QueryRecord;
import dev.cascade4j.agent.log.LogQuery;
import dev.cascade4j.agent.log.Redactor;
import dev.cascade4j.router.CascadeRouter;
import dev.cascade4j.tools.ToolRegistry;
import dev.cascade4j.tools.http.OpenAiServer;
import dev.cascade4j.tools.http.ServerConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code serve} deploys, together: HTTP server, cascade router and JSONL query log on one event
 * bus. A routed request is logged redacted, and feedback over HTTP lands on its record.
 */
class ServeStackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dataDir;

    private static Vertx vertx;
    private static CascadeRouter router;
    private static QueryLogVerticle log;
    private static OpenAiServer server;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        router = CascadeRouter.builder(vertx).config(TinyCascade.config()).meterRegistry(metrics).build();
        log = QueryLogVerticle.jsonl(dataDir, Redactor.all());
        vertx.deployVerticle(log).await();
        server = OpenAiServer.builder().vertx(vertx).router(router).tools(ToolRegistry.empty()).metrics(metrics)
                .config(ServerConfig.defaults().withPort(0)).build();
        server.start().await();
    }

    @AfterAll
    static void stop() {
        server.stop().await();
        vertx.close().await();
        router.close();
    }

    @Test
    void aRoutedRequestIsLoggedRedactedAndTakesFeedback() throws Exception {
        HttpResponse<String> chat = post("/v1/chat/completions", """
                {"model":"auto","messages":[{"role":"user","content":"Extract the name and email: Maria Lopez, maria@example.com"}],
                 "response_format":{"type":"json_schema","json_schema":{"name":"contact","schema":{"type":"object",
                   "properties":{"name":{"type":"string"},"email":{"type":"string"}},"required":["name","email"]}}}}""");
        assertEquals(200, chat.statusCode(), chat.body());
        JsonNode body = JSON.readTree(chat.body());
        String id = body.path("cascade4j").path("subtask_id").asText();
        assertEquals(body.path("cascade4j").path("route").asText(), chat.headers().firstValue("x-cascade4j-route").orElseThrow());
        JsonNode answer = JSON.readTree(body.path("choices").get(0).path("message").path("content").asText());
        assertTrue(answer.has("name") && answer.has("email"), answer.toString());

        HttpResponse<String> feedback = post("/v1/feedback", "{\"id\":\"" + id + "\",\"rating\":\"bad\",\"correction\":\"{}\"}");
        assertEquals(200, feedback.statusCode(), feedback.body());
        assertEquals(400, post("/v1/feedback", "{\"rating\":\"bad\"}").statusCode(), "feedback without an id");
        assertEquals(400, post("/v1/feedback", "{not json").statusCode());

        List<QueryRecord> records = log.log().read(LogQuery.ALL).await();
        QueryRecord record = records.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError(records));
        assertEquals(QueryRecord.Rating.BAD, record.feedback().rating());
        String logged = dev.cascade4j.agent.internal.log.QueryLogJson.write(record);
        assertTrue(!logged.contains("maria@example.com") && logged.contains("[EMAIL]"), "the e-mail address is redacted: " + logged);
    }

    private static HttpResponse<String> post(String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
