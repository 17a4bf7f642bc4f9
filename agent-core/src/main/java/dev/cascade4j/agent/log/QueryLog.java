package dev.cascade4j.agent.log;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where routed subtasks are kept for fine-tuning. Two implementations: {@link JsonlQueryLog}
 * (append-only JSONL segments, the embedded default) and {@link PostgresQueryLog} (production).
 * Both redact before writing, never block the caller, and return futures that complete when a
 * record is acknowledged (see each implementation for what that means on its storage).
 */
public interface QueryLog {

    /**
     * Event-bus address for feedback. Send a JSON object {@code {"id": "...", "rating": "good"|"bad",
     * "correction": "..."}} (rating or correction or both) as a request; the reply is
     * {@code {"id": "...", "acknowledged": true}}, or a failure with code 400 (malformed), 404 (no
     * such record, PostgreSQL only) or 503 (the log cannot write).
     */
    String FEEDBACK_ADDRESS = dev.cascade4j.router.Router.FEEDBACK_ADDRESS;

    /**
     * Event-bus address for records coming from another JVM (a {@link QueryRecord} with
     * {@link QueryRecordCodec}, or its JSON); see {@link RoutedAnswerForwarder}.
     */
    String RECORDS_ADDRESS = "cascade4j.log.records";

    /** Appends one record. Fails with {@link QueryLogException.Dropped} at once when the log is saturated. */
    Future<Void> append(QueryRecord record);

    /** Attaches feedback to the record with this id. */
    Future<Void> feedback(String id, QueryRecord.Feedback feedback);

    /** Records matching the query, oldest first, with their latest feedback merged in. */
    Future<List<QueryRecord>> read(LogQuery query);

    /** Counters since the log was opened. */
    QueryLogStats stats();

    /** Writes what is pending, makes it durable and releases files or connections. */
    Future<Void> close();
}
