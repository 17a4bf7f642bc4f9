package dev.cascade4j.inference.internal.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.TestModels;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.inference.grammar.Gbnf;
import dev.cascade4j.inference.internal.grammar.ToolCallFormat;
import dev.cascade4j.inference.internal.grammar.ToolCallFormat.Syntax;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every form a model opens a call with is admitted by llama.cpp's grammar under {@code auto} and parsed
 * back into tool calls; required and named calls take the wrapper the prompt taught.
 */
class ToolCallFormsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<ToolSpec> TOOLS = List.of(
            new ToolSpec("get_weather", "Current weather for a city.", json("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"],\"additionalProperties\":false}")),
            new ToolSpec("set_timer", "Start a timer.", json("{\"type\":\"object\",\"properties\":{\"minutes\":{\"type\":\"integer\"}},\"required\":[\"minutes\"],\"additionalProperties\":false}")));
    static final List<String> NAMES = List.of("get_weather", "set_timer");

    static final String WEATHER = "{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Berlin\"}}";
    static final String TIMER = "{\"name\":\"set_timer\",\"arguments\":{\"minutes\":5}}";
    static final String TAGGED = "<tool_call>\n" + WEATHER + "\n</tool_call>";
    static final String TAGGED_TWO = TAGGED + "\n<tool_call>\n" + TIMER + "\n</tool_call>";
    static final String FENCED = "```json\n" + WEATHER + "\n```";
    static final String FENCED_TWO = "```json\n[" + WEATHER + "," + TIMER + "]\n```";
    /** Two calls in one fence, an object a line: how Qwen2.5-Coder writes them under auto. */
    static final String FENCED_LINES = "```json\n" + WEATHER + "\n" + TIMER + "\n```";
    static final String PROSE = "It is sunny in Berlin today.";

    static NativeModel model;
    static GrammarSampler.Scratch scratch;

    @BeforeAll
    static void load() {
        model = NativeModel.load(LlamaLibrary.get(), TestModels.smollm(), 0);
        scratch = new GrammarSampler.Scratch(model.vocabSize);
    }

    @AfterAll
    static void close() {
        scratch.close();
        model.close();
    }

    @Test
    void autoAdmitsTagsFencesBareJsonAndProse() {
        Gbnf single = ToolCallFormat.grammar(TOOLS, ToolChoice.AUTO, false, Syntax.TAGGED);
        for (String answer : List.of(TAGGED, FENCED, WEATHER, PROSE)) {
            assertTrue(admits(single, answer), answer);
        }
        assertFalse(admits(single, TAGGED_TWO), "two calls without parallel calls");

        Gbnf parallel = ToolCallFormat.grammar(TOOLS, ToolChoice.AUTO, true, Syntax.JSON);
        for (String answer : List.of(TAGGED_TWO, FENCED_TWO, FENCED_LINES, "[" + WEATHER + "," + TIMER + "]")) {
            assertTrue(admits(parallel, answer), answer);
        }
        assertFalse(admits(single, FENCED_LINES), "an object a line is parallel calls");
    }

    @Test
    void proseMayNotOpenLikeACallNorCarryAnUnknownTool() {
        Gbnf g = ToolCallFormat.grammar(TOOLS, ToolChoice.AUTO, true, Syntax.TAGGED);
        assertFalse(admits(g, "<tool_call>\n{\"name\":\"rm_rf\",\"arguments\":{}}\n</tool_call>"));
        assertFalse(admits(g, "```json\nnot json\n```"));
        assertFalse(admits(g, "{\"city\":\"Berlin\"}"));
    }

    @Test
    void requiredAndNamedCallsTakeTheTaughtWrapper() {
        Gbnf tagged = ToolCallFormat.grammar(TOOLS, ToolChoice.REQUIRED, true, Syntax.TAGGED);
        assertTrue(admits(tagged, TAGGED_TWO));
        assertFalse(admits(tagged, WEATHER));
        assertFalse(admits(tagged, PROSE));

        Gbnf json = ToolCallFormat.grammar(TOOLS, ToolChoice.named("set_timer"), false, Syntax.JSON);
        assertTrue(admits(json, TIMER));
        assertFalse(admits(json, WEATHER));
        assertFalse(admits(json, "<tool_call>\n" + TIMER + "\n</tool_call>"));
    }

    @Test
    void everyFormParsesIntoCallsAndTheRestIsText() {
        assertEquals(List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Berlin\"}")), ToolCallFormat.parse(TAGGED, NAMES).calls());
        assertEquals(List.of("get_weather", "set_timer"), names(ToolCallFormat.parse(TAGGED_TWO, NAMES)));
        assertEquals(List.of("get_weather", "set_timer"), names(ToolCallFormat.parse(FENCED_TWO, NAMES)));
        assertEquals(List.of("get_weather", "set_timer"), names(ToolCallFormat.parse(FENCED_LINES, NAMES)));
        assertEquals(List.of("get_weather"), names(ToolCallFormat.parse("  " + WEATHER + "\n", NAMES)));

        ToolCallFormat.Parsed mixed = ToolCallFormat.parse("Let me check.\n```json\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n```\nOne moment.", NAMES);
        assertEquals(List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Oslo\"}")), mixed.calls());
        assertEquals("Let me check.\n\nOne moment.", mixed.text());

        ToolCallFormat.Parsed ids = ToolCallFormat.parse(TAGGED + "\n```json\n" + TIMER + "\n```", NAMES);
        assertEquals(List.of("call_1", "call_2"), ids.calls().stream().map(ToolCall::id).toList());
        assertEquals("", ids.text());
    }

    @Test
    void textThatIsNotACallStaysText() {
        for (String text : List.of(PROSE,
                "```json\n{\"name\":\"rm_rf\",\"arguments\":{}}\n```", // not an offered tool
                "<tool_call>\n{\"name\":\"get_weather\",\"arguments\":{\"city\":", // cut by the token limit
                "```json\n{\"city\": \"Berlin\"}\n```")) { // JSON without a name
            ToolCallFormat.Parsed p = ToolCallFormat.parse(text, NAMES);
            assertTrue(p.calls().isEmpty(), text);
            assertEquals(text, p.text());
        }
    }

    @Test
    void aStreamingClientIsSentProseOnly() {
        for (String start : List.of("<tool_call>", "```", "{\"", "[")) {
            assertTrue(ToolCallFormat.opensCall(start), start);
        }
        assertFalse(ToolCallFormat.opensCall("It"));
        assertFalse(ToolCallFormat.opensCall(""));
    }

    @Test
    void argumentsMayComeAsParametersOrAsJsonText() {
        assertEquals("{\"minutes\":5}", ToolCallFormat.parse("{\"name\":\"set_timer\",\"parameters\":{\"minutes\":5}}", NAMES).calls().getFirst().arguments());
        assertEquals("{\"minutes\":5}", ToolCallFormat.parse("{\"name\":\"set_timer\",\"arguments\":\"{\\\"minutes\\\":5}\"}", NAMES).calls().getFirst().arguments());
    }

    private static List<String> names(ToolCallFormat.Parsed p) {
        return p.calls().stream().map(ToolCall::name).toList();
    }

    /** Whether llama.cpp's grammar accepts the whole text as a complete answer (end of generation allowed after it). */
    private static boolean admits(Gbnf grammar, String text) {
        try (GrammarSampler g = GrammarSampler.create(model, grammar.text(), grammar.root())) {
            int[] one = new int[1];
            boolean[] allowed = new boolean[1];
            for (int token : model.tokenize(text, false)) {
                one[0] = token;
                if (g.filter(scratch, one, 1, allowed) == 0) {
                    return false;
                }
                g.accept(token);
            }
            one[0] = model.eos();
            return g.filter(scratch, one, 1, allowed) == 1;
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
