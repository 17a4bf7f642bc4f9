package dev.cascade4j.cli.bench;

import dev.cascade4j.agent.log.JsonlQueryLog;
import dev.cascade4j.agent.log.JsonlSegments;
import dev.cascade4j.agent.log.LogQuery;
import dev.cascade4j.agent.log.PostgresQueryLog;
import dev.cascade4j.agent.log.QueryLog;
import dev.cascade4j.agent.log.QueryLogStats;
import dev.cascade4j.agent.log.QueryLogVerticle;
import dev.cascade4j.agent.log.QueryRecord;
import java.util.Map;
import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.Timings;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.inference.Usage;
import dev.cascade4j.router.EscalationReason;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.RouterCodecs;
import dev.cascade4j.router.Router;
import dev.cascade4j.router.RoutingDecision;
import dev.cascade4j.router.Subtask;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./cascade4j bench log}: what logging adds to each routed subtask. 64 callers (threads)
 * each publish routed answers on {@link Router#ROUTED_ADDRESS} as the router does, and wait for
 * the record's acknowledgement before the next (closed loop, so nothing is dropped by design and
 * any loss is a bug). Measured: the caller-visible cost (the publish call), the log's
 * append-to-acknowledge time, and records missing when the log is read back.
 */
@Command(name = "log", description = "Query-log overhead per routed subtask (JSONL, and PostgreSQL when given).")
public final class QueryLogBenchmark implements Callable<Integer> {
    @Option(names = "--records", paramLabel = "N", description = "records appended (default ${DEFAULT-VALUE})")
    int records = 64_000;
    @Option(names = "--callers", paramLabel = "N", description = "concurrent callers (default ${DEFAULT-VALUE})")
    int callers = 64;
    @Option(names = "--rate", paramLabel = "N", description = "records per second in all, 0 = as fast as acknowledged (default ${DEFAULT-VALUE})")
    int rate = 0;
    @Option(names = "--pg-url", paramLabel = "URL", description = "PostgreSQL too (default: CASCADE4J_TEST_PG_URL)")
    String pgUrl = System.getenv("CASCADE4J_TEST_PG_URL");
    @Option(names = "--pg-user", paramLabel = "U", description = "(default: CASCADE4J_TEST_PG_USER)")
    String pgUser = System.getenv("CASCADE4J_TEST_PG_USER");
    @Option(names = "--pg-password", paramLabel = "P", description = "(default: CASCADE4J_TEST_PG_PASSWORD)")
    String pgPassword = System.getenv("CASCADE4J_TEST_PG_PASSWORD");

    @Override
    public Integer call() {
        Vertx vertx = Vertx.vertx();
        RouterCodecs.register(vertx); // RoutedAnswer by reference, as the router sends it
        try {
            List<Result> results = new ArrayList<>();
            Path dir = Files.createTempDirectory("cascade4j-bench-log");
            results.add(measure(vertx, "JSONL", v -> Future.succeededFuture(JsonlQueryLog.builder(dir).open()),
                    () -> idsInJsonl(dir), records, callers, rate));
            if (pgUrl != null && !pgUrl.isBlank()) {
                PgConnectOptions pg = PgConnectOptions.fromUri(pgUrl);
                if (pgUser != null) {
                    pg.setUser(pgUser);
                }
                if (pgPassword != null) {
                    pg.setPassword(pgPassword);
                }
                results.add(measure(vertx, "PostgreSQL", v -> PostgresQueryLog.builder(v, pg).poolSize(4).open().map(l -> l),
                        () -> idsInPostgres(vertx, pg), records, callers, rate));
            } else {
                System.out.println("PostgreSQL skipped: give --pg-url postgresql://host:port/db --pg-user U --pg-password P");
            }
            System.out.printf("%n%d routed subtasks per sink, %d concurrent callers, %s, %d cores%n", records, callers,
                    rate > 0 ? "paced at " + rate + " subtasks/s in all" : "each waiting for its acknowledgement (saturation)",
                    Runtime.getRuntime().availableProcessors());
            System.out.printf("%-11s %14s %14s %14s %14s %12s %8s %8s%n", "sink", "publish p50", "publish p99",
                    "ack p50", "ack p99", "records/s", "lost", "dropped");
            for (Result r : results) {
                System.out.printf("%-11s %11.1f µs %11.1f µs %11.3f ms %11.3f ms %12.0f %8d %8d%n", r.sink, r.publish.p(50) / 1e3,
                        r.publish.p(99) / 1e3, r.ack.p(50) / 1e6, r.ack.p(99) / 1e6, r.throughput, r.lost, r.stats.dropped());
            }
            return results.stream().allMatch(r -> r.lost == 0) ? 0 : 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private record Result(String sink, Samples publish, Samples ack, double throughput, long lost, QueryLogStats stats) {
    }

    private interface Opener extends java.util.function.Function<Vertx, Future<QueryLog>> {
    }

    private interface IdReader {
        Set<String> ids() throws Exception;
    }

    private static Result measure(Vertx vertx, String sink, Opener opener, IdReader reader, int records, int callers, int rate) {
        TimedLog[] timed = new TimedLog[1];
        String dep = join(vertx.deployVerticle(new QueryLogVerticle(v -> opener.apply(v).map(l -> {
            timed[0] = new TimedLog(l);
            return timed[0];
        }))));
        String run = UUID.randomUUID().toString().substring(0, 8);
        // warm-up: JIT, connections, first segment
        drive(vertx, timed[0], run + "-warm", Math.min(records, 4_000), callers, 0, new Samples(records));
        timed[0].ackNanos.clear();
        Samples publish = new Samples(records);
        long t0 = System.nanoTime();
        drive(vertx, timed[0], run, records, callers, rate, publish);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Samples ack = new Samples(records);
        timed[0].ackNanos.forEach(ack::add);
        QueryLogStats stats = timed[0].stats();
        join(vertx.undeploy(dep));
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < records; i++) {
            expected.add(run + "-" + i);
        }
        long lost;
        try {
            Set<String> found = reader.ids();
            lost = expected.stream().filter(id -> !found.contains(id)).count();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the " + sink + " log back: " + e.getMessage(), e);
        }
        System.out.printf("%s: %d records in %.2f s%n", sink, records, seconds);
        return new Result(sink, publish, ack, records / seconds, lost, stats);
    }

    /**
     * {@code callers} threads, each publishing its share and waiting for each record's acknowledgement;
     * with a {@code rate}, each caller also keeps to its share of that rate (open-loop schedule).
     */
    private static void drive(Vertx vertx, TimedLog log, String prefix, int records, int callers, int rate, Samples publish) {
        long start = System.nanoTime();
        double interval = rate > 0 ? 1e9 * callers / rate : 0;
        CountDownLatch done = new CountDownLatch(callers);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            int caller = c;
            threads.add(Thread.ofPlatform().name("caller-" + c).start(() -> {
                try {
                    long k = 0;
                    for (int i = caller; i < records; i += callers, k++) {
                        if (interval > 0) {
                            long due = start + (long) (interval * k + interval * caller / callers);
                            long wait;
                            while ((wait = due - System.nanoTime()) > 0) {
                                java.util.concurrent.locks.LockSupport.parkNanos(wait);
                            }
                        }
                        String id = prefix + "-" + i;
                        RoutedAnswer answer = routedAnswer(id, i);
                        CompletableFuture<Void> acked = log.expect(id);
                        long t0 = System.nanoTime();
                        vertx.eventBus().publish(Router.ROUTED_ADDRESS, answer);
                        publish.add(System.nanoTime() - t0);
                        acked.get(30, TimeUnit.SECONDS);
                    }
                } catch (Exception e) {
                    System.err.println("caller " + caller + " stopped: " + e);
                } finally {
                    done.countDown();
                }
            }));
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final ToolSpec TOOL = new ToolSpec("get_weather", "Current weather in a city", null);

    private static RoutedAnswer routedAnswer(String id, int i) {
        String city = "City" + (i % 500);
        GenerationRequest req = GenerationRequest.builder().system("You answer weather questions with the tool.")
                .user("What is the weather in " + city + " today? Reply to ops" + i + "@example.com if it snows.")
                .tools(List.of(TOOL)).build();
        GenerationResult slm = new GenerationResult("", List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"" + city + "\"}")),
                FinishReason.TOOL_CALLS, new Confidence(0.8, 3, 0.7, 0.75, -0.2, 0.3, 0.5, 1), new Usage(150, 100, 9, 5), new Timings(0, 15, 40));
        return new RoutedAnswer(new Subtask(id, req, null, null, Instant.now()),
                new RoutingDecision(id, "weather", 0.9, 0.8, false, EscalationReason.NONE, "smollm2", false, "ok"),
                slm, slm, null, Duration.ofMillis(60), Duration.ofNanos(500_000));
    }

    private static Set<String> idsInJsonl(Path dir) {
        Set<String> ids = new HashSet<>();
        JsonlSegments.scan(dir, LogQuery.ALL).records().forEach(r -> ids.add(r.id()));
        return ids;
    }

    private static Set<String> idsInPostgres(Vertx vertx, PgConnectOptions pg) {
        Pool pool = PgBuilder.pool().connectingTo(pg).using(vertx).build();
        try {
            Set<String> ids = ConcurrentHashMap.newKeySet();
            join(pool.query("SELECT id FROM cascade4j_queries").execute()).forEach(r -> ids.add(r.getString(0)));
            return ids;
        } finally {
            join(pool.close());
        }
    }

    private static <T> T join(Future<T> f) {
        return f.toCompletionStage().toCompletableFuture().join();
    }

    /** Times append-to-acknowledge of the log it wraps, and tells callers when their record is acknowledged. */
    private static final class TimedLog implements QueryLog {
        private final QueryLog log;
        private final Map<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
        final java.util.Queue<Long> ackNanos = new java.util.concurrent.ConcurrentLinkedQueue<>();

        TimedLog(QueryLog log) {
            this.log = log;
        }

        CompletableFuture<Void> expect(String id) {
            return waiting.computeIfAbsent(id, k -> new CompletableFuture<>());
        }

        @Override
        public Future<Void> append(QueryRecord record) {
            long t0 = System.nanoTime();
            return log.append(record).onComplete(ar -> {
                ackNanos.add(System.nanoTime() - t0);
                CompletableFuture<Void> w = waiting.remove(record.id());
                if (w != null) {
                    if (ar.succeeded()) {
                        w.complete(null);
                    } else {
                        w.completeExceptionally(ar.cause());
                    }
                }
            });
        }

        @Override
        public Future<Void> feedback(String id, QueryRecord.Feedback feedback) {
            return log.feedback(id, feedback);
        }

        @Override
        public Future<List<QueryRecord>> read(LogQuery query) {
            return log.read(query);
        }

        @Override
        public QueryLogStats stats() {
            return log.stats();
        }

        @Override
        public Future<Void> close() {
            return log.close();
        }
    }

    /** Latency samples in nanoseconds. */
    private static final class Samples {
        private long[] values;
        private int n;

        Samples(int capacity) {
            values = new long[Math.max(16, capacity)];
        }

        synchronized void add(long v) {
            if (n == values.length) {
                values = Arrays.copyOf(values, n * 2);
            }
            values[n++] = v;
        }

        synchronized double p(double pct) {
            if (n == 0) {
                return Double.NaN;
            }
            long[] sorted = Arrays.copyOf(values, n);
            Arrays.sort(sorted);
            return sorted[Math.min(n - 1, (int) Math.ceil(pct / 100 * n) - 1)];
        }
    }

}
