package dev.cascade4j.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cascade4j.inference.grammar.Gbnf;
import dev.cascade4j.inference.grammar.JsonSchemaGrammar;
import dev.cascade4j.inference.internal.grammar.ToolCallFormat;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tool schemas written from public APIs' shapes (weather, calendar, finance, e-commerce, DevOps,
 * messaging, maps, CRM, ...): every one is accepted, its grammar is one llama.cpp parses, and only
 * strict mode refuses the ones with keywords the grammar relaxes.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ToolSchemaCorpusTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static LocalModel smollm;
    static List<ToolSpec> tools;

    @BeforeAll
    static void load() throws Exception {
        tools = corpus();
        smollm = LocalModel.load(TestModels.smollm(), LocalModelOptions.defaults().withContextPerSequence(2048).withParallelSequences(1));
    }

    @AfterAll
    static void close() {
        if (smollm != null) {
            smollm.close();
        }
    }

    static List<ToolSpec> corpus() throws Exception {
        List<ToolSpec> out = new ArrayList<>();
        try (var in = new BufferedReader(new InputStreamReader(
                ToolSchemaCorpusTest.class.getResourceAsStream("/tool-schemas/tools.jsonl"), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode f = JSON.readTree(line).get("function");
                out.add(new ToolSpec(f.get("name").asText(), f.get("description").asText(), f.get("parameters")));
            }
        }
        return out;
    }

    /** One token under the grammar: llama.cpp parses the grammar, or the request fails. */
    static void assertLlamaCppParses(Gbnf g, String what) {
        GenerationResult r = smollm.generate(GenerationRequest.builder().user("Give an example.")
                .responseFormat(ResponseFormat.grammar(g.text())).maxTokens(1).build());
        assertTrue(r.usage().completionTokens() >= 1, what);
    }

    @Test
    void everyToolSchemaIsAcceptedAndLlamaCppParsesItsGrammars() {
        assertTrue(tools.size() >= 100, tools.size() + " schemas");
        for (ToolSpec t : tools) {
            assertLlamaCppParses(JsonSchemaGrammar.convert(t.parameters()), t.name() + " as a response format");
            assertLlamaCppParses(ToolCallFormat.grammar(List.of(t), ToolChoice.REQUIRED, false), t.name() + " as a tool");
        }
        assertLlamaCppParses(ToolCallFormat.grammar(tools, ToolChoice.AUTO, true), "all tools at once");
    }

    @Test
    void strictModeRefusesExactlyTheSchemasWithRelaxedKeywords() {
        int relaxed = 0;
        for (ToolSpec t : tools) {
            var relaxations = JsonSchemaGrammar.relaxations(t.parameters());
            if (relaxations.isEmpty()) {
                JsonSchemaGrammar.convert(t.parameters(), true);
            } else {
                relaxed++;
                var e = assertThrows(InferenceException.UnsupportedSchema.class, () -> JsonSchemaGrammar.convert(t.parameters(), true), t.name());
                assertEquals(relaxations.getFirst().pointer(), e.pointer(), t.name());
            }
        }
        // Most real schemas are enforced exactly; uniqueItems, multipleOf and conditionals are checked after generation.
        assertTrue(relaxed > 0 && relaxed < tools.size() / 3, relaxed + " of " + tools.size() + " relaxed");
    }

    @Test
    void callsUnderSchemasTheGrammarEnforcesAlwaysValidate() throws Exception {
        int checked = 0;
        for (int i = 0; i < tools.size(); i += 10) {
            ToolSpec t = tools.get(i);
            GenerationResult r = smollm.generate(GenerationRequest.builder()
                    .user("Call " + t.name() + " with realistic example arguments.")
                    .tools(List.of(t)).toolChoice(ToolChoice.REQUIRED).maxTokens(100).build());
            if (r.finishReason() != FinishReason.TOOL_CALLS) {
                continue; // cut off at the token limit
            }
            checked++;
            Set<ValidationMessage> problems = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(t.parameters()).validate(JSON.readTree(r.toolCalls().getFirst().arguments()));
            if (!problems.isEmpty()) {
                assertFalse(JsonSchemaGrammar.relaxations(t.parameters()).isEmpty(),
                        t.name() + ": " + r.toolCalls().getFirst().arguments() + " fails " + problems);
            }
        }
        assertTrue(checked >= 5, checked + " calls completed");
    }
}
