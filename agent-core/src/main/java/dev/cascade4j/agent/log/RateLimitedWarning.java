package dev.cascade4j.agent.log;

import java.util.concurrent.atomic.AtomicLong;

/** A warning logged at most once per interval, so that a full disk does not also flood the log. */
final class RateLimitedWarning {
    private static final System.Logger LOG = System.getLogger("dev.cascade4j.agent.log");
    private static final long INTERVAL_NANOS = 10_000_000_000L;
    private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);

    void warn(String message) {
        long now = System.nanoTime();
        long n = next.get();
        if ((n == Long.MIN_VALUE || now - n >= 0) && next.compareAndSet(n, now + INTERVAL_NANOS)) {
            LOG.log(System.Logger.Level.WARNING, message);
        }
    }
}
