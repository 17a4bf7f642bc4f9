package dev.cascade4j.agent.log;

import dev.cascade4j.agent.internal.log.QueryLogJson;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.Router;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Writes every routed subtask published on {@link Router#ROUTED_ADDRESS} in this JVM, and every
 * record published on {@link QueryLog#RECORDS_ADDRESS} anywhere on the (possibly clustered) bus, to
 * a {@link QueryLog}; attaches feedback sent to {@link QueryLog#FEEDBACK_ADDRESS}. Deployable alone:
 * in its own JVM it receives what a {@link RoutedAnswerForwarder} beside the router publishes (a
 * {@link RoutedAnswer} travels with a local codec only, so that address is consumed locally).
 *
 * <p>The handlers only convert and enqueue; the log writes off the event loop.
 */
public final class QueryLogVerticle extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(QueryLogVerticle.class.getName());

    private final Function<Vertx, Future<QueryLog>> opener;
    private final AtomicLong malformed = new AtomicLong();
    private volatile QueryLog log;
    private MessageConsumer<Object> routed;
    private MessageConsumer<Object> records;
    private MessageConsumer<Object> feedback;

    /** A verticle that opens its log on start (and closes it on stop). */
    public QueryLogVerticle(Function<Vertx, Future<QueryLog>> opener) {
        this.opener = Objects.requireNonNull(opener, "opener");
    }

    /** The embedded default: JSONL segments in {@code dataDir/queries} (see {@link DataDirectory}). */
    public static QueryLogVerticle jsonl(java.nio.file.Path dataDir, Redactor redactor) {
        return jsonl(dataDir, redactor, null);
    }

    /** As {@link #jsonl(java.nio.file.Path, Redactor)}, with the log's counters in {@code registry} (may be null). */
    public static QueryLogVerticle jsonl(java.nio.file.Path dataDir, Redactor redactor, MeterRegistry registry) {
        return new QueryLogVerticle(v -> Future.succeededFuture(
                JsonlQueryLog.builder(DataDirectory.queries(dataDir)).redactor(redactor).meterRegistry(registry).open()));
    }

    /** The production sink: PostgreSQL, schema created or migrated on start; the deployment fails if it cannot connect. */
    public static QueryLogVerticle postgres(io.vertx.pgclient.PgConnectOptions options, Redactor redactor) {
        return postgres(options, redactor, null);
    }

    /** As {@link #postgres(io.vertx.pgclient.PgConnectOptions, Redactor)}, with the log's counters in {@code registry} (may be null). */
    public static QueryLogVerticle postgres(io.vertx.pgclient.PgConnectOptions options, Redactor redactor, MeterRegistry registry) {
        return new QueryLogVerticle(v -> PostgresQueryLog.builder(v, options).redactor(redactor).meterRegistry(registry).open().map(l -> l));
    }

    /** A verticle over a log opened elsewhere; the verticle closes it on stop. */
    public static QueryLogVerticle of(QueryLog log) {
        return new QueryLogVerticle(v -> Future.succeededFuture(log));
    }

    @Override
    public Future<?> start() {
        return opener.apply(vertx).compose(opened -> {
            this.log = opened;
            registerCodec(vertx);
            routed = vertx.eventBus().localConsumer(Router.ROUTED_ADDRESS, this::onRouted);
            records = vertx.eventBus().consumer(QueryLog.RECORDS_ADDRESS, this::onRouted);
            feedback = vertx.eventBus().consumer(QueryLog.FEEDBACK_ADDRESS, this::onFeedback);
            return Future.all(routed.completion(), records.completion(), feedback.completion());
        });
    }

    @Override
    public Future<?> stop() {
        Future<Void> a = routed == null ? Future.succeededFuture() : routed.unregister();
        Future<Void> b = feedback == null ? Future.succeededFuture() : feedback.unregister();
        Future<Void> c = records == null ? Future.succeededFuture() : records.unregister();
        return Future.all(a, b, c).compose(x -> log == null ? Future.succeededFuture() : log.close());
    }

    /** Registers {@link QueryRecordCodec} as the default for QueryRecord once per Vert.x instance. */
    static void registerCodec(Vertx vertx) {
        try {
            vertx.eventBus().registerDefaultCodec(QueryRecord.class, new QueryRecordCodec());
        } catch (IllegalStateException alreadyRegistered) {
            // another log verticle or forwarder in this Vert.x did it
        }
    }

    public QueryLog log() {
        return log;
    }

    /**
     * Why the log cannot write now, for a readiness probe ("query log: cannot write records: No space
     * left on device"); {@code null} while it writes, and before it is open. Cheap: reads counters.
     */
    public String problem() {
        QueryLog l = log;
        String p = l == null ? null : l.stats().problem();
        return p == null ? null : "query log: " + p;
    }

    /** Published messages whose body was neither a RoutedAnswer nor a QueryRecord (or its JSON). */
    public long malformedMessages() {
        return malformed.get();
    }

    private void onRouted(Message<Object> msg) {
        QueryRecord record;
        try {
            record = switch (msg.body()) {
                case RoutedAnswer a -> QueryRecord.from(a);
                case QueryRecord r -> r;
                case JsonObject j -> QueryLogJson.readRecord(j.encode());
                case String s -> QueryLogJson.readRecord(s);
                case Buffer b -> QueryLogJson.readRecord(b.toString());
                case null, default -> throw new IllegalArgumentException("body is "
                        + (msg.body() == null ? "empty" : msg.body().getClass().getName()));
            };
        } catch (RuntimeException e) {
            malformed.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "not logged: a message on " + msg.address()
                    + " is not a RoutedAnswer or QueryRecord: " + e.getMessage());
            return;
        }
        // Failures are counted and reported by the log itself; the router never waits for the log.
        log.append(record);
    }

    private void onFeedback(Message<Object> msg) {
        FeedbackMessage f;
        try {
            f = FeedbackMessage.parse(msg.body());
        } catch (IllegalArgumentException e) {
            msg.fail(400, e.getMessage());
            return;
        }
        log.feedback(f.id(), f.feedback()).onComplete(ar -> {
            if (ar.succeeded()) {
                msg.reply(new JsonObject().put("id", f.id()).put("acknowledged", true));
            } else if (ar.cause() instanceof QueryLogException.UnknownRecord) {
                msg.fail(404, ar.cause().getMessage());
            } else {
                msg.fail(503, "feedback not stored: " + ar.cause().getMessage());
            }
        });
    }
}
