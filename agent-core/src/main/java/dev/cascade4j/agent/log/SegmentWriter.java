package dev.cascade4j.agent.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The files of the JSONL log's writer thread: the folder's {@code writer.lock}, and the segment being
 * written, opened on the first write (a torn tail from a crash ended first), rotated at its size limit.
 */
final class SegmentWriter {
    private static final System.Logger LOG = System.getLogger(JsonlQueryLog.class.getName());

    private final Path dir;
    private final long maxSegmentBytes;
    private FileChannel channel;
    private FileChannel lockChannel;
    private FileLock lock;
    private Path segment;
    private long segmentSize;

    SegmentWriter(Path dir, long maxSegmentBytes) {
        this.dir = dir;
        this.maxSegmentBytes = maxSegmentBytes;
    }

    /** Writes whole lines to the current segment, opening one first when none is open. */
    void write(byte[] lines) throws IOException {
        ensureOpen();
        ByteBuffer bb = ByteBuffer.wrap(lines);
        while (bb.hasRemaining()) {
            channel.write(bb);
        }
        segmentSize += lines.length;
    }

    /** Whether the open segment, with {@code more} bytes added, reaches the size at which it rotates. */
    boolean reachesLimit(long more) {
        return segmentSize + more >= maxSegmentBytes;
    }

    /** Whether a segment is open and full, so the next lines belong in a new one. */
    boolean full() {
        return channel != null && reachesLimit(0);
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

    /** Fsyncs and closes the full segment and starts the next one. */
    void rotate() throws IOException {
        channel.force(true);
        channel.close();
        channel = null;
        long next = JsonlSegments.number(segment.getFileName().toString()) + 1;
        openSegment(dir.resolve(JsonlSegments.name(next)), true);
    }

    /** Fsyncs and closes the segment, and releases the folder's lock. */
    void close() throws IOException {
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
    }

    /** Drops the segment after a failed write, which may have left half a line: the next write reopens it on a fresh line. */
    void abandon() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the write already failed and was reported
            }
            channel = null;
        }
    }
}
