package dev.cascade4j.inference;

/**
 * Something the engine could not do, with a message that says what went wrong and what to do about it.
 * Subclasses name the broad kind so callers (the router, the HTTP layer) can map them without parsing text.
 */
public class InferenceException extends RuntimeException {
    public InferenceException(String message) {
        super(message);
    }

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The caller's request is wrong (bad schema, prompt too long, bad parameters): fix the request. */
    public static class InvalidRequest extends InferenceException {
        public InvalidRequest(String message) {
            super(message);
        }

        public InvalidRequest(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A model, natives or other resource could not be found, fetched or loaded. */
    public static class ResourceUnavailable extends InferenceException {
        public ResourceUnavailable(String message) {
            super(message);
        }

        public ResourceUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A JSON schema uses something the grammar converter cannot express. */
    public static class UnsupportedSchema extends InvalidRequest {
        private final String pointer;

        public UnsupportedSchema(String pointer, String message) {
            super("JSON schema at " + (pointer.isEmpty() ? "/" : pointer) + ": " + message);
            this.pointer = pointer;
        }

        /** JSON pointer of the offending part of the schema ("" for the root). */
        public String pointer() {
            return pointer;
        }
    }

    /** The model's queue is full; try again later. */
    public static class Overloaded extends InferenceException {
        public Overloaded(String message) {
            super(message);
        }
    }
}
