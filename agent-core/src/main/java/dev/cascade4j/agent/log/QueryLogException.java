package dev.cascade4j.agent.log;

/** Why the query log could not take or keep a record. */
public class QueryLogException extends RuntimeException {

    public QueryLogException(String message, Throwable cause) {
        super(message, cause);
    }

    public QueryLogException(String message) {
        super(message);
    }

    /** The log was saturated (queue full); the record was counted and dropped, the caller was not held up. */
    public static final class Dropped extends QueryLogException {
        public Dropped(String message) {
            super(message);
        }
    }

    /** The storage refused the write (disk full, folder not writable, database unreachable). */
    public static final class WriteFailed extends QueryLogException {
        public WriteFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Feedback named a record the log does not hold. */
    public static final class UnknownRecord extends QueryLogException {
        public UnknownRecord(String id) {
            super("no logged record with id '" + id + "'");
        }
    }
}
