package dev.cascade4j.agent.log;

import dev.cascade4j.agent.internal.log.QueryLogJson;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;

/** What the JSONL log's writer thread is asked to do: write a record's line or a feedback line, or close; each completes its promise. */
sealed interface JsonlEntry {
    Promise<Void> promise();

    /** The entry's line of JSON, redacted, with its newline. */
    byte[] line(Redactor redactor);

    /** What the entry is about, for an error message. */
    String describe();

    record Append(QueryRecord record, Promise<Void> promise) implements JsonlEntry {
        private static final byte[] QUERY_PREFIX = "{\"type\":\"query\",".getBytes(StandardCharsets.UTF_8);

        @Override
        public byte[] line(Redactor redactor) {
            byte[] json = QueryLogJson.write(redactor.redact(record)).getBytes(StandardCharsets.UTF_8);
            // the record's own "{" is replaced by the prefix, which ends in ","; then the newline
            byte[] out = new byte[QUERY_PREFIX.length + json.length];
            System.arraycopy(QUERY_PREFIX, 0, out, 0, QUERY_PREFIX.length);
            System.arraycopy(json, 1, out, QUERY_PREFIX.length, json.length - 1);
            out[out.length - 1] = '\n';
            return out;
        }

        @Override
        public String describe() {
            return "record " + record.id();
        }
    }

    record Feedback(String id, QueryRecord.Feedback feedback, Promise<Void> promise) implements JsonlEntry {
        @Override
        public byte[] line(Redactor redactor) {
            var node = QueryLogJson.MAPPER.createObjectNode().put("type", "feedback").put("id", id);
            QueryRecord.Feedback redacted = new QueryRecord.Feedback(feedback.rating(), redactor.redact(feedback.correction()), feedback.time());
            node.setAll((com.fasterxml.jackson.databind.node.ObjectNode) QueryLogJson.MAPPER.valueToTree(redacted));
            byte[] json = QueryLogJson.write(node).getBytes(StandardCharsets.UTF_8);
            byte[] out = new byte[json.length + 1];
            System.arraycopy(json, 0, out, 0, json.length);
            out[json.length] = '\n';
            return out;
        }

        @Override
        public String describe() {
            return "feedback for " + id;
        }
    }

    record Close(Promise<Void> promise) implements JsonlEntry {
        @Override
        public byte[] line(Redactor redactor) {
            throw new IllegalStateException("close is not a line");
        }

        @Override
        public String describe() {
            return "close";
        }
    }
}
