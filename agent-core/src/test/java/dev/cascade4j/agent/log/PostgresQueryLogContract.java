package dev.cascade4j.agent.log;

import static dev.cascade4j.agent.log.JsonlQueryLogTest.await;
import static dev.cascade4j.agent.log.JsonlQueryLogTest.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.RouterCodecs;
import dev.cascade4j.router.Router;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The PostgreSQL sink against a real server; subclasses say which server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PostgresQueryLogContract {
    Vertx vertx;
    PostgresQueryLog log;

    /** Connection to an empty-or-disposable database; the test drops the log's tables first. */
    abstract PgConnectOptions connectOptions();

    /** Why there is no server here, or {@code null} when there is one. */
    abstract String unavailable();

    /** Starts the server when the subclass manages one. */
    void startServer() {
    }

    @BeforeEach
    void requireServer() {
        assumeTrue(unavailable() == null, unavailable());
    }

    @BeforeAll
    void start() throws Exception {
        if (unavailable() != null) {
            return;
        }
        startServer();
        vertx = Vertx.vertx();
        Pool admin = PgBuilder.pool().connectingTo(connectOptions()).using(vertx).build();
        await(admin.query("DROP TABLE IF EXISTS cascade4j_queries, cascade4j_schema_version").execute());
        await(admin.close());
        log = await(PostgresQueryLog.builder(vertx, connectOptions()).open());
    }

    @AfterAll
    void stop() throws Exception {
        if (log != null) {
            await(log.close());
        }
        if (vertx != null) {
            await(vertx.close());
        }
    }

    static String uid() {
        return UUID.randomUUID().toString();
    }

    @Test
    void createsTheSchemaOnceAndReopeningIsIdempotent() throws Exception {
        String id = uid();
        await(log.append(SampleRecords.record(id)));
        // two more openers at once: both migrate-or-skip, neither fails, the data stays
        List<PostgresQueryLog> more = await(Future.all(PostgresQueryLog.builder(vertx, connectOptions()).open(),
                PostgresQueryLog.builder(vertx, connectOptions()).open())).list();
        Pool admin = PgBuilder.pool().connectingTo(connectOptions()).using(vertx).build();
        try {
            var versions = await(admin.query("SELECT version FROM cascade4j_schema_version ORDER BY version").execute());
            List<Integer> v = new ArrayList<>();
            versions.forEach(r -> v.add(r.getInteger(0)));
            assertEquals(List.of(1, 2, 3), v);
            assertEquals(PostgresQueryLog.schemaVersion(), v.getLast());
            var types = await(admin.query("SELECT data_type FROM information_schema.columns WHERE table_name = 'cascade4j_queries'"
                    + " AND column_name IN ('request', 'slm_answer', 'teacher_answer', 'signals')").execute());
            types.forEach(r -> assertEquals("jsonb", r.getString(0)));
            assertEquals(4, types.size());
            var node = await(admin.query("SELECT data_type, is_nullable FROM information_schema.columns"
                    + " WHERE table_name = 'cascade4j_queries' AND column_name = 'node'").execute()).iterator().next();
            assertEquals("text", node.getString(0));
            assertEquals("YES", node.getString(1), "rows written before version 3 have no node");
        } finally {
            await(admin.close());
        }
        assertEquals(1, await(more.getFirst().read(LogQuery.ALL)).stream().filter(r -> r.id().equals(id)).count());
        for (PostgresQueryLog l : more) {
            await(l.close());
        }
    }

    @Test
    void insertsAndReadsBackEveryField() throws Exception {
        String a = uid();
        String b = uid();
        Instant t = Instant.parse("2026-02-03T04:05:06.123456789Z");
        QueryRecord escalated = QueryRecord.from(SampleRecords.escalated(a, "Paris", t));
        QueryRecord conversation = QueryRecord.from(SampleRecords.conversation(b, t.plusSeconds(1)));
        await(log.append(escalated));
        await(log.append(conversation));
        await(log.append(escalated)); // a redelivered record is stored once
        List<QueryRecord> back = await(log.read(LogQuery.ALL.withSince(t.minusNanos(1000))))
                .stream().filter(r -> r.id().equals(a) || r.id().equals(b)).toList();
        assertEquals(2, back.size());
        QueryRecord e = back.getFirst();
        assertEquals(t.truncatedTo(ChronoUnit.MICROS), e.time());
        QueryRecord expected = new QueryRecord(escalated.id(), t.truncatedTo(ChronoUnit.MICROS), escalated.route(),
                escalated.classifierConfidence(), escalated.generationConfidence(), escalated.model(), escalated.request(),
                escalated.slmAnswer(), escalated.escalated(), escalated.reason(), escalated.detail(), escalated.fallback(),
                escalated.teacherAnswer(), escalated.latencyMillis(), escalated.routerMillis(), escalated.tokensIn(),
                escalated.tokensOut(), null, escalated.signals(), escalated.node());
        // field by field (JSONB keeps objects, not their key order)
        assertEquals(expected, e);
        assertEquals(SampleRecords.ROUTER_NODE, e.node());
        assertEquals(1, e.signals().groundingChecked(), "one argument value checked against the request");
        assertEquals(0.0, e.signals().grounding(), 1e-12, "Lyon for Paris: not found in the request");
        assertEquals("{\"city\":\"Paris\"}", e.teacherAnswer().toolCalls().getFirst().arguments());
        assertEquals("tool", back.get(1).request().messages().get(3).role());
        assertEquals("call_7", back.get(1).request().messages().get(3).toolCallId());
        assertNull(back.get(1).teacherAnswer());
    }

    @Test
    void feedbackUpdatesTheRowAndTheLatestWins() throws Exception {
        String id = uid();
        Instant t = Instant.now();
        Future<Void> insert = log.append(SampleRecords.record(id));
        // sent before the insert completes: it waits for its record instead of missing it
        Future<Void> first = log.feedback(id, new QueryRecord.Feedback(QueryRecord.Rating.BAD, "say Paris, mail ops@corp.io", t));
        await(insert);
        await(first);
        await(log.feedback(id, new QueryRecord.Feedback(QueryRecord.Rating.GOOD, null, t.minusSeconds(60)))); // older: ignored
        QueryRecord r = await(log.read(LogQuery.ALL)).stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
        assertEquals(QueryRecord.Rating.BAD, r.feedback().rating());
        assertEquals("say Paris, mail [EMAIL]", r.feedback().correction());
        assertEquals(t.truncatedTo(ChronoUnit.MICROS), r.feedback().time());
        assertTrue(!r.accepted());

        assertInstanceOf(QueryLogException.UnknownRecord.class,
                failure(log.feedback("no-such-" + uid(), new QueryRecord.Feedback(QueryRecord.Rating.GOOD, null, null))));
    }

    @Test
    void filtersByRouteSinceAndLimit() throws Exception {
        Instant t = Instant.parse("2030-01-01T00:00:00Z");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = uid();
            ids.add(id);
            await(log.append(QueryRecord.from(i % 2 == 0 ? SampleRecords.kept(id, "Rome", t.plusSeconds(i))
                    : SampleRecords.conversation(id, t.plusSeconds(i)))));
        }
        assertEquals(List.of(ids.get(0), ids.get(2), ids.get(4)),
                await(log.read(new LogQuery("weather", t, 0))).stream().map(QueryRecord::id).toList());
        assertEquals(List.of(ids.get(3), ids.get(4)), await(log.read(LogQuery.ALL.withSince(t.plusSeconds(3)))).stream().map(QueryRecord::id).toList());
        assertEquals(List.of(ids.get(1)), await(log.read(new LogQuery("summary", t, 1))).stream().map(QueryRecord::id).toList());
    }

    @Test
    void theVerticleLogsRoutedAnswersAndTakesFeedbackOverTheEventBus() throws Exception {
        // the router publishes RoutedAnswer with a local codec; stand in for it
        try {
            RouterCodecs.register(vertx);
        } catch (IllegalStateException alreadyRegistered) {
            // registered by an earlier test in this JVM
        }
        String dep = await(vertx.deployVerticle(new QueryLogVerticle(v -> PostgresQueryLog.builder(v, connectOptions()).open().map(l -> l))));
        try {
            String id = uid();
            vertx.eventBus().publish(Router.ROUTED_ADDRESS, SampleRecords.kept(id, "Madrid", Instant.now()));
            // sent right behind the record: the verticle sees them in order, and the log holds the
            // feedback until the record's insert is done
            JsonObject reply = (JsonObject) await(vertx.eventBus().request(QueryLog.FEEDBACK_ADDRESS,
                    new JsonObject().put("id", id).put("rating", "good"))).body();
            assertEquals(new JsonObject().put("id", id).put("acknowledged", true), reply);
            QueryRecord r = await(log.read(LogQuery.ALL)).stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
            assertEquals(QueryRecord.Rating.GOOD, r.feedback().rating());
            assertEquals("{\"city\":\"Madrid\"}", r.slmAnswer().toolCalls().getFirst().arguments());

            var bad = failure(vertx.eventBus().request(QueryLog.FEEDBACK_ADDRESS, new JsonObject().put("rating", "good"),
                    new DeliveryOptions()));
            assertEquals(400, ((ReplyException) bad).failureCode());
            assertTrue(bad.getMessage().contains("\"id\""), bad.getMessage());
        } finally {
            await(vertx.undeploy(dep));
        }
    }

    @Test
    void anUnreachableServerIsAClearError() throws Exception {
        PgConnectOptions wrong = new PgConnectOptions(connectOptions()).setPort(1);
        Throwable t = failure(PostgresQueryLog.builder(vertx, wrong).open());
        assertTrue(t.getMessage().contains("cannot open the query log at PostgreSQL") && t.getMessage().contains(":1/"), t.getMessage());
    }
}
