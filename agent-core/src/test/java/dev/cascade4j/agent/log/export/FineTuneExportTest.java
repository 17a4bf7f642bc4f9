package dev.cascade4j.agent.log.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cascade4j.agent.internal.log.QueryLogJson;
import dev.cascade4j.agent.log.QueryRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FineTuneExportTest {
    @TempDir
    Path tmp;
    static final Instant T = Instant.parse("2026-04-01T00:00:00Z");
    static final QueryRecord.Request WEATHER_REQ;

    static {
        var params = JsonNodeFactory.instance.objectNode().put("type", "object");
        params.putObject("properties").putObject("city").put("type", "string");
        var tools = JsonNodeFactory.instance.arrayNode();
        tools.addObject().put("type", "function").putObject("function").put("name", "get_weather").put("description", "Weather").set("parameters", params);
        WEATHER_REQ = new QueryRecord.Request(List.of(
                new QueryRecord.Message("system", "Use tools.", List.of(), null, null),
                new QueryRecord.Message("user", "Weather in Paris?", List.of(), null, null)), tools, "auto", null);
    }

    static QueryRecord.Answer call(String args) {
        return new QueryRecord.Answer("", List.of(new QueryRecord.Call("call_1", "get_weather", args)), "TOOL_CALLS", 0.9, 10, 5, 30);
    }

    static QueryRecord.Answer text(String s) {
        return new QueryRecord.Answer(s, List.of(), "STOP", 0.9, 10, 5, 30);
    }

    static QueryRecord rec(String id, QueryRecord.Request req, String route, QueryRecord.Answer slm, boolean escalated, boolean fallback,
                           QueryRecord.Answer teacher, QueryRecord.Feedback fb, int secs) {
        return new QueryRecord(id, T.plusSeconds(secs), route, 0.9, 0.5, "m", req, slm, escalated, escalated ? "LOW_GENERATION_CONFIDENCE" : "NONE",
                null, fallback, teacher, 10, 1, 20, 10, fb);
    }

    static QueryRecord.Request userOnly(String text) {
        return new QueryRecord.Request(List.of(new QueryRecord.Message("user", text, List.of(), null, null)), null, null, null);
    }

    /** A history with a tool round trip before the answer. */
    static QueryRecord.Request withToolResult() {
        return new QueryRecord.Request(List.of(
                new QueryRecord.Message("user", "Weather in Oslo?", List.of(), null, null),
                new QueryRecord.Message("assistant", "", List.of(new QueryRecord.Call("call_9", "get_weather", "{\"city\":\"Oslo\"}")), null, null),
                new QueryRecord.Message("tool", "{\"temp\":-3}", List.of(), "call_9", "get_weather")), WEATHER_REQ.tools(), "auto", null);
    }

    List<QueryRecord> log() {
        List<QueryRecord> l = new ArrayList<>();
        l.add(rec("accepted", WEATHER_REQ, "weather", call("{\"city\":\"Paris\"}"), false, false, null, null, 0));
        l.add(rec("teacher", withToolResult(), "weather", text("It is cold."), true, false, text("It is -3 degrees in Oslo."), null, 1));
        l.add(rec("duplicate", WEATHER_REQ, "weather", call("{\"city\":\"Lyon\"}"), true, false, call("{\"city\":\"Paris\"}"), null, 2));
        l.add(rec("fallback", userOnly("What is 2+2?"), "math", text("5"), false, true, null, null, 3));
        l.add(rec("no-teacher", userOnly("Summarise War and Peace"), "summary", text("A book."), true, false, null, null, 4));
        l.add(rec("bad", userOnly("Capital of Peru?"), "facts", text("Quito"), false, false, null,
                new QueryRecord.Feedback(QueryRecord.Rating.BAD, null, T), 5));
        l.add(rec("corrected", userOnly("Capital of Chile?"), "facts", text("Lima"), false, false, null,
                new QueryRecord.Feedback(QueryRecord.Rating.BAD, "Santiago", T), 6));
        l.add(rec("old", userOnly("Capital of Spain?"), "facts", text("Madrid"), false, false, null, null, -100));
        return l;
    }

    static List<JsonNode> read(Path p) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(p)) {
            out.add(QueryLogJson.MAPPER.readTree(line));
        }
        return out;
    }

    @Test
    void openAiChatFormatFieldByField() throws Exception {
        Path out = tmp.resolve("train.jsonl");
        ExportReport report = FineTuneExport.builder(ExportFormat.OPENAI_CHAT).build().write(log(), out);
        List<JsonNode> ex = read(out);
        assertEquals(4, ex.size(), report.describe());

        // the duplicate request came later with a teacher label, which beats the accepted SLM answer
        JsonNode paris = ex.get(0);
        assertEquals(3, paris.get("messages").size());
        assertEquals("system", paris.at("/messages/0/role").asText());
        assertEquals("Use tools.", paris.at("/messages/0/content").asText());
        assertEquals("user", paris.at("/messages/1/role").asText());
        JsonNode answer = paris.at("/messages/2");
        assertEquals("assistant", answer.get("role").asText());
        assertFalse(answer.has("content"));
        assertEquals("call_1", answer.at("/tool_calls/0/id").asText());
        assertEquals("function", answer.at("/tool_calls/0/type").asText());
        assertEquals("get_weather", answer.at("/tool_calls/0/function/name").asText());
        assertTrue(answer.at("/tool_calls/0/function/arguments").isTextual(), "OpenAI wants arguments as a JSON string");
        assertEquals("{\"city\":\"Paris\"}", answer.at("/tool_calls/0/function/arguments").asText());
        assertEquals("function", paris.at("/tools/0/type").asText());
        assertEquals("get_weather", paris.at("/tools/0/function/name").asText());
        assertEquals("string", paris.at("/tools/0/function/parameters/properties/city/type").asText());

        JsonNode oslo = ex.get(1);
        assertEquals(4, oslo.get("messages").size());
        assertEquals("{\"city\":\"Oslo\"}", oslo.at("/messages/1/tool_calls/0/function/arguments").asText());
        assertEquals("tool", oslo.at("/messages/2/role").asText());
        assertEquals("call_9", oslo.at("/messages/2/tool_call_id").asText());
        assertEquals("{\"temp\":-3}", oslo.at("/messages/2/content").asText());
        assertFalse(oslo.at("/messages/2").has("name"));
        assertEquals("It is -3 degrees in Oslo.", oslo.at("/messages/3/content").asText());

        assertEquals("Santiago", ex.get(2).at("/messages/1/content").asText());
        assertFalse(ex.get(2).has("tools"));
        assertEquals("Madrid", ex.get(3).at("/messages/1/content").asText());

        assertEquals(8, report.read());
        assertEquals(4, report.kept());
        assertEquals(Map.of(TrainingTarget.TEACHER, 2, TrainingTarget.CORRECTION, 1, TrainingTarget.ACCEPTED, 1), report.byTarget());
        assertEquals(1, report.dropped().get("duplicate request (same messages, tools and schema)"));
        assertEquals(1, report.dropped().get("low-confidence SLM answer returned because the large model was unavailable (fallback)"));
        assertEquals(1, report.dropped().get("escalated, but the large model gave no answer"));
        assertEquals(1, report.dropped().get("rated bad, with no correction or large-model answer"));
        assertNull(report.validationFile());
    }

    @Test
    void hfMessagesFormatFieldByField() throws Exception {
        Path out = tmp.resolve("hf.jsonl");
        FineTuneExport.builder(ExportFormat.HF_MESSAGES).build().write(log(), out);
        List<JsonNode> ex = read(out);
        JsonNode answer = ex.get(0).at("/messages/2");
        assertEquals("", answer.get("content").asText());
        assertTrue(answer.at("/tool_calls/0/function/arguments").isObject(), "chat templates want arguments as an object");
        assertEquals("Paris", answer.at("/tool_calls/0/function/arguments/city").asText());
        JsonNode tool = ex.get(1).at("/messages/2");
        assertEquals("tool", tool.get("role").asText());
        assertEquals("get_weather", tool.get("name").asText());
        assertEquals("call_9", tool.get("tool_call_id").asText());
        assertEquals("Oslo", ex.get(1).at("/messages/1/tool_calls/0/function/arguments/city").asText());
        assertEquals("get_weather", ex.get(1).at("/tools/0/function/name").asText());
    }

    @Test
    void filtersOnlyAndValidationSplit() throws Exception {
        Path out = tmp.resolve("t.jsonl");
        ExportReport teacher = FineTuneExport.builder(ExportFormat.OPENAI_CHAT).only(TrainingTarget.TEACHER).build().write(log(), out);
        assertEquals(2, teacher.kept());
        assertEquals(6, teacher.dropped().get("no large-model answer (--only teacher)"));

        ExportReport accepted = FineTuneExport.builder(ExportFormat.OPENAI_CHAT).only(TrainingTarget.ACCEPTED).build().write(log(), out);
        assertEquals(List.of("Madrid"), read(out).stream().filter(n -> !n.has("tools")).map(n -> n.at("/messages/1/content").asText()).toList());
        assertEquals(2, accepted.kept()); // the Paris tool call and Madrid

        ExportReport facts = FineTuneExport.builder(ExportFormat.OPENAI_CHAT).route("facts").since(T).build().write(log(), out);
        assertEquals(1, facts.kept());
        assertEquals(1, facts.dropped().get("before 2026-04-01T00:00:00Z (--since)"));
        assertEquals(5, facts.dropped().get("not route 'facts' (--route)"));

        ExportReport split = FineTuneExport.builder(ExportFormat.OPENAI_CHAT).validationSplit(0.25).build().write(log(), out);
        assertEquals(3, split.train());
        assertEquals(1, split.validation());
        assertEquals(tmp.resolve("t.val.jsonl"), split.validationFile());
        assertEquals(1, read(split.validationFile()).size());
        assertEquals(3, read(out).size());
        assertThrows(IllegalArgumentException.class, () -> FineTuneExport.builder(ExportFormat.OPENAI_CHAT).validationSplit(0.9));
    }

    @Test
    void requestHashIgnoresKeyOrder() {
        QueryRecord a = rec("a", WEATHER_REQ, "w", text("x"), false, false, null, null, 0);
        var reordered = JsonNodeFactory.instance.arrayNode();
        var fn = JsonNodeFactory.instance.objectNode();
        fn.set("parameters", WEATHER_REQ.tools().get(0).at("/function/parameters"));
        fn.put("description", "Weather").put("name", "get_weather");
        reordered.addObject().<com.fasterxml.jackson.databind.node.ObjectNode>set("function", fn).put("type", "function");
        QueryRecord b = rec("b", new QueryRecord.Request(WEATHER_REQ.messages(), reordered, "auto", null), "w", text("y"), false, false, null, null, 0);
        assertEquals(FineTuneExport.requestHash(a), FineTuneExport.requestHash(b));
        QueryRecord c = rec("c", userOnly("Weather in Paris?"), "w", text("y"), false, false, null, null, 0);
        assertFalse(FineTuneExport.requestHash(a).equals(FineTuneExport.requestHash(c)));
    }
}
