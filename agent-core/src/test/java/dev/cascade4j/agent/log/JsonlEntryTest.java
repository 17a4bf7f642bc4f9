package dev.cascade4j.agent.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cascade4j.agent.internal.log.QueryLogJson;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The lines the JSONL writer writes, and what its errors say, without a writer thread. */
class JsonlEntryTest {
    private static String text(byte[] line) {
        return new String(line, StandardCharsets.UTF_8);
    }

    @Test
    void aRecordIsOneLineOfTypeQueryThatReadsBackAsTheRecord() throws Exception {
        QueryRecord record = SampleRecords.record("r1");
        String line = text(new JsonlEntry.Append(record, Promise.promise()).line(Redactor.all()));
        assertTrue(line.startsWith("{\"type\":\"query\",\"") && line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, line);
        JsonNode node = QueryLogJson.MAPPER.readTree(line);
        assertEquals("r1", node.get("id").asText());
        assertEquals(QueryLogJson.MAPPER.readTree(QueryLogJson.write(Redactor.all().redact(record))).get("request"), node.get("request"));
    }

    @Test
    void feedbackIsALineOfTypeFeedbackWithItsCorrectionRedacted() throws Exception {
        var feedback = new QueryRecord.Feedback(QueryRecord.Rating.BAD, "mail me at someone@example.com", Instant.parse("2026-01-02T03:04:05Z"));
        JsonlEntry entry = new JsonlEntry.Feedback("r1", feedback, Promise.promise());
        String line = text(entry.line(Redactor.all()));
        assertTrue(line.startsWith("{\"type\":\"feedback\",\"id\":\"r1\",") && line.endsWith("}\n"), line);
        JsonNode node = QueryLogJson.MAPPER.readTree(line);
        assertEquals("mail me at [EMAIL]", node.get("correction").asText());
        assertEquals("feedback for r1", entry.describe());
    }

    @Test
    void closeIsNoLine() {
        JsonlEntry close = new JsonlEntry.Close(Promise.promise());
        assertThrows(IllegalStateException.class, () -> close.line(Redactor.all()));
        assertEquals("close", close.describe());
    }

    @Test
    void diskErrorsAreToldWithoutPaths() {
        assertEquals("permission denied", JsonlWriter.withoutPaths(new AccessDeniedException("/var/lib/cascade4j/queries")));
        assertEquals("No space left on device", JsonlWriter.withoutPaths(
                new java.nio.file.FileSystemException("/data/queries-000001.jsonl", null, "No space left on device")));
        assertEquals("cannot open (path): busy", JsonlWriter.withoutPaths(new java.io.IOException("cannot open /data/x.jsonl: busy")));
    }
}
