package dev.cascade4j.inference.internal.source;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on one cache entry, held across threads and processes. A file lock alone is not
 * enough: the JVM owns file locks per process, so a second thread asking for the same file gets an
 * {@code OverlappingFileLockException} instead of waiting; an in-process lock per path goes first.
 */
public final class CacheLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private CacheLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /** Blocks until this thread holds {@code lockFile} (created if missing) exclusively. */
    public static CacheLock acquire(Path lockFile) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        threadLock.lock();
        FileChannel channel = null;
        try {
            Files.createDirectories(key.getParent());
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new CacheLock(threadLock, channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            threadLock.unlock();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            fileLock.release();
            channel.close();
        } finally {
            threadLock.unlock();
        }
    }
}
