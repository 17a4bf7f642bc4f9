package dev.cascade4j.agent.log;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** What a query log has done and what last went wrong, shared by the sinks for their {@link QueryLogStats} and meters. */
final class QueryLogCounters {
    final AtomicLong appended = new AtomicLong();
    final AtomicLong acknowledged = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    private volatile String lastError;
    private volatile long lastErrorMillis;
    private volatile String problem;

    /** Records a failure: the full message for the stats, and what is wrong now for a readiness probe. */
    void failing(String error, String problem) {
        lastError = error;
        lastErrorMillis = System.currentTimeMillis();
        this.problem = problem;
    }

    /** A write went through: nothing is wrong now (the last error stays on record). */
    void recovered() {
        problem = null;
    }

    /** What is wrong now, or null. */
    String problem() {
        return problem;
    }

    long lastErrorMillis() {
        return lastErrorMillis;
    }

    QueryLogStats stats() {
        long at = lastErrorMillis;
        return new QueryLogStats(appended.get(), acknowledged.get(), dropped.get(), failed.get(), lastError,
                at == 0 ? null : Instant.ofEpochMilli(at), problem);
    }
}
