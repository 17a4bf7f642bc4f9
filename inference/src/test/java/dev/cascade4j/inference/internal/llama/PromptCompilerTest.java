package dev.cascade4j.inference.internal.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.inference.grammar.GbnfMatcher;
import dev.cascade4j.inference.internal.grammar.ToolCallFormat.Syntax;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a request's tools or response format make of its answer; the grammar is checked with a GBNF matcher, no model. */
class PromptCompilerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void plainTextIsFreeAndEveryTokenDecides() {
        PromptCompiler.Constraint c = PromptCompiler.constraint(GenerationRequest.builder().user("hi").build(), false, Syntax.JSON);
        assertNull(c.grammar());
        assertNull(c.toolCallParser());
        assertTrue(c.allTokensDecide());
    }

    @Test
    void aSchemaBecomesAGrammarThatAdmitsOnlyMatchingJson() throws Exception {
        var schema = JSON.readTree("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"],\"additionalProperties\":false}");
        PromptCompiler.Constraint c = PromptCompiler.constraint(GenerationRequest.builder().user("x")
                .responseFormat(ResponseFormat.jsonSchema(schema)).build(), false, Syntax.JSON);
        assertTrue(GbnfMatcher.accepts(c.grammar(), "{\"n\":3}"));
        assertFalse(GbnfMatcher.accepts(c.grammar(), "{\"n\":\"3\"}"));
        assertFalse(c.allTokensDecide(), "keys and punctuation are the schema's");
        assertNull(c.toolCallParser());
    }

    @Test
    void jsonObjectModeAdmitsAnyObjectOnly() {
        PromptCompiler.Constraint c = PromptCompiler.constraint(GenerationRequest.builder().user("x")
                .responseFormat(ResponseFormat.JSON_OBJECT).build(), false, Syntax.JSON);
        assertTrue(GbnfMatcher.accepts(c.grammar(), "{\"anything\":[1,true]}"));
        assertFalse(GbnfMatcher.accepts(c.grammar(), "[1]"));
    }

    @Test
    void toolsGiveACallGrammarInTheTaughtSyntaxAndAParser() throws Exception {
        ToolSpec weather = new ToolSpec("get_weather", "Weather.", JSON.readTree(
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"],\"additionalProperties\":false}"));
        GenerationRequest request = GenerationRequest.builder().user("weather in Paris?").tools(List.of(weather))
                .toolChoice(ToolChoice.REQUIRED).build();
        PromptCompiler.Constraint c = PromptCompiler.constraint(request, false, Syntax.TAGGED);
        String call = "{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}";
        assertTrue(GbnfMatcher.accepts(c.grammar(), "<tool_call>\n" + call + "\n</tool_call>"));
        assertFalse(GbnfMatcher.accepts(c.grammar(), call), "required: the taught wrapper only");
        assertFalse(c.allTokensDecide());
        assertNotNull(c.toolCallParser());
        assertEquals("get_weather", c.toolCallParser().apply(call).calls().getFirst().name());
    }

    @Test
    void strictSchemasRejectWhatTheGrammarCannotEnforce() throws Exception {
        ToolSpec loose = new ToolSpec("search", "Search.", JSON.readTree(
                "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"multipleOf\":5}}}"));
        GenerationRequest request = GenerationRequest.builder().user("x").tools(List.of(loose)).build();
        assertNotNull(PromptCompiler.constraint(request, false, Syntax.JSON).grammar(), "lenient: compiled anyway");
        assertThrows(InferenceException.class, () -> PromptCompiler.constraint(request, true, Syntax.JSON));
    }
}
