package dev.cascade4j.agent.log;

import io.vertx.core.Promise;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The JSONL log's writer thread: takes entries off the queue in batches, writes their lines with
 * one {@code write(2)} per chunk, and acknowledges or fails each entry by what the disk said.
 */
final class JsonlWriter implements Runnable {
    private static final int WRITE_CHUNK = 256 * 1024;

    private final Path dir;
    private final BlockingQueue<JsonlEntry> queue;
    private final Duration flushInterval;
    private final Redactor redactor;
    private final QueryLogCounters counters;
    private final SegmentWriter segments;
    private final RateLimitedWarning warnWrite = new RateLimitedWarning();
    private volatile boolean done;

    JsonlWriter(Path dir, BlockingQueue<JsonlEntry> queue, long maxSegmentBytes, Duration flushInterval, Redactor redactor,
            QueryLogCounters counters) {
        this.dir = dir;
        this.queue = queue;
        this.flushInterval = flushInterval;
        this.redactor = redactor;
        this.counters = counters;
        this.segments = new SegmentWriter(dir, maxSegmentBytes);
    }

    /** Whether the writer has stopped: entries queued now are failed, not written. */
    boolean done() {
        return done;
    }

    @Override
    public void run() {
        List<JsonlEntry> batch = new ArrayList<>();
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64 * 1024);
        List<JsonlEntry> inBuf = new ArrayList<>();
        boolean running = true;
        while (running) {
            try {
                batch.add(queue.take());
                if (!flushInterval.isZero()) {
                    long deadline = System.nanoTime() + flushInterval.toNanos();
                    long left;
                    while ((left = deadline - System.nanoTime()) > 0 && batch.size() < 4096) {
                        JsonlEntry e = queue.poll(left, TimeUnit.NANOSECONDS);
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
            for (JsonlEntry e : batch) {
                if (e instanceof JsonlEntry.Close c) {
                    flush(buf, inBuf);
                    closeFiles(c.promise());
                    running = false;
                    break;
                }
                try {
                    buf.writeBytes(e.line(redactor));
                    inBuf.add(e);
                } catch (RuntimeException bad) {
                    counters.failed.incrementAndGet();
                    e.promise().tryFail(new QueryLogException("cannot serialise " + e.describe() + ": " + bad.getMessage(), bad));
                }
                // segments rotate at a line boundary once they reach the limit
                if (buf.size() >= WRITE_CHUNK || segments.reachesLimit(buf.size())) {
                    flush(buf, inBuf);
                }
            }
            if (running) {
                flush(buf, inBuf);
            }
            batch.clear();
        }
        done = true;
        failQueued();
    }

    // Anything queued after close fails rather than hangs. The writer sets done before its last
    // drain, and JsonlQueryLog drains again when it sees the flag, so no entry is left behind.
    void failQueued() {
        JsonlEntry e;
        while ((e = queue.poll()) != null) {
            e.promise().tryFail(new QueryLogException("query log " + dir + " is closed"));
        }
    }

    /** Writes the buffered lines; on success acknowledges them, on failure fails them and reopens next time. */
    private void flush(ByteArrayOutputStream buf, List<JsonlEntry> inBuf) {
        if (inBuf.isEmpty()) {
            buf.reset();
            return;
        }
        try {
            segments.write(buf.toByteArray());
            counters.recovered();
            for (JsonlEntry e : inBuf) {
                if (e instanceof JsonlEntry.Append) {
                    counters.acknowledged.incrementAndGet();
                }
                e.promise().tryComplete();
            }
        } catch (IOException | RuntimeException ex) {
            String msg = "cannot write the query log in " + dir + ": " + reason(ex);
            counters.failing(msg, "cannot write records: " + withoutPaths(ex));
            counters.failed.addAndGet(inBuf.size());
            warnWrite.warn(msg + "; " + inBuf.size() + " lines lost, " + counters.failed.get() + " in all; the service keeps answering");
            QueryLogException err = new QueryLogException.WriteFailed(msg, ex);
            for (JsonlEntry e : inBuf) {
                e.promise().tryFail(err);
            }
            // A failed write may have left half a line: drop the segment so that the next write
            // reopens, which starts on a fresh line.
            segments.abandon();
        } finally {
            buf.reset();
            inBuf.clear();
        }
        if (segments.full()) {
            try {
                segments.rotate();
            } catch (IOException ex) {
                // the lines are written; only the next segment could not be started
                String msg = "cannot rotate the query log in " + dir + ": " + reason(ex);
                counters.failing(msg, "cannot start a new segment: " + withoutPaths(ex));
                warnWrite.warn(msg + "; retried at the next write");
                segments.abandon();
            }
        }
    }

    private void closeFiles(Promise<Void> closed) {
        try {
            segments.close();
            closed.tryComplete();
        } catch (IOException e) {
            closed.tryFail(new QueryLogException.WriteFailed("cannot close the query log in " + dir + ": " + reason(e), e));
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
}
