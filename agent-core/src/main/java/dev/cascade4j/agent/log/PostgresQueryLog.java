package dev.cascade4j.agent.log;

import dev.cascade4j.inference.OptionalDependency;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import dev.cascade4j.router.confidence.ConfidenceSignals;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The production query log: one row per record in PostgreSQL, through the reactive Vert.x client
 * (nothing blocks an event loop). The schema is created or migrated when the log opens; applied
 * versions are kept in {@code cascade4j_schema_version}, and concurrent openers serialise on an
 * advisory lock. Request and answers are JSONB columns; feedback is an {@code UPDATE} of the row.
 *
 * <p><b>Acknowledged</b> means the {@code INSERT} was committed by the server. Appends beyond
 * {@code maxPending} in flight fail at once with {@link QueryLogException.Dropped}.
 */
public final class PostgresQueryLog implements QueryLog {
    private static final System.Logger LOG = System.getLogger(PostgresQueryLog.class.getName());
    static final String TABLE = "cascade4j_queries";
    private static final long MIGRATION_LOCK = 0x63617363616465L; // "cascade"

    /** Schema versions in order; a new version is appended here, never edited. */
    static final List<List<String>> MIGRATIONS = List.of(
            List.of("""
                    CREATE TABLE cascade4j_queries (
                      seq bigserial NOT NULL,
                      id text PRIMARY KEY,
                      time timestamptz NOT NULL,
                      route text,
                      classifier_confidence double precision NOT NULL,
                      generation_confidence double precision,
                      model text,
                      request jsonb NOT NULL,
                      slm_answer jsonb,
                      escalated boolean NOT NULL,
                      reason text NOT NULL,
                      detail text,
                      fallback boolean NOT NULL,
                      teacher_answer jsonb,
                      latency_ms double precision NOT NULL,
                      router_ms double precision NOT NULL,
                      tokens_in integer NOT NULL,
                      tokens_out integer NOT NULL,
                      feedback_rating text,
                      feedback_correction text,
                      feedback_time timestamptz)""",
                    "CREATE INDEX cascade4j_queries_time ON cascade4j_queries (time)",
                    "CREATE INDEX cascade4j_queries_route_time ON cascade4j_queries (route, time)",
                    "CREATE UNIQUE INDEX cascade4j_queries_seq ON cascade4j_queries (seq)"),
            // 2: the raw confidence signals of the SLM's answer; rows written before stay null
            List.of("ALTER TABLE cascade4j_queries ADD COLUMN signals jsonb"));

    private static final String INSERT = "INSERT INTO " + TABLE + " (id, time, route, classifier_confidence, generation_confidence, model,"
            + " request, slm_answer, escalated, reason, detail, fallback, teacher_answer, latency_ms, router_ms, tokens_in, tokens_out,"
            + " feedback_rating, feedback_correction, feedback_time, signals) VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8::text::jsonb,"
            + " $9, $10, $11, $12, $13::text::jsonb, $14, $15, $16, $17, $18, $19, $20, $21::text::jsonb) ON CONFLICT (id) DO NOTHING";
    private static final String FEEDBACK = "UPDATE " + TABLE + " SET feedback_rating = $2, feedback_correction = $3, feedback_time = $4"
            + " WHERE id = $1 AND (feedback_time IS NULL OR feedback_time <= $4)";
    private static final String SELECT = "SELECT id, time, route, classifier_confidence, generation_confidence, model, request::text,"
            + " slm_answer::text, escalated, reason, detail, fallback, teacher_answer::text, latency_ms, router_ms, tokens_in, tokens_out,"
            + " feedback_rating, feedback_correction, feedback_time, signals::text FROM " + TABLE;

    private final Pool pool;
    private final Redactor redactor;
    private final int maxPending;
    private final String target;
    private final AtomicInteger pending = new AtomicInteger();
    // Inserts still in flight, so feedback that overtakes its record waits for it instead of missing it.
    private final Map<String, Future<Void>> inserting = new ConcurrentHashMap<>();
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final RateLimitedWarning warnDrop = new RateLimitedWarning();
    private final RateLimitedWarning warnWrite = new RateLimitedWarning();
    private volatile String lastError;
    private volatile long lastErrorMillis;
    private volatile String problem;
    private volatile boolean closing;

    private PostgresQueryLog(Pool pool, Builder b) {
        this.pool = pool;
        this.redactor = b.redactor;
        this.maxPending = b.maxPending;
        this.target = b.options.getHost() + ":" + b.options.getPort() + "/" + b.options.getDatabase();
        if (b.registry != null) {
            bind(b.registry);
        }
    }

    public static Builder builder(Vertx vertx, PgConnectOptions options) {
        return new Builder(vertx, options);
    }

    /** From a {@code postgresql://host:port/db} URI; user and password may be in it or given here. */
    public static Builder builder(Vertx vertx, String uri, String user, String password) {
        requireDriver();
        PgConnectOptions o = PgConnectOptions.fromUri(uri);
        if (user != null) {
            o.setUser(user);
        }
        if (password != null) {
            o.setPassword(password);
        }
        return new Builder(vertx, o);
    }

    /** @throws OptionalDependency.Missing when vertx-pg-client, an optional dependency, is not on the classpath */
    static void requireDriver() {
        OptionalDependency.require("the PostgreSQL query log", "io.vertx.pgclient.PgConnectOptions", "io.vertx", "vertx-pg-client");
    }

    /** The schema version this code writes. */
    public static int schemaVersion() {
        return MIGRATIONS.size();
    }

    /** Creates or migrates the schema; safe to run from several processes at once. Completes with the version now in place. */
    static Future<Integer> migrate(Pool pool) {
        return pool.query("CREATE TABLE IF NOT EXISTS cascade4j_schema_version (version integer PRIMARY KEY,"
                        + " applied_at timestamptz NOT NULL DEFAULT now())").execute()
                .recover(e -> isDuplicate(e) ? Future.succeededFuture() : Future.failedFuture(e))
                .compose(x -> pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(MIGRATION_LOCK))
                        .compose(y -> conn.query("SELECT coalesce(max(version), 0) FROM cascade4j_schema_version").execute())
                        .compose(rows -> applyFrom(conn, rows.iterator().next().getInteger(0)))));
    }

    // Two first starts may race on CREATE TABLE IF NOT EXISTS (a known PostgreSQL behaviour).
    private static boolean isDuplicate(Throwable e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("23505") || m.contains("42P07") || m.contains("already exists");
    }

    private static Future<Integer> applyFrom(SqlConnection conn, int current) {
        if (current > MIGRATIONS.size()) {
            return Future.failedFuture(new QueryLogException("the query log schema is at version " + current
                    + ", newer than this cascade4j (" + MIGRATIONS.size() + "); upgrade cascade4j"));
        }
        Future<Void> chain = Future.succeededFuture();
        for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
            int version = v;
            for (String sql : MIGRATIONS.get(v - 1)) {
                chain = chain.compose(x -> conn.query(sql).execute().mapEmpty());
            }
            chain = chain.compose(x -> conn.preparedQuery("INSERT INTO cascade4j_schema_version (version) VALUES ($1)")
                    .execute(Tuple.of(version)).mapEmpty());
        }
        return chain.map(x -> MIGRATIONS.size());
    }

    @Override
    public Future<Void> append(QueryRecord record) {
        Objects.requireNonNull(record, "record");
        if (closing) {
            return Future.failedFuture(new QueryLogException("query log " + target + " is closed; record " + record.id() + " not written"));
        }
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            long n = dropped.incrementAndGet();
            String msg = "query log has " + maxPending + " inserts in flight; record " + record.id() + " dropped";
            warnDrop.warn(msg + " (" + n + " dropped so far); the database is slower than the traffic");
            return Future.failedFuture(new QueryLogException.Dropped(msg));
        }
        appended.incrementAndGet();
        Future<Void> f;
        try {
            f = pool.preparedQuery(INSERT).execute(insertTuple(redactor.redact(record))).mapEmpty();
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        Future<Void> done = f.transform(ar -> {
            pending.decrementAndGet();
            if (ar.succeeded()) {
                acknowledged.incrementAndGet();
                problem = null;
                return Future.succeededFuture();
            }
            return Future.failedFuture(writeFailed("record " + record.id(), ar.cause()));
        });
        inserting.put(record.id(), done);
        done.onComplete(ar -> inserting.remove(record.id(), done));
        return done;
    }

    private QueryLogException writeFailed(String what, Throwable cause) {
        failed.incrementAndGet();
        String msg = "cannot write " + what + " to the query log at " + target + ": " + cause.getMessage();
        lastError = msg;
        lastErrorMillis = System.currentTimeMillis();
        problem = "cannot write to the database: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        warnWrite.warn(msg + "; the service keeps answering");
        return new QueryLogException.WriteFailed(msg, cause);
    }

    private static Tuple insertTuple(QueryRecord r) {
        QueryRecord.Feedback f = r.feedback();
        return Tuple.from(new Object[] {
                r.id(), time(r.time()), r.route(), r.classifierConfidence(), r.generationConfidence(), r.model(),
                QueryLogJson.write(r.request()), json(r.slmAnswer()), r.escalated(), r.reason(), r.detail(), r.fallback(),
                json(r.teacherAnswer()), r.latencyMillis(), r.routerMillis(), r.tokensIn(), r.tokensOut(),
                f == null || f.rating() == null ? null : f.rating().json(), f == null ? null : f.correction(),
                f == null ? null : time(f.time()), json(r.signals())});
    }

    private static String json(Object o) {
        return o == null ? null : QueryLogJson.write(o);
    }

    // timestamptz keeps microseconds
    private static OffsetDateTime time(Instant t) {
        return OffsetDateTime.ofInstant(t.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    @Override
    public Future<Void> feedback(String id, QueryRecord.Feedback feedback) {
        Objects.requireNonNull(id, "id");
        QueryRecord.Feedback f = new QueryRecord.Feedback(feedback.rating(), redactor.redact(feedback.correction()), feedback.time());
        Future<Void> before = inserting.getOrDefault(id, Future.succeededFuture());
        return before.transform(x -> pool.preparedQuery(FEEDBACK)
                        .execute(Tuple.of(id, f.rating() == null ? null : f.rating().json(), f.correction(), time(f.time()))))
                .compose(rows -> rows.rowCount() > 0 ? Future.succeededFuture()
                        // nothing updated: either newer feedback is already there, or there is no such record
                        : pool.preparedQuery("SELECT 1 FROM " + TABLE + " WHERE id = $1").execute(Tuple.of(id))
                                .compose(r -> r.size() > 0 ? Future.<Void>succeededFuture()
                                        : Future.failedFuture(new QueryLogException.UnknownRecord(id))),
                        e -> Future.failedFuture(writeFailed("feedback for " + id, e)));
    }

    @Override
    public Future<List<QueryRecord>> read(LogQuery query) {
        StringBuilder sql = new StringBuilder(SELECT);
        List<Object> args = new ArrayList<>();
        List<String> where = new ArrayList<>();
        if (query.route() != null) {
            if (query.route().isEmpty()) {
                where.add("route IS NULL");
            } else {
                args.add(query.route());
                where.add("route = $" + args.size());
            }
        }
        if (query.since() != null) {
            args.add(time(query.since()));
            where.add("time >= $" + args.size());
        }
        if (!where.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", where));
        }
        sql.append(" ORDER BY seq");
        if (query.limit() > 0) {
            sql.append(" LIMIT ").append(query.limit());
        }
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(args)).map(rows -> {
            List<QueryRecord> out = new ArrayList<>(rows.size());
            for (Row row : rows) {
                out.add(record(row));
            }
            return out;
        });
    }

    private static QueryRecord record(Row r) {
        QueryRecord.Feedback f = null;
        if (r.getOffsetDateTime(19) != null) {
            f = new QueryRecord.Feedback(QueryRecord.Rating.parse(r.getString(17)), r.getString(18), r.getOffsetDateTime(19).toInstant());
        }
        return new QueryRecord(r.getString(0), r.getOffsetDateTime(1).toInstant(), r.getString(2), r.getDouble(3), r.getDouble(4),
                r.getString(5), QueryLogJson.read(r.getString(6), QueryRecord.Request.class), answer(r.getString(7)), r.getBoolean(8),
                r.getString(9), r.getString(10), r.getBoolean(11), answer(r.getString(12)), r.getDouble(13), r.getDouble(14),
                r.getInteger(15), r.getInteger(16), f,
                r.getString(20) == null ? null : QueryLogJson.read(r.getString(20), ConfidenceSignals.class));
    }

    private static QueryRecord.Answer answer(String json) {
        return json == null ? null : QueryLogJson.read(json, QueryRecord.Answer.class);
    }

    @Override
    public QueryLogStats stats() {
        long at = lastErrorMillis;
        return new QueryLogStats(appended.get(), acknowledged.get(), dropped.get(), failed.get(), lastError,
                at == 0 ? null : java.time.Instant.ofEpochMilli(at), problem);
    }

    @Override
    public Future<Void> close() {
        closing = true;
        List<Future<Void>> inFlight = List.copyOf(inserting.values());
        return Future.join(inFlight).transform(x -> pool.close());
    }

    private void bind(MeterRegistry registry) {
        String sink = "postgresql";
        FunctionCounter.builder("cascade4j.querylog.appended", appended, AtomicLong::get).tag("sink", sink).register(registry);
        FunctionCounter.builder("cascade4j.querylog.acknowledged", acknowledged, AtomicLong::get).tag("sink", sink).register(registry);
        FunctionCounter.builder("cascade4j.querylog.dropped", dropped, AtomicLong::get).tag("sink", sink).register(registry);
        FunctionCounter.builder("cascade4j.querylog.failed", failed, AtomicLong::get).tag("sink", sink).register(registry);
        Gauge.builder("cascade4j.querylog.queued", pending, AtomicInteger::get).tag("sink", sink).register(registry);
        Gauge.builder("cascade4j.querylog.failing", this, l -> l.problem == null ? 0 : 1).tag("sink", sink).register(registry);
        Gauge.builder("cascade4j.querylog.last.error.time", this, l -> l.lastErrorMillis / 1000.0).tag("sink", sink)
                .baseUnit("seconds").register(registry);
    }

    /** Builder with defaults: a pool of 4 connections, 10,000 inserts in flight, every redaction on. */
    public static final class Builder {
        private final Vertx vertx;
        private final PgConnectOptions options;
        private int poolSize = 4;
        private int maxPending = 10_000;
        private Redactor redactor = Redactor.all();
        private MeterRegistry registry;

        private Builder(Vertx vertx, PgConnectOptions options) {
            this.vertx = Objects.requireNonNull(vertx, "vertx");
            this.options = Objects.requireNonNull(options, "options");
        }

        public Builder poolSize(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("poolSize must be at least 1, got " + n);
            }
            this.poolSize = n;
            return this;
        }

        /** Inserts in flight; beyond it appends are dropped and counted. */
        public Builder maxPending(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxPending must be at least 1, got " + n);
            }
            this.maxPending = n;
            return this;
        }

        public Builder redactor(Redactor redactor) {
            this.redactor = Objects.requireNonNull(redactor, "redactor");
            return this;
        }

        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** Connects, creates or migrates the schema, and completes with the log; fails naming the server when it cannot. */
        public Future<PostgresQueryLog> open() {
            Pool pool = PgBuilder.pool()
                    .with(new PoolOptions().setMaxSize(poolSize).setMaxWaitQueueSize(maxPending))
                    .connectingTo(options)
                    .using(vertx)
                    .build();
            String where = options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
            return migrate(pool)
                    .map(v -> {
                        LOG.log(System.Logger.Level.INFO, "query log at PostgreSQL " + where + ", schema version " + v);
                        return new PostgresQueryLog(pool, this);
                    })
                    .recover(e -> pool.close().transform(x -> Future.failedFuture(new QueryLogException(
                            "cannot open the query log at PostgreSQL " + where + " as user '" + options.getUser() + "': " + e.getMessage(), e))));
        }
    }
}
