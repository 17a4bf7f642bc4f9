package dev.cascade4j.agent.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cascade4j.agent.internal.log.QueryLogJson;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryRecordTest {

    @Test
    void fromRoutedAnswerKeepsBothAnswersAndTheDecision() {
        Instant t = Instant.parse("2026-03-01T10:15:30.123Z");
        QueryRecord r = QueryRecord.from(SampleRecords.escalated("s-1", "Paris", t));
        assertEquals("s-1", r.id());
        assertEquals(t, r.time());
        assertEquals("weather", r.route());
        assertEquals(0.75, r.classifierConfidence());
        assertEquals(0.21, r.generationConfidence());
        assertEquals("gpt-large", r.model());
        assertEquals(SampleRecords.ROUTER_NODE, r.node(), "the node of the returned answer, not the SLM's");
        assertTrue(r.escalated());
        assertEquals("LOW_GENERATION_CONFIDENCE", r.reason());
        assertEquals("generation confidence 0.21 < 0.55", r.detail());
        assertEquals("{\"city\":\"Lyon\"}", r.slmAnswer().toolCalls().getFirst().arguments());
        assertEquals("{\"city\":\"Paris\"}", r.teacherAnswer().toolCalls().getFirst().arguments());
        assertEquals(900.0, r.latencyMillis());
        assertEquals(1.0, r.routerMillis());
        assertEquals(240, r.tokensIn());
        assertEquals(18, r.tokensOut());
        assertEquals(List.of("system", "user"), r.request().messages().stream().map(QueryRecord.Message::role).toList());
        assertEquals("get_weather", r.request().tools().get(0).path("function").path("name").asText());
        assertEquals("auto", r.request().toolChoice());
        assertFalse(r.accepted());
        assertNull(r.feedback());
    }

    @Test
    void jsonUsesTheDocumentedNamesAndRoundTrips() throws Exception {
        QueryRecord r = QueryRecord.from(SampleRecords.conversation("c-1", Instant.parse("2026-03-01T10:00:00Z")))
                .withFeedback(new QueryRecord.Feedback(QueryRecord.Rating.BAD, "It is minus three.", Instant.parse("2026-03-02T00:00:00Z")));
        String json = QueryLogJson.write(r);
        JsonNode n = QueryLogJson.MAPPER.readTree(json);
        for (String field : List.of("id", "time", "route", "classifier_confidence", "generation_confidence", "model", "request",
                "slm_answer", "escalated", "reason", "detail", "fallback", "teacher_answer", "latency_ms", "router_ms",
                "tokens_in", "tokens_out", "feedback", "signals", "node")) {
            assertTrue(n.has(field), "missing " + field + " in " + json);
        }
        assertEquals("2026-03-01T10:00:00Z", n.get("time").asText());
        assertEquals("bad", n.at("/feedback/rating").asText());
        JsonNode assistant = n.at("/request/messages/2");
        assertEquals("assistant", assistant.get("role").asText());
        assertEquals("get_weather", assistant.at("/tool_calls/0/name").asText());
        assertEquals("call_7", n.at("/request/messages/3/tool_call_id").asText());
        assertEquals("It is -3 degrees in Oslo.", n.at("/slm_answer/text").asText());
        assertEquals(r, QueryLogJson.readRecord(json));
    }

    @Test
    void acceptedMeansKeptUnescalatedAndNotRatedBad() {
        QueryRecord kept = SampleRecords.record("k");
        assertTrue(kept.accepted());
        assertFalse(kept.withFeedback(new QueryRecord.Feedback(QueryRecord.Rating.BAD, null, null)).accepted());
        assertTrue(kept.withFeedback(new QueryRecord.Feedback(QueryRecord.Rating.GOOD, null, null)).accepted());
    }

    @Test
    void feedbackNeedsARatingOrACorrection() {
        var e = assertThrows(IllegalArgumentException.class, () -> new QueryRecord.Feedback(null, " ", null));
        assertTrue(e.getMessage().contains("rating"));
        assertThrows(IllegalArgumentException.class, () -> QueryRecord.Rating.parse("meh"));
        assertEquals(QueryRecord.Rating.GOOD, QueryRecord.Rating.parse("Up"));
    }
}
