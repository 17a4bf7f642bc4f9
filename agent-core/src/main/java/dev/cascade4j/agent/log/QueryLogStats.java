package dev.cascade4j.agent.log;

import java.time.Instant;

/**
 * Counters of a query log since it was opened, and whether it is writing now.
 *
 * @param appended      records accepted for writing
 * @param acknowledged  records acknowledged (written, see the implementation)
 * @param dropped       records refused because the log was saturated (queue full)
 * @param failed        records or feedback that could not be written (disk full, unwritable folder, database down)
 * @param lastError     the last write error, with the folder or database it concerns (for the server log);
 *                      {@code null} when none
 * @param lastErrorTime when the last write error happened; {@code null} when none
 * @param problem       why the log cannot write now, in an operator's words and without file paths (fit for
 *                      a readiness probe); {@code null} while writes succeed, cleared by the next good write
 */
public record QueryLogStats(long appended, long acknowledged, long dropped, long failed, String lastError,
                            Instant lastErrorTime, String problem) {

    public QueryLogStats(long appended, long acknowledged, long dropped, long failed, String lastError) {
        this(appended, acknowledged, dropped, failed, lastError, null, null);
    }

    /** Whether the last write failed (records are being lost until a write succeeds). */
    public boolean failing() {
        return problem != null;
    }
}
