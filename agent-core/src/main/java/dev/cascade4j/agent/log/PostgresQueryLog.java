package dev.cascade4j.agent.log;

import dev.cascade4j.inference.internal.OptionalDependency;
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
import io.vertx.sqlclient.Tuple;
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

    private final Pool pool;
    private final Redactor redactor;
    private final int maxPending;
    private final String target;
    private final AtomicInteger pending = new AtomicInteger();
    // Inserts still in flight, so feedback that overtakes its record waits for it instead of missing it.
    private final Map<String, Future<Void>> inserting = new ConcurrentHashMap<>();
    private final QueryLogCounters counters = new QueryLogCounters();
    private final RateLimitedWarning warnDrop = new RateLimitedWarning();
    private final RateLimitedWarning warnWrite = new RateLimitedWarning();
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
        return PostgresSchema.MIGRATIONS.size();
    }

    @Override
    public Future<Void> append(QueryRecord record) {
        Objects.requireNonNull(record, "record");
        if (closing) {
            return Future.failedFuture(new QueryLogException("query log " + target + " is closed; record " + record.id() + " not written"));
        }
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            long n = counters.dropped.incrementAndGet();
            String msg = "query log has " + maxPending + " inserts in flight; record " + record.id() + " dropped";
            warnDrop.warn(msg + " (" + n + " dropped so far); the database is slower than the traffic");
            return Future.failedFuture(new QueryLogException.Dropped(msg));
        }
        counters.appended.incrementAndGet();
        Future<Void> f;
        try {
            f = pool.preparedQuery(PostgresRows.INSERT).execute(PostgresRows.insertTuple(redactor.redact(record))).mapEmpty();
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        Future<Void> done = f.transform(ar -> {
            pending.decrementAndGet();
            if (ar.succeeded()) {
                counters.acknowledged.incrementAndGet();
                counters.recovered();
                return Future.succeededFuture();
            }
            return Future.failedFuture(writeFailed("record " + record.id(), ar.cause()));
        });
        inserting.put(record.id(), done);
        done.onComplete(ar -> inserting.remove(record.id(), done));
        return done;
    }

    private QueryLogException writeFailed(String what, Throwable cause) {
        counters.failed.incrementAndGet();
        String msg = "cannot write " + what + " to the query log at " + target + ": " + cause.getMessage();
        counters.failing(msg, "cannot write to the database: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()));
        warnWrite.warn(msg + "; the service keeps answering");
        return new QueryLogException.WriteFailed(msg, cause);
    }

    @Override
    public Future<Void> feedback(String id, QueryRecord.Feedback feedback) {
        Objects.requireNonNull(id, "id");
        QueryRecord.Feedback f = new QueryRecord.Feedback(feedback.rating(), redactor.redact(feedback.correction()), feedback.time());
        Future<Void> before = inserting.getOrDefault(id, Future.succeededFuture());
        return before.transform(x -> pool.preparedQuery(PostgresRows.FEEDBACK)
                        .execute(Tuple.of(id, f.rating() == null ? null : f.rating().json(), f.correction(), PostgresRows.time(f.time()))))
                .compose(rows -> rows.rowCount() > 0 ? Future.succeededFuture()
                        // nothing updated: either newer feedback is already there, or there is no such record
                        : pool.preparedQuery("SELECT 1 FROM " + PostgresSchema.TABLE + " WHERE id = $1").execute(Tuple.of(id))
                                .compose(r -> r.size() > 0 ? Future.<Void>succeededFuture()
                                        : Future.failedFuture(new QueryLogException.UnknownRecord(id))),
                        e -> Future.failedFuture(writeFailed("feedback for " + id, e)));
    }

    @Override
    public Future<List<QueryRecord>> read(LogQuery query) {
        StringBuilder sql = new StringBuilder(PostgresRows.SELECT);
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
            args.add(PostgresRows.time(query.since()));
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
                out.add(PostgresRows.record(row));
            }
            return out;
        });
    }

    @Override
    public QueryLogStats stats() {
        return counters.stats();
    }

    @Override
    public Future<Void> close() {
        closing = true;
        List<Future<Void>> inFlight = List.copyOf(inserting.values());
        return Future.join(inFlight).transform(x -> pool.close());
    }

    private void bind(MeterRegistry registry) {
        String sink = "postgresql";
        FunctionCounter.builder("cascade4j.querylog.appended", counters.appended, AtomicLong::get).tag("sink", sink).register(registry);
        FunctionCounter.builder("cascade4j.querylog.acknowledged", counters.acknowledged, AtomicLong::get).tag("sink", sink).register(registry);
        FunctionCounter.builder("cascade4j.querylog.dropped", counters.dropped, AtomicLong::get).tag("sink", sink).register(registry);
        FunctionCounter.builder("cascade4j.querylog.failed", counters.failed, AtomicLong::get).tag("sink", sink).register(registry);
        Gauge.builder("cascade4j.querylog.queued", pending, AtomicInteger::get).tag("sink", sink).register(registry);
        Gauge.builder("cascade4j.querylog.failing", counters, c -> c.problem() == null ? 0 : 1).tag("sink", sink).register(registry);
        Gauge.builder("cascade4j.querylog.last.error.time", counters, c -> c.lastErrorMillis() / 1000.0).tag("sink", sink)
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
            return PostgresSchema.migrate(pool)
                    .map(v -> {
                        LOG.log(System.Logger.Level.INFO, "query log at PostgreSQL " + where + ", schema version " + v);
                        return new PostgresQueryLog(pool, this);
                    })
                    .recover(e -> pool.close().transform(x -> Future.failedFuture(new QueryLogException(
                            "cannot open the query log at PostgreSQL " + where + " as user '" + options.getUser() + "': " + e.getMessage(), e))));
        }
    }
}
