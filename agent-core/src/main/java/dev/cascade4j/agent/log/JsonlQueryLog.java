package dev.cascade4j.agent.log;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded query log: append-only JSONL segment files ({@code queries-000001.jsonl}, ...) in one
 * folder, written by a single writer thread fed by a bounded queue.
 *
 * <p><b>Acknowledged</b> means the record's line was handed to the operating system with
 * {@code write(2)} and the call returned: it survives a crash or {@code kill -9} of this process,
 * but not a power loss until the next fsync. Segments are fsynced when they rotate and when the log
 * closes. {@link #append} returns a future that completes at acknowledgement, or fails with
 * {@link QueryLogException.Dropped} at once when the queue is full (the caller is never held up) or
 * with {@link QueryLogException.WriteFailed} when the disk refuses the write.
 *
 * <p>Lines are whole JSON objects ending in {@code \n}, of two types: {@code "type":"query"} (a
 * {@link QueryRecord}) and {@code "type":"feedback"} (merged into its record on read). A line torn by
 * a crash is skipped on read, and on reopening the writer starts new records on a fresh line, so a
 * torn tail never damages records before or after it.
 */
public final class JsonlQueryLog implements QueryLog {
    private final Path dir;
    private final BlockingQueue<JsonlEntry> queue;
    private final int queueCapacity;
    private final QueryLogCounters counters = new QueryLogCounters();
    private final JsonlWriter writer;
    private volatile boolean closing;
    private final Promise<Void> closed = Promise.promise();
    private final RateLimitedWarning warnDrop = new RateLimitedWarning();

    private JsonlQueryLog(Builder b) {
        this.dir = b.dir.toAbsolutePath();
        this.queueCapacity = b.queueCapacity;
        this.queue = new ArrayBlockingQueue<>(b.queueCapacity);
        this.writer = new JsonlWriter(dir, queue, b.maxSegmentBytes, b.flushInterval, b.redactor, counters);
        Thread thread = Thread.ofPlatform().name("cascade4j-query-log-writer").daemon(true).unstarted(writer);
        if (b.registry != null) {
            bind(b.registry);
        }
        thread.start();
    }

    /** A log writing to {@code dir} (created when missing); see {@link DataDirectory#queries}. */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    public Path directory() {
        return dir;
    }

    @Override
    public Future<Void> append(QueryRecord record) {
        Objects.requireNonNull(record, "record");
        return offer(new JsonlEntry.Append(record, Promise.promise()), record.id());
    }

    @Override
    public Future<Void> feedback(String id, QueryRecord.Feedback feedback) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(feedback, "feedback");
        return offer(new JsonlEntry.Feedback(id, feedback, Promise.promise()), id);
    }

    private Future<Void> offer(JsonlEntry e, String id) {
        if (closing) {
            return Future.failedFuture(new QueryLogException("query log " + dir + " is closed; record " + id + " not written"));
        }
        if (!queue.offer(e)) {
            long n = counters.dropped.incrementAndGet();
            String msg = "query log queue full (" + queueCapacity + " waiting); record " + id + " dropped";
            warnDrop.warn(msg + " (" + n + " dropped so far); the disk is slower than the traffic, raise queueCapacity or use a faster disk");
            return Future.failedFuture(new QueryLogException.Dropped(msg));
        }
        if (e instanceof JsonlEntry.Append) {
            counters.appended.incrementAndGet();
        }
        if (writer.done()) {
            writer.failQueued();
        }
        return e.promise().future();
    }

    @Override
    public Future<List<QueryRecord>> read(LogQuery query) {
        Promise<List<QueryRecord>> p = Promise.promise();
        Thread.ofVirtual().name("cascade4j-query-log-read").start(() -> {
            try {
                p.complete(JsonlSegments.scan(dir, query).records());
            } catch (Throwable t) {
                p.fail(t);
            }
        });
        return p.future();
    }

    @Override
    public QueryLogStats stats() {
        return counters.stats();
    }

    @Override
    public Future<Void> close() {
        if (!closing) {
            closing = true;
            // put() may wait for room; do it off the caller's thread.
            Thread.ofVirtual().start(() -> {
                try {
                    queue.put(new JsonlEntry.Close(closed));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed.tryFail(e);
                }
            });
        }
        return closed.future();
    }

    private void bind(MeterRegistry registry) {
        String sink = "jsonl";
        FunctionCounter.builder("cascade4j.querylog.appended", counters.appended, AtomicLong::get).tag("sink", sink)
                .description("records accepted for writing").register(registry);
        FunctionCounter.builder("cascade4j.querylog.acknowledged", counters.acknowledged, AtomicLong::get).tag("sink", sink)
                .description("records written").register(registry);
        FunctionCounter.builder("cascade4j.querylog.dropped", counters.dropped, AtomicLong::get).tag("sink", sink)
                .description("records dropped because the queue was full").register(registry);
        FunctionCounter.builder("cascade4j.querylog.failed", counters.failed, AtomicLong::get).tag("sink", sink)
                .description("records or feedback the disk refused").register(registry);
        Gauge.builder("cascade4j.querylog.queued", queue, BlockingQueue::size).tag("sink", sink)
                .description("lines waiting for the writer").register(registry);
        Gauge.builder("cascade4j.querylog.failing", counters, c -> c.problem() == null ? 0 : 1).tag("sink", sink)
                .description("1 while the last write failed (records are being lost), else 0").register(registry);
        Gauge.builder("cascade4j.querylog.last.error.time", counters, c -> c.lastErrorMillis() / 1000.0).tag("sink", sink)
                .baseUnit("seconds").description("when the last write failed, in seconds since the epoch; 0 if never").register(registry);
    }

    /** Builder with defaults: 64 MiB segments, write as soon as the writer wakes, 65,536 queued lines, every redaction on. */
    public static final class Builder {
        private final Path dir;
        private long maxSegmentBytes = 64L << 20;
        private Duration flushInterval = Duration.ZERO;
        private int queueCapacity = 65_536;
        private Redactor redactor = Redactor.all();
        private MeterRegistry registry;

        private Builder(Path dir) {
            this.dir = Objects.requireNonNull(dir, "dir");
        }

        /** A segment that reaches this size is fsynced and closed, and the next one begins. */
        public Builder maxSegmentBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxSegmentBytes must be at least 1024, got " + bytes);
            }
            this.maxSegmentBytes = bytes;
            return this;
        }

        /**
         * How long the writer gathers lines before one {@code write(2)}: zero (the default) writes
         * whatever is queued as soon as the writer wakes, which batches by itself under load; a
         * positive interval trades acknowledgement latency for fewer system calls.
         */
        public Builder flushInterval(Duration interval) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("flushInterval must not be negative");
            }
            this.flushInterval = interval;
            return this;
        }

        /** Lines waiting for the writer; beyond it appends are dropped and counted. */
        public Builder queueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1, got " + capacity);
            }
            this.queueCapacity = capacity;
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

        /** Starts the writer. The folder is created on the first write; errors then are reported per record, never thrown here. */
        public JsonlQueryLog open() {
            return new JsonlQueryLog(this);
        }
    }
}
