package dev.cascade4j.agent.log;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The body of a message on {@link QueryLog#FEEDBACK_ADDRESS}: {@code {"id": "...", "rating":
 * "good"|"bad", "correction": "..."}}, a rating or a correction or both.
 */
public record FeedbackMessage(String id, QueryRecord.Rating rating, String correction) {

    public FeedbackMessage {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("feedback needs \"id\", the id of a logged record (the subtask id)");
        }
        if (rating == null && (correction == null || correction.isBlank())) {
            throw new IllegalArgumentException("feedback needs \"rating\" (\"good\" or \"bad\") or \"correction\" (the right answer)");
        }
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject().put("id", id);
        if (rating != null) {
            o.put("rating", rating.json());
        }
        if (correction != null) {
            o.put("correction", correction);
        }
        return o;
    }

    public QueryRecord.Feedback feedback() {
        return new QueryRecord.Feedback(rating, correction, null);
    }

    /** Reads a message body (a JsonObject, or its text as String or Buffer); a bad body is an IllegalArgumentException naming the field. */
    public static FeedbackMessage parse(Object body) {
        JsonObject o;
        try {
            o = switch (body) {
                case JsonObject j -> j;
                case String s -> new JsonObject(s);
                case Buffer b -> new JsonObject(b);
                case null -> throw new IllegalArgumentException("feedback body is empty; send {\"id\", \"rating\", \"correction\"}");
                default -> throw new IllegalArgumentException("feedback body must be a JSON object, got " + body.getClass().getSimpleName());
            };
        } catch (DecodeException e) {
            throw new IllegalArgumentException("feedback body is not valid JSON: " + e.getMessage());
        }
        Object id = o.getValue("id");
        if (id != null && !(id instanceof String)) {
            throw new IllegalArgumentException("feedback \"id\" must be a string");
        }
        Object rating = o.getValue("rating");
        QueryRecord.Rating r = switch (rating) {
            case null -> null;
            case String s -> QueryRecord.Rating.parse(s);
            case Number n -> n.doubleValue() > 0 ? QueryRecord.Rating.GOOD : QueryRecord.Rating.BAD;
            case Boolean b -> b ? QueryRecord.Rating.GOOD : QueryRecord.Rating.BAD;
            default -> throw new IllegalArgumentException("feedback \"rating\" must be \"good\" or \"bad\"");
        };
        Object correction = o.getValue("correction");
        if (correction != null && !(correction instanceof String)) {
            throw new IllegalArgumentException("feedback \"correction\" must be a string (the answer that should have been given)");
        }
        return new FeedbackMessage((String) id, r, (String) correction);
    }
}
