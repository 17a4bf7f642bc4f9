package dev.cascade4j.agent.log;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
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
    private static final System.Logger LOG = System.getLogger(JsonlQueryLog.class.getName());
    private static final byte[] QUERY_PREFIX = "{\"type\":\"query\",".getBytes(StandardCharsets.UTF_8);
    private static final int WRITE_CHUNK = 256 * 1024;

    private final Path dir;
    private final long maxSegmentBytes;
    private final Duration flushInterval;
    private final Redactor redactor;
    private final BlockingQueue<Entry> queue;
    private final int queueCapacity;
    private final Thread writer;

    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile String lastError;
    private volatile long lastErrorMillis;
    private volatile String problem;
    private volatile boolean closing;
    private volatile boolean writerDone;
    private final Promise<Void> closed = Promise.promise();
    private final RateLimitedWarning warnDrop = new RateLimitedWarning();
    private final RateLimitedWarning warnWrite = new RateLimitedWarning();

    // Writer-thread state.
    private FileChannel channel;
    private FileChannel lockChannel;
    private FileLock lock;
    private Path segment;
    private long segmentSize;

    private sealed interface Entry {
        Promise<Void> promise();
    }

    private record AppendEntry(QueryRecord record, Promise<Void> promise) implements Entry {
    }

    private record FeedbackEntry(String id, QueryRecord.Feedback feedback, Promise<Void> promise) implements Entry {
    }

    private record CloseEntry(Promise<Void> promise) implements Entry {
    }

    private JsonlQueryLog(Builder b) {
        this.dir = b.dir.toAbsolutePath();
        this.maxSegmentBytes = b.maxSegmentBytes;
        this.flushInterval = b.flushInterval;
        this.redactor = b.redactor;
        this.queueCapacity = b.queueCapacity;
        this.queue = new ArrayBlockingQueue<>(b.queueCapacity);
        this.writer = Thread.ofPlatform().name("cascade4j-query-log-writer").daemon(true).unstarted(this::writeLoop);
        if (b.registry != null) {
            bind(b.registry);
        }
        writer.start();
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
        return offer(new AppendEntry(record, Promise.promise()), record.id());
    }

    @Override
    public Future<Void> feedback(String id, QueryRecord.Feedback feedback) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(feedback, "feedback");
        return offer(new FeedbackEntry(id, feedback, Promise.promise()), id);
    }

    private Future<Void> offer(Entry e, String id) {
        if (closing) {
            return Future.failedFuture(new QueryLogException("query log " + dir + " is closed; record " + id + " not written"));
        }
        if (!queue.offer(e)) {
            long n = dropped.incrementAndGet();
            String msg = "query log queue full (" + queueCapacity + " waiting); record " + id + " dropped";
            warnDrop.warn(msg + " (" + n + " dropped so far); the disk is slower than the traffic, raise queueCapacity or use a faster disk");
            return Future.failedFuture(new QueryLogException.Dropped(msg));
        }
        if (e instanceof AppendEntry) {
            appended.incrementAndGet();
        }
        if (writerDone) {
            failQueued();
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
        long at = lastErrorMillis;
        return new QueryLogStats(appended.get(), acknowledged.get(), dropped.get(), failed.get(), lastError,
                at == 0 ? null : java.time.Instant.ofEpochMilli(at), problem);
    }

    @Override
    public Future<Void> close() {
        if (!closing) {
            closing = true;
            // put() may wait for room; do it off the caller's thread.
            Thread.ofVirtual().start(() -> {
                try {
                    queue.put(new CloseEntry(closed));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed.tryFail(e);
                }
            });
        }
        return closed.future();
    }

    private void writeLoop() {
        List<Entry> batch = new ArrayList<>();
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64 * 1024);
        List<Entry> inBuf = new ArrayList<>();
        boolean running = true;
        while (running) {
            try {
                batch.add(queue.take());
                if (!flushInterval.isZero()) {
                    long deadline = System.nanoTime() + flushInterval.toNanos();
                    long left;
                    while ((left = deadline - System.nanoTime()) > 0 && batch.size() < 4096) {
                        Entry e = queue.poll(left, TimeUnit.NANOSECONDS);
                        if (e == null) {
                            break;
                        }
                        batch.add(e);
                    }
                }
                queue.drainTo(batch, 4096);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            for (Entry e : batch) {
                if (e instanceof CloseEntry c) {
                    flush(buf, inBuf);
                    closeFiles(c.promise());
                    running = false;
                    break;
                }
                try {
                    buf.writeBytes(line(e));
                    inBuf.add(e);
                } catch (RuntimeException bad) {
                    failed.incrementAndGet();
                    e.promise().tryFail(new QueryLogException("cannot serialise " + describe(e) + ": " + bad.getMessage(), bad));
                }
                // segments rotate at a line boundary once they reach the limit
                if (buf.size() >= WRITE_CHUNK || segmentSize + buf.size() >= maxSegmentBytes) {
                    flush(buf, inBuf);
                }
            }
            if (running) {
                flush(buf, inBuf);
            }
            batch.clear();
        }
        writerDone = true;
        failQueued();
    }

    // Anything queued after close fails rather than hangs. The writer sets writerDone before its last
    // drain, and offer() drains again when it sees the flag, so no entry is left behind.
    private void failQueued() {
        Entry e;
        while ((e = queue.poll()) != null) {
            e.promise().tryFail(new QueryLogException("query log " + dir + " is closed"));
        }
    }

    private byte[] line(Entry e) {
        return switch (e) {
            case AppendEntry a -> {
                byte[] json = QueryLogJson.write(redactor.redact(a.record())).getBytes(StandardCharsets.UTF_8);
                // the record's own "{" is replaced by the prefix, which ends in ","; then the newline
                byte[] out = new byte[QUERY_PREFIX.length + json.length];
                System.arraycopy(QUERY_PREFIX, 0, out, 0, QUERY_PREFIX.length);
                System.arraycopy(json, 1, out, QUERY_PREFIX.length, json.length - 1);
                out[out.length - 1] = '\n';
                yield out;
            }
            case FeedbackEntry f -> {
                var node = QueryLogJson.MAPPER.createObjectNode().put("type", "feedback").put("id", f.id());
                QueryRecord.Feedback redacted = new QueryRecord.Feedback(f.feedback().rating(),
                        redactor.redact(f.feedback().correction()), f.feedback().time());
                node.setAll((com.fasterxml.jackson.databind.node.ObjectNode) QueryLogJson.MAPPER.valueToTree(redacted));
                yield withNewline(QueryLogJson.write(node).getBytes(StandardCharsets.UTF_8));
            }
            case CloseEntry _ -> throw new IllegalStateException("close is not a line");
        };
    }

    private static byte[] withNewline(byte[] json) {
        byte[] out = new byte[json.length + 1];
        System.arraycopy(json, 0, out, 0, json.length);
        out[json.length] = '\n';
        return out;
    }

    private static String describe(Entry e) {
        return switch (e) {
            case AppendEntry a -> "record " + a.record().id();
            case FeedbackEntry f -> "feedback for " + f.id();
            case CloseEntry _ -> "close";
        };
    }

    /** Writes the buffered lines; on success acknowledges them, on failure fails them and reopens next time. */
    private void flush(ByteArrayOutputStream buf, List<Entry> inBuf) {
        if (inBuf.isEmpty()) {
            buf.reset();
            return;
        }
        try {
            ensureOpen();
            ByteBuffer bb = ByteBuffer.wrap(buf.toByteArray());
            while (bb.hasRemaining()) {
                channel.write(bb);
            }
            segmentSize += buf.size();
            problem = null;
            for (Entry e : inBuf) {
                if (e instanceof AppendEntry) {
                    acknowledged.incrementAndGet();
                }
                e.promise().tryComplete();
            }
        } catch (IOException | RuntimeException ex) {
            String msg = "cannot write the query log in " + dir + ": " + reason(ex);
            lastError = msg;
            lastErrorMillis = System.currentTimeMillis();
            problem = "cannot write records: " + withoutPaths(ex);
            failed.addAndGet(inBuf.size());
            warnWrite.warn(msg + "; " + inBuf.size() + " lines lost, " + failed.get() + " in all; the service keeps answering");
            QueryLogException err = new QueryLogException.WriteFailed(msg, ex);
            for (Entry e : inBuf) {
                e.promise().tryFail(err);
            }
            // A failed write may have left half a line: drop the channel so that the next write
            // reopens, which starts on a fresh line.
            closeChannelQuietly();
        } finally {
            buf.reset();
            inBuf.clear();
        }
        if (channel != null && segmentSize >= maxSegmentBytes) {
            try {
                rotate();
            } catch (IOException ex) {
                // the lines are written; only the next segment could not be started
                lastError = "cannot rotate the query log in " + dir + ": " + reason(ex);
                lastErrorMillis = System.currentTimeMillis();
                problem = "cannot start a new segment: " + withoutPaths(ex);
                warnWrite.warn(lastError + "; retried at the next write");
                closeChannelQuietly();
            }
        }
    }

    /**
     * What the operating system said, without the file it said it about: a readiness probe may be read
     * by more people than the server log, which keeps the whole message.
     */
    static String withoutPaths(Exception ex) {
        String said = switch (ex) {
            case java.nio.file.AccessDeniedException _ -> "permission denied";
            case java.nio.file.NoSuchFileException _ -> "a folder on the way to the log is missing";
            case java.nio.file.FileAlreadyExistsException _ -> "a file stands where the log folder or one of its parents should be";
            case java.nio.file.NotDirectoryException _ -> "a file stands where the log folder or one of its parents should be";
            case java.nio.file.FileSystemException f when f.getReason() != null -> f.getReason();
            default -> ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        };
        return said.replaceAll("(?<![\\w.])/[^\\s:;,()'\"]+", "(path)");
    }

    private static String reason(Exception ex) {
        String m = ex.getMessage();
        return ex.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
    }

    private void ensureOpen() throws IOException {
        if (channel != null) {
            return;
        }
        Files.createDirectories(dir);
        if (lock == null) {
            lockChannel = FileChannel.open(dir.resolve("writer.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                lockChannel.close();
                lockChannel = null;
                throw new IOException("another writer holds the folder's writer.lock; one process writes a log folder at a time");
            }
        }
        List<JsonlSegments.Segment> segments = JsonlSegments.list(dir);
        if (!segments.isEmpty() && Files.size(segments.getLast().path()) < maxSegmentBytes) {
            openSegment(segments.getLast().path(), false);
        } else {
            long next = segments.isEmpty() ? 1 : segments.getLast().number() + 1;
            openSegment(dir.resolve(JsonlSegments.name(next)), true);
        }
    }

    private void openSegment(Path path, boolean fresh) throws IOException {
        FileChannel ch = fresh
                ? FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ);
        try {
            long size = ch.size();
            // the only writer (see writer.lock), so positioning at the end is as good as O_APPEND
            ch.position(size);
            if (size > 0) {
                ByteBuffer last = ByteBuffer.allocate(1);
                ch.read(last, size - 1);
                if (last.get(0) != '\n') {
                    // A torn tail from a crash: end it, so the next record starts on its own line.
                    ch.write(ByteBuffer.wrap(new byte[] {'\n'}));
                    size++;
                    LOG.log(System.Logger.Level.WARNING, "query log " + path + " ended in a torn line (a crash mid-write); it is skipped on read");
                }
            }
            channel = ch;
            segment = path;
            segmentSize = size;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    private void rotate() throws IOException {
        channel.force(true);
        channel.close();
        channel = null;
        long next = JsonlSegments.number(segment.getFileName().toString()) + 1;
        openSegment(dir.resolve(JsonlSegments.name(next)), true);
    }

    private void closeFiles(Promise<Void> done) {
        try {
            if (channel != null) {
                channel.force(true);
                channel.close();
                channel = null;
            }
            if (lock != null) {
                lock.release();
                lockChannel.close();
                lock = null;
            }
            done.tryComplete();
        } catch (IOException e) {
            done.tryFail(new QueryLogException.WriteFailed("cannot close the query log in " + dir + ": " + reason(e), e));
        }
    }

    private void closeChannelQuietly() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the write already failed and was reported
            }
            channel = null;
        }
    }

    private void bind(MeterRegistry registry) {
        String sink = "jsonl";
        FunctionCounter.builder("cascade4j.querylog.appended", appended, AtomicLong::get).tag("sink", sink)
                .description("records accepted for writing").register(registry);
        FunctionCounter.builder("cascade4j.querylog.acknowledged", acknowledged, AtomicLong::get).tag("sink", sink)
                .description("records written").register(registry);
        FunctionCounter.builder("cascade4j.querylog.dropped", dropped, AtomicLong::get).tag("sink", sink)
                .description("records dropped because the queue was full").register(registry);
        FunctionCounter.builder("cascade4j.querylog.failed", failed, AtomicLong::get).tag("sink", sink)
                .description("records or feedback the disk refused").register(registry);
        Gauge.builder("cascade4j.querylog.queued", queue, BlockingQueue::size).tag("sink", sink)
                .description("lines waiting for the writer").register(registry);
        Gauge.builder("cascade4j.querylog.failing", this, l -> l.problem == null ? 0 : 1).tag("sink", sink)
                .description("1 while the last write failed (records are being lost), else 0").register(registry);
        Gauge.builder("cascade4j.querylog.last.error.time", this, l -> l.lastErrorMillis / 1000.0).tag("sink", sink)
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
