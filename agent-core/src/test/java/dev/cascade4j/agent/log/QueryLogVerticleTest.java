package dev.cascade4j.agent.log;

import static dev.cascade4j.agent.log.JsonlQueryLogTest.await;
import static dev.cascade4j.agent.log.JsonlQueryLogTest.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.agent.internal.log.QueryLogJson;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.Router;
import dev.cascade4j.router.RouterCodecs;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryLogVerticleTest {
    @TempDir
    Path tmp;
    Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        RouterCodecs.register(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void theRecordCodecCarriesAWholeRecordAcrossJvms() {
        QueryRecord r = QueryRecord.from(SampleRecords.escalated("w-1", "Lima", Instant.parse("2026-05-01T12:00:00.5Z")))
                .withFeedback(new QueryRecord.Feedback(QueryRecord.Rating.GOOD, "ok", Instant.parse("2026-05-02T00:00:00Z")));
        QueryRecordCodec codec = new QueryRecordCodec();
        io.vertx.core.buffer.Buffer wire = io.vertx.core.buffer.Buffer.buffer().appendString("header");
        codec.encodeToWire(wire, r);
        QueryRecord decoded = codec.decodeFromWire(6, wire);
        assertEquals(r, decoded);
        assertEquals(SampleRecords.ROUTER_NODE, decoded.node());
    }

    @Test
    void logsWhatTheRouterPublishesAndFeedbackSentOverTheBus() throws Exception {
        JsonlQueryLog log = JsonlQueryLog.builder(tmp).open();
        QueryLogVerticle verticle = QueryLogVerticle.of(log);
        String dep = await(vertx.deployVerticle(verticle));
        Instant t = Instant.parse("2026-05-01T12:00:00Z");
        vertx.eventBus().publish(Router.ROUTED_ADDRESS, SampleRecords.kept("v-1", "Bern", t));
        vertx.eventBus().publish(Router.ROUTED_ADDRESS, SampleRecords.escalated("v-2", "Oslo", t.plusSeconds(1)));
        // a QueryRecord's JSON, as a writer in another JVM receives it
        vertx.eventBus().publish(Router.ROUTED_ADDRESS, new JsonObject(QueryLogJson.write(QueryRecord.from(SampleRecords.conversation("v-3", t)))));
        vertx.eventBus().publish(Router.ROUTED_ADDRESS, "not a record");
        // what a forwarder in the router's JVM publishes: here through the forwarder itself
        String fwd = await(vertx.deployVerticle(new RoutedAnswerForwarder()));
        vertx.eventBus().publish(Router.ROUTED_ADDRESS, SampleRecords.kept("v-4", "Rome", t.plusSeconds(3)));

        JsonObject reply = (JsonObject) await(vertx.eventBus().request(QueryLog.FEEDBACK_ADDRESS,
                new FeedbackMessage("v-2", QueryRecord.Rating.GOOD, "Oslo it is").toJson())).body();
        assertEquals(true, reply.getBoolean("acknowledged"));
        Throwable bad = failure(vertx.eventBus().request(QueryLog.FEEDBACK_ADDRESS, new JsonObject().put("id", "v-1").put("rating", "meh")));
        assertEquals(400, ((ReplyException) bad).failureCode());
        assertTrue(bad.getMessage().contains("good"), bad.getMessage());

        await(vertx.undeploy(fwd));
        await(vertx.undeploy(dep)); // closes the log: everything queued is written
        List<QueryRecord> back = JsonlSegments.scan(tmp, LogQuery.ALL).records();
        // v-4 arrives twice (locally, and forwarded on the records address) and is stored twice:
        // a forwarder belongs in the router's JVM, the verticle in another one
        assertEquals(List.of("v-1", "v-2", "v-3", "v-4"), back.stream().map(QueryRecord::id).distinct().toList());
        assertEquals("Oslo it is", back.get(1).feedback().correction());
        assertEquals("{\"city\":\"Oslo\"}", back.get(1).teacherAnswer().toolCalls().getFirst().arguments());
        assertEquals(1, verticle.malformedMessages());
    }
}
