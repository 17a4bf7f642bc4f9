package dev.cascade4j.agent.log;

/**
 * Counters of a query log since it was opened.
 *
 * @param appended      records accepted for writing
 * @param acknowledged  records acknowledged (written, see the implementation)
 * @param dropped       records refused because the log was saturated (queue full)
 * @param failed        records or feedback that could not be written (disk full, unwritable folder, database down)
 * @param lastError     the last write error, {@code null} when none
 */
public record QueryLogStats(long appended, long acknowledged, long dropped, long failed, String lastError) {
}
