package dev.cascade4j.router;

import java.time.Duration;

/** Why a subtask could not be routed. Subclasses map to distinct HTTP statuses. */
public class RouterException extends RuntimeException {

    public RouterException(String message, Throwable cause) {
        super(message, cause);
    }

    public RouterException(String message) {
        super(message);
    }

    /** The route or model hint names nothing configured (HTTP 404). */
    public static final class UnknownRoute extends RouterException {
        public UnknownRoute(String name, java.util.Collection<String> known) {
            super("unknown model or route '" + name + "'; known: " + String.join(", ", known));
        }
    }

    /** The request cannot be served as asked (HTTP 400): prompt longer than the context, bad schema. */
    public static final class InvalidRequest extends RouterException {
        public InvalidRequest(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The chosen model's queue is full (HTTP 429 with Retry-After). */
    public static final class Overloaded extends RouterException {
        private final Duration retryAfter;

        public Overloaded(String message, Duration retryAfter) {
            super(message);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /**
     * No node can serve the model now (HTTP 503 with Retry-After): none holds it, or the one that held
     * the call left the cluster after it had begun answering.
     */
    public static final class Unavailable extends RouterException {
        private final Duration retryAfter;

        public Unavailable(String message, Duration retryAfter) {
            super(message);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /** No model gave a whole answer within the subtask's deadline, and nothing cut off is returned in its place. */
    public static final class DeadlineExceeded extends RouterException {
        public DeadlineExceeded(String message) {
            super(message);
        }

        public DeadlineExceeded(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The caller cancelled the subtask (its client went away) before the answer; nothing further was done for it. */
    public static final class Cancelled extends RouterException {
        public Cancelled(String subtaskId) {
            super("subtask " + subtaskId + " was cancelled by its caller before its answer");
        }
    }
}
