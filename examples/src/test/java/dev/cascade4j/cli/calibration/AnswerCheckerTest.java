package dev.cascade4j.cli.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.Timings;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.Usage;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Right and wrong answers of each kind, and the reader's errors. */
class AnswerCheckerTest {

    static EvalItem item(String json) {
        return EvalItem.parse(readTree(json));
    }

    static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static GenerationResult text(String text) {
        return new GenerationResult(text, List.of(), FinishReason.STOP, Confidence.NONE, new Usage(0, 0, 0, 0), null);
    }

    static GenerationResult call(String name, String args) {
        return new GenerationResult("", List.of(new ToolCall("c1", name, args)), FinishReason.TOOL_CALLS, Confidence.NONE,
                new Usage(0, 0, 0, 0), null);
    }

    static final EvalItem CONVERT = item("""
            {"id":"t1","kind":"tool_call","split":"test","messages":[{"role":"user","content":"Convert 100 USD to EUR"}],
             "tools":[{"type":"function","function":{"name":"convert_currency","parameters":{"type":"object"}}}],
             "expected":{"route":"tool_call","tool":"convert_currency","arguments":{"amount":100,"from":"USD","to":"EUR"}}}""");

    @Test
    void toolCallMatchesNameAndValuesAfterNormalising() {
        assertTrue(AnswerChecker.check(CONVERT, call("convert_currency", "{\"amount\": 100.0, \"from\": \"usd\", \"to\": \" EUR \"}")).correct());
        assertTrue(AnswerChecker.check(CONVERT, call("convert_currency", "{\"amount\": \"100\", \"from\": \"USD\", \"to\": \"EUR\"}")).correct());
    }

    @Test
    void toolCallIsWrongForAnotherToolAValueOrNoCall() {
        assertEquals("called get_weather, expected convert_currency",
                AnswerChecker.check(CONVERT, call("get_weather", "{\"city\": \"Berlin\"}")).detail());
        assertFalse(AnswerChecker.check(CONVERT, call("convert_currency", "{\"amount\": 10, \"from\": \"USD\", \"to\": \"EUR\"}")).correct());
        assertFalse(AnswerChecker.check(CONVERT, call("convert_currency", "{\"amount\": 100, \"from\": \"USD\"}")).correct());
        assertFalse(AnswerChecker.check(CONVERT, call("convert_currency", "not json")).correct());
        assertEquals("no tool call", AnswerChecker.check(CONVERT, text("100 USD is about 92 EUR")).detail());
        assertFalse(AnswerChecker.check(CONVERT, null).correct());
    }

    static GenerationResult calls(String... nameThenArgs) {
        List<ToolCall> calls = new java.util.ArrayList<>();
        for (int i = 0; i < nameThenArgs.length; i += 2) {
            calls.add(new ToolCall("c" + i, nameThenArgs[i], nameThenArgs[i + 1]));
        }
        return new GenerationResult("", calls, FinishReason.TOOL_CALLS, Confidence.NONE, new Usage(0, 0, 0, 0), null);
    }

    @Test
    void oneExpectedCallIsWrongWithAnExtraCall() {
        AnswerChecker.Check extra = AnswerChecker.check(CONVERT, calls(
                "convert_currency", "{\"amount\": 100, \"from\": \"USD\", \"to\": \"EUR\"}", "get_weather", "{\"city\": \"Oslo\"}"));
        assertEquals("extra call get_weather{\"city\": \"Oslo\"}", extra.detail());
    }

    static final EvalItem TWO_CITIES = item("""
            {"id":"p1","kind":"tool_call","variant":"parallel","split":"test",
             "messages":[{"role":"user","content":"Weather in Oslo and Lima?"}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}},
                      {"type":"function","function":{"name":"set_timer","parameters":{"type":"object"}}}],
             "expected":{"route":"tool_call","calls":[{"tool":"get_weather","arguments":{"city":"Oslo"}},
                                                      {"tool":"get_weather","arguments":{"city":"Lima"}}]}}""");

    @Test
    void parallelCallsAreRightInAnyOrderAndExactlyThese() {
        assertTrue(AnswerChecker.check(TWO_CITIES, calls("get_weather", "{\"city\":\"Oslo\"}", "get_weather", "{\"city\":\"Lima\"}")).correct());
        assertTrue(AnswerChecker.check(TWO_CITIES, calls("get_weather", "{\"city\":\"lima\"}", "get_weather", "{\"city\":\"Oslo\"}")).correct());
        assertEquals("missing call get_weather{\"city\":\"Lima\"}",
                AnswerChecker.check(TWO_CITIES, calls("get_weather", "{\"city\":\"Oslo\"}")).detail());
        assertEquals("missing call get_weather{\"city\":\"Lima\"} (argument 'city' is \"Oslo\", expected \"Lima\")",
                AnswerChecker.check(TWO_CITIES, calls("get_weather", "{\"city\":\"Oslo\"}", "get_weather", "{\"city\":\"Oslo\"}")).detail());
        assertEquals("missing call get_weather{\"city\":\"Lima\"}", AnswerChecker.check(TWO_CITIES,
                calls("get_weather", "{\"city\":\"Oslo\"}", "set_timer", "{\"minutes\":5}")).detail());
        assertEquals("extra call set_timer{\"minutes\":5}", AnswerChecker.check(TWO_CITIES, calls("get_weather", "{\"city\":\"Oslo\"}",
                "get_weather", "{\"city\":\"Lima\"}", "set_timer", "{\"minutes\":5}")).detail());
        assertEquals("no tool call", AnswerChecker.check(TWO_CITIES, text("It is sunny in both.")).detail());
    }

    static final EvalItem EVENT = item("""
            {"id":"e2","kind":"tool_call","split":"test","messages":[{"role":"user","content":"Lunch on 2026-03-02 at 12:30 with a@x.io and b@y.io"}],
             "tools":[{"type":"function","function":{"name":"create_calendar_event","parameters":{"type":"object"}}}],
             "expected":{"route":"tool_call","tool":"create_calendar_event","arguments":{"title":"Lunch",
                         "start":{"date":"2026-03-02","time":"12:30"},"attendees":["a@x.io","b@y.io"]}}}""");

    @Test
    void nestedObjectsAreComparedFieldByFieldAndArraysInAnyOrder() {
        assertTrue(AnswerChecker.check(EVENT, call("create_calendar_event",
                "{\"title\":\"lunch\",\"start\":{\"time\":\"12:30\",\"date\":\"2026-03-02\"},\"attendees\":[\"b@y.io\",\"A@x.io\"]}")).correct());
        assertFalse(AnswerChecker.check(EVENT, call("create_calendar_event",
                "{\"title\":\"lunch\",\"start\":{\"date\":\"2026-03-02\",\"time\":\"13:30\"},\"attendees\":[\"a@x.io\",\"b@y.io\"]}")).correct());
        assertFalse(AnswerChecker.check(EVENT, call("create_calendar_event",
                "{\"title\":\"lunch\",\"start\":{\"date\":\"2026-03-02\",\"time\":\"12:30\"},\"attendees\":[\"a@x.io\"]}")).correct());
        assertFalse(AnswerChecker.check(EVENT, call("create_calendar_event",
                "{\"title\":\"lunch\",\"start\":\"2026-03-02 12:30\",\"attendees\":[\"a@x.io\",\"b@y.io\"]}")).correct());
    }

    static final EvalItem NO_TOOL = item("""
            {"id":"n1","kind":"tool_call","variant":"no_tool","split":"test","messages":[{"role":"user","content":"Who wrote Hamlet?"}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],
             "expected":{"route":"tool_call","no_call":true}}""");

    @Test
    void whereNoToolAppliesAReplyIsRightAndACallWrong() {
        assertTrue(AnswerChecker.check(NO_TOOL, text("Shakespeare wrote it.")).correct());
        assertEquals("called get_weather, expected a reply without a tool call",
                AnswerChecker.check(NO_TOOL, call("get_weather", "{\"city\":\"Stratford\"}")).detail());
        assertEquals("empty reply", AnswerChecker.check(NO_TOOL, text("  ")).detail());
    }

    static final EvalItem FOLLOW_UP = item("""
            {"id":"f1","kind":"tool_call","variant":"follow_up","split":"test","messages":[
               {"role":"user","content":"Weather in Oslo?"},
               {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                 "function":{"name":"get_weather","arguments":"{\\"city\\": \\"Oslo\\"}"}}]},
               {"role":"tool","tool_call_id":"call_1","name":"get_weather","content":"{\\"temperature\\": 17, \\"condition\\": \\"light rain\\"}"}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],
             "expected":{"route":"tool_call","answer_terms":["17","rain"]}}""");

    @Test
    void aFollowUpReplyMustRepeatTheToolResultsFactsWithoutCallingAgain() {
        assertTrue(AnswerChecker.check(FOLLOW_UP, text("It is 17 degrees in Oslo with light RAIN.")).correct());
        assertEquals("reply lacks 'rain'", AnswerChecker.check(FOLLOW_UP, text("It is 17 degrees in Oslo.")).detail());
        assertFalse(AnswerChecker.check(FOLLOW_UP, call("get_weather", "{\"city\":\"Oslo\"}")).correct());
        assertEquals("empty reply", AnswerChecker.check(FOLLOW_UP, text("")).detail());
    }

    @Test
    void messagesCarryTheAssistantsCallsAndTheToolsResultAsOpenAiSendsThem() {
        var messages = FOLLOW_UP.messages();
        assertEquals(dev.cascade4j.inference.ChatMessage.Role.ASSISTANT, messages.get(1).role());
        assertEquals(List.of(new ToolCall("call_1", "get_weather", "{\"city\": \"Oslo\"}")), messages.get(1).toolCalls());
        assertEquals(dev.cascade4j.inference.ChatMessage.Role.TOOL, messages.get(2).role());
        assertEquals("call_1", messages.get(2).toolCallId());
        assertEquals("get_weather", messages.get(2).name());
        assertTrue(FOLLOW_UP.request().parallelToolCalls(), "tools offered: parallel calls allowed, as OpenAI's default");
        assertEquals(256, TWO_CITIES.request().sampling().maxTokens());
        assertEquals("get_weather", TWO_CITIES.expected().calls().getFirst().tool());
        assertEquals("convert_currency", CONVERT.expected().calls().getFirst().tool());
    }

    @Test
    void aToolCallItemExpectsOneWayOfBeingRight() {
        String both = "{\"id\":\"x\",\"kind\":\"tool_call\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"expected\":{\"route\":\"tool_call\",\"no_call\":true,\"answer_terms\":[\"a\"]}}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EvalItem.read(new StringReader(both), "set.jsonl"));
        assertTrue(e.getMessage().contains("exactly one of: tool and arguments, calls, no_call: true, answer_terms"), e.getMessage());
        String badCall = both.replace("\"no_call\":true,\"answer_terms\":[\"a\"]", "\"calls\":[{\"tool\":\"t\"}]");
        e = assertThrows(IllegalArgumentException.class, () -> EvalItem.read(new StringReader(badCall), "set.jsonl"));
        assertTrue(e.getMessage().contains("each of 'expected.calls' needs a tool and an arguments object"), e.getMessage());
        String toolWithoutId = both.replace("{\"role\":\"user\",\"content\":\"hi\"}", "{\"role\":\"tool\",\"content\":\"{}\"}")
                .replace("\"no_call\":true,\"answer_terms\":[\"a\"]", "\"no_call\":true");
        e = assertThrows(IllegalArgumentException.class, () -> EvalItem.read(new StringReader(toolWithoutId), "set.jsonl"));
        assertTrue(e.getMessage().contains("a tool message needs 'tool_call_id'"), e.getMessage());
    }

    static final EvalItem INVOICE = item("""
            {"id":"e1","kind":"extract","split":"test","messages":[{"role":"user","content":"Invoice INV-1 of 2026-01-02, 35.5 EUR"}],
             "response_format":{"type":"json_schema","json_schema":{"name":"i","schema":{"type":"object"}}},
             "expected":{"route":"extract","object":{"invoice_number":"INV-1","date":"2026-01-02","total":35.5}}}""");

    @Test
    void extractComparesFieldByField() {
        assertTrue(AnswerChecker.check(INVOICE, text("{\"invoice_number\":\"inv-1\",\"date\":\"2026-01-02\",\"total\":35.50,\"extra\":1}")).correct());
        assertFalse(AnswerChecker.check(INVOICE, text("{\"invoice_number\":\"INV-1\",\"date\":\"2026-01-03\",\"total\":35.5}")).correct());
        assertFalse(AnswerChecker.check(INVOICE, text("{\"invoice_number\":\"INV-1\",\"total\":35.5}")).correct());
        assertFalse(AnswerChecker.check(INVOICE, text("INV-1, 2026-01-02, 35.5")).correct());
    }

    static final EvalItem SENTIMENT = item("""
            {"id":"c1","kind":"classify","split":"test","messages":[{"role":"user","content":"positive, negative or neutral? Great!"}],
             "expected":{"route":"classify","label":"positive"}}""");

    @Test
    void classifyNeedsTheExactLabel() {
        assertTrue(AnswerChecker.check(SENTIMENT, text("{\"label\": \"Positive\"}")).correct());
        assertTrue(AnswerChecker.check(SENTIMENT, text("positive")).correct());
        assertFalse(AnswerChecker.check(SENTIMENT, text("{\"label\": \"neutral\"}")).correct());
        assertFalse(AnswerChecker.check(SENTIMENT, text("mostly positive")).correct());
    }

    static final EvalItem SUMMARY = item("""
            {"id":"s1","kind":"summarize","split":"test","messages":[{"role":"user","content":"Summarize: ..."}],
             "expected":{"route":"summarize","key_terms":["tram","airport"]}}""");

    @Test
    void summaryMustContainEveryKeyTerm() {
        assertTrue(AnswerChecker.check(SUMMARY, text("The council extends the Tram line to the AIRPORT.")).correct());
        assertEquals("summary lacks 'airport'", AnswerChecker.check(SUMMARY, text("A new tram line is coming.")).detail());
    }

    static final EvalItem REASON = item("""
            {"id":"r1","kind":"reason","split":"test","messages":[{"role":"user","content":"2x + 1 = 11?"}],
             "expected":{"route":"reason","answer":"5"}}""");

    @Test
    void reasonMustContainTheAnswerAsItsOwnToken() {
        assertTrue(AnswerChecker.check(REASON, text("Subtract 1 and divide by 2: x = 5.")).correct());
        assertTrue(AnswerChecker.check(REASON, text("5")).correct());
        assertFalse(AnswerChecker.check(REASON, text("x = 15")).correct());
        assertFalse(AnswerChecker.check(REASON, text("x = 5.5")).correct());
        assertFalse(AnswerChecker.check(REASON, text("I cannot tell")).correct());
    }

    @Test
    void outOfScopeIsNeverRightOnAnSlm() {
        EvalItem oos = item("""
                {"id":"o1","kind":"out_of_scope","split":"test","messages":[{"role":"user","content":"hi"}],"expected":{"route":null}}""");
        assertFalse(AnswerChecker.check(oos, text("Hello!")).correct());
    }

    @Test
    void readerNamesTheLineAndWhatToFix() {
        String good = "{\"id\":\"a\",\"kind\":\"reason\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],\"expected\":{\"route\":\"reason\",\"answer\":\"1\"}}";
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> EvalItem.read(new StringReader(good + "\n\n" + good + "\n"), "set.jsonl"));
        assertEquals("set.jsonl:3: id 'a' is used twice", dup.getMessage());
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                () -> EvalItem.read(new StringReader(good.replace("\"reason\",\"messages", "\"poem\",\"messages")), "set.jsonl"));
        assertTrue(kind.getMessage().startsWith("set.jsonl:1: item a: unknown kind 'poem'"), kind.getMessage());
        IllegalArgumentException answer = assertThrows(IllegalArgumentException.class,
                () -> EvalItem.read(new StringReader(good.replace(",\"answer\":\"1\"", "")), "set.jsonl"));
        assertTrue(answer.getMessage().contains("'expected' needs answer"), answer.getMessage());
        IllegalArgumentException json = assertThrows(IllegalArgumentException.class,
                () -> EvalItem.read(new StringReader("{oops"), "set.jsonl"));
        assertTrue(json.getMessage().startsWith("set.jsonl:1: not valid JSON"), json.getMessage());
    }
}
