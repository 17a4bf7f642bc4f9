package dev.cascade4j.agent.log;

import java.time.Instant;

/**
 * Which records to read.
 *
 * @param route only this route ({@code null}: all; the empty string: out-of-scope records, which have no route)
 * @param since only records at or after this time ({@code null}: from the start)
 * @param limit at most this many, oldest first ({@code 0}: no limit)
 */
public record LogQuery(String route, Instant since, int limit) {
    public static final LogQuery ALL = new LogQuery(null, null, 0);

    public LogQuery {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0 (0 = no limit), got " + limit);
        }
    }

    public LogQuery withRoute(String r) {
        return new LogQuery(r, since, limit);
    }

    public LogQuery withSince(Instant t) {
        return new LogQuery(route, t, limit);
    }

    public LogQuery withLimit(int n) {
        return new LogQuery(route, since, n);
    }

    boolean matches(QueryRecord r) {
        if (route != null && !(route.isEmpty() ? r.route() == null : route.equals(r.route()))) {
            return false;
        }
        return since == null || !r.time().isBefore(since);
    }
}
