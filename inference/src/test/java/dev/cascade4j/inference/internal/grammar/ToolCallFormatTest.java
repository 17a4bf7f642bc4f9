package dev.cascade4j.inference.internal.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.inference.grammar.Gbnf;
import dev.cascade4j.inference.grammar.GbnfMatcher;
import dev.cascade4j.inference.internal.grammar.ToolCallFormat.Syntax;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tool-call grammar checked with a GBNF matcher, and parsing and rendering of calls: no model. */
class ToolCallFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<ToolSpec> TOOLS = List.of(
            new ToolSpec("get_weather", "Weather for a city.", json("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"],\"additionalProperties\":false}")),
            new ToolSpec("ping", "", json("{}")));
    private static final List<String> NAMES = List.of("get_weather", "ping");
    private static final String WEATHER = "{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Oslo\"}}";
    private static final String PING = "{\"name\":\"ping\",\"arguments\":{}}";

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void theGrammarTiesEachNameToItsOwnArguments() {
        Gbnf g = ToolCallFormat.grammar(TOOLS, ToolChoice.REQUIRED, false, Syntax.JSON);
        assertTrue(GbnfMatcher.accepts(g, WEATHER));
        assertTrue(GbnfMatcher.accepts(g, PING), "a tool without a schema takes an empty object");
        assertTrue(GbnfMatcher.accepts(g, "{\"name\":\"ping\",\"arguments\":{\"city\":\"Oslo\"}}"), "an empty schema takes any object");
        assertFalse(GbnfMatcher.accepts(g, "{\"name\":\"get_weather\",\"arguments\":{\"town\":\"Oslo\"}}"), "an argument its schema does not declare");
        assertFalse(GbnfMatcher.accepts(g, "{\"name\":\"get_weather\",\"arguments\":{}}"), "a required argument left out");
        assertFalse(GbnfMatcher.accepts(g, "{\"name\":\"delete_all\",\"arguments\":{}}"), "a name not offered");
        assertFalse(GbnfMatcher.accepts(g, "Sure, here is the weather."), "required: no prose");
    }

    @Test
    void parallelCallsAreBoundedAndOnlyWhenAllowed() {
        Gbnf single = ToolCallFormat.grammar(TOOLS, ToolChoice.REQUIRED, false, Syntax.JSON);
        Gbnf parallel = ToolCallFormat.grammar(TOOLS, ToolChoice.REQUIRED, true, Syntax.JSON);
        String two = "[" + WEATHER + "," + PING + "]";
        assertFalse(GbnfMatcher.accepts(single, two));
        assertTrue(GbnfMatcher.accepts(parallel, two));
        String max = "[" + String.join(",", java.util.Collections.nCopies(ToolCallFormat.MAX_PARALLEL_CALLS, PING)) + "]";
        String over = "[" + String.join(",", java.util.Collections.nCopies(ToolCallFormat.MAX_PARALLEL_CALLS + 1, PING)) + "]";
        assertTrue(GbnfMatcher.accepts(parallel, max));
        assertFalse(GbnfMatcher.accepts(parallel, over));
    }

    @Test
    void aNamedToolIsTheOnlyOneOfferedAndAnUnknownNameIsRefused() {
        Gbnf g = ToolCallFormat.grammar(TOOLS, ToolChoice.named("ping"), false, Syntax.TAGGED);
        assertTrue(GbnfMatcher.accepts(g, "<tool_call>\n" + PING + "\n</tool_call>"));
        assertFalse(GbnfMatcher.accepts(g, "<tool_call>\n" + WEATHER + "\n</tool_call>"));
        InferenceException.InvalidRequest e = assertThrows(InferenceException.InvalidRequest.class,
                () -> ToolCallFormat.grammar(TOOLS, ToolChoice.named("nope"), false, Syntax.JSON));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("get_weather"), e.getMessage());
    }

    @Test
    void anArgumentSchemaTheGrammarCannotBuildNamesItsTool() {
        List<ToolSpec> bad = List.of(new ToolSpec("t", "", json("{\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"http://example.com/s.json\"}}}")));
        InferenceException.UnsupportedSchema e = assertThrows(InferenceException.UnsupportedSchema.class,
                () -> ToolCallFormat.grammar(bad, ToolChoice.AUTO, false, Syntax.JSON));
        assertTrue(e.pointer().startsWith("/tools/t/parameters"), e.pointer());
    }

    @Test
    void callsAreNumberedInOrderAndTheTextAroundThemKept() {
        ToolCallFormat.Parsed p = ToolCallFormat.parse("Checking.\n<tool_call>\n" + WEATHER + "\n</tool_call>\n```json\n" + PING + "\n```", NAMES);
        assertEquals(List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Oslo\"}"), new ToolCall("call_2", "ping", "{}")), p.calls());
        assertEquals("Checking.", p.text());
    }

    @Test
    void whatIsNotACallStaysText() {
        for (String text : List.of("{\"name\":\"unknown\",\"arguments\":{}}", "{\"name\":\"ping\",\"argu", "{\"city\":\"Oslo\"}", "[1,2]", "plain")) {
            ToolCallFormat.Parsed p = ToolCallFormat.parse(text, NAMES);
            assertTrue(p.calls().isEmpty(), text);
            assertEquals(text, p.text());
        }
        assertEquals(1, ToolCallFormat.parse("{\"name\":\"unknown\",\"arguments\":{}}").size(), "without a list, any name is a call");
    }

    @Test
    void argumentsGivenAsTextOrAsParametersAreRead() {
        assertEquals("{\"city\":\"Rome\"}", ToolCallFormat.parse("{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Rome\\\"}\"}", NAMES)
                .calls().getFirst().arguments());
        assertEquals("{\"city\":\"Rome\"}", ToolCallFormat.parse("{\"name\":\"get_weather\",\"parameters\":{\"city\":\"Rome\"}}", NAMES)
                .calls().getFirst().arguments());
        assertEquals("{}", ToolCallFormat.parse("{\"name\":\"ping\"}", NAMES).calls().getFirst().arguments());
    }

    @Test
    void renderWritesOneObjectOrAnArray() {
        ToolCall w = new ToolCall("call_1", "get_weather", "{\"city\":\"Oslo\"}");
        ToolCall p = new ToolCall("call_2", "ping", "");
        assertEquals(WEATHER, ToolCallFormat.render(List.of(w)));
        assertEquals("[" + WEATHER + "," + PING + "]", ToolCallFormat.render(List.of(w, p)));
        assertEquals(List.of(w, new ToolCall("call_2", "ping", "{}")), ToolCallFormat.parse(ToolCallFormat.render(List.of(w, p)), NAMES).calls(),
                "what is rendered parses back");
    }

    @Test
    void instructionsSayWhetherACallIsRequired() {
        String auto = ToolCallFormat.instructions(TOOLS, ToolChoice.AUTO, false);
        String required = ToolCallFormat.instructions(TOOLS, ToolChoice.REQUIRED, true);
        assertTrue(auto.contains("get_weather: Weather for a city.") && auto.contains("plain text"), auto);
        assertTrue(required.contains("You must call a tool") && required.contains("JSON array"), required);
        assertFalse(ToolCallFormat.instructions(TOOLS, ToolChoice.named("ping"), false).contains("get_weather"));
    }

    @Test
    void onlyABraceBracketTagOrFenceOpensACall() {
        for (String s : List.of("{", "[", "<tool_call>", "```")) {
            assertTrue(ToolCallFormat.opensCall(s), s);
        }
        for (String s : List.of("", "Sure", " {")) {
            assertFalse(ToolCallFormat.opensCall(s), s);
        }
    }
}
