package dev.cascade4j.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cascade4j.inference.grammar.Gbnf;
import dev.cascade4j.inference.grammar.JsonSchemaGrammar;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** JSON-schema output, tool calls and confidence on the real models, validated with an independent JSON-schema validator. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class StructuredOutputTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static LocalModel smollm;
    static LocalModel gemma;

    @BeforeAll
    static void load() {
        smollm = LocalModel.load(TestModels.smollm(), LocalModelOptions.defaults().withContextPerSequence(2048).withParallelSequences(2));
        gemma = LocalModel.load(TestModels.gemma(), LocalModelOptions.defaults().withContextPerSequence(2048).withParallelSequences(2));
    }

    @AfterAll
    static void close() {
        if (smollm != null) {
            smollm.close();
        }
        if (gemma != null) {
            gemma.close();
        }
    }

    static Set<ValidationMessage> validate(JsonNode schema, String json) throws Exception {
        JsonSchema s = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema);
        return s.validate(JSON.readTree(json));
    }

    static final String PERSON = """
            {"type":"object","properties":{
              "name":{"type":"string","maxLength":40},
              "age":{"type":"integer","minimum":0,"maximum":120},
              "city":{"type":"string","enum":["Paris","London","Berlin"]},
              "skills":{"type":"array","items":{"type":"string","maxLength":20},"minItems":1,"maxItems":3}},
             "required":["name","age","city","skills"]}""";

    @Test
    void jsonSchemaOutputValidatesOnBothModels() throws Exception {
        JsonNode schema = JSON.readTree(PERSON);
        for (LocalModel m : List.of(smollm, gemma)) {
            GenerationResult r = m.generate(GenerationRequest.builder()
                    .system("You extract data as JSON.")
                    .user("Alice is a 31 year old engineer from Paris who knows Java and Python.")
                    .responseFormat(ResponseFormat.jsonSchema(schema)).maxTokens(120).build());
            assertEquals(FinishReason.STOP, r.finishReason(), m.info().name() + ": " + r.text());
            assertEquals(Set.of(), validate(schema, r.text()), m.info().name() + ": " + r.text());
            assertTrue(r.usage().forcedTokens() > 0, "keys and punctuation are appended without sampling");
        }
    }

    @Test
    void everyCorpusSchemaConvertsAndLlamaCppAcceptsTheGrammar() throws Exception {
        JsonNode corpus = JSON.readTree(getClass().getResourceAsStream("/schemas/corpus.json"));
        assertTrue(corpus.size() >= 25);
        int i = 0;
        for (JsonNode schema : corpus) {
            Gbnf g = JsonSchemaGrammar.convert(schema);
            // A one-token generation under the grammar: llama.cpp parses it, or submit throws.
            GenerationResult r = smollm.generate(GenerationRequest.builder().user("Give an example.")
                    .responseFormat(ResponseFormat.grammar(g.text())).maxTokens(1).build());
            assertTrue(r.usage().completionTokens() >= 1, "schema " + i + " " + schema);
            i++;
        }
    }

    @Test
    void corpusOutputsValidateAgainstTheirSchemas() throws Exception {
        JsonNode corpus = JSON.readTree(getClass().getResourceAsStream("/schemas/corpus.json"));
        int checked = 0;
        for (JsonNode schema : corpus) {
            GenerationResult r = smollm.generate(GenerationRequest.builder().system("Answer with JSON.").user("Give an example value.")
                    .responseFormat(ResponseFormat.jsonSchema(schema)).maxTokens(200).build());
            if (r.finishReason() == FinishReason.STOP) {
                assertEquals(Set.of(), validate(schema, r.text()), schema + " -> " + r.text());
                checked++;
            }
        }
        assertTrue(checked >= corpus.size() * 3 / 4, checked + " of " + corpus.size() + " outputs completed within 200 tokens");
    }

    @Test
    void countsUpToTheGrammarsRepetitionLimitCompileInLlamaCpp() throws Exception {
        // the converter's bound is the parser's: the largest counts it compiles are grammars llama.cpp accepts
        for (String s : List.of("{\"type\":\"string\",\"minLength\":2000}", "{\"type\":\"string\",\"pattern\":\"^a{2000}$\"}",
                "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":2000},\"minItems\":2000,\"maxItems\":2000}")) {
            GenerationResult r = smollm.generate(GenerationRequest.builder().user("x")
                    .responseFormat(ResponseFormat.jsonSchema(JSON.readTree(s))).maxTokens(2).build());
            assertTrue(r.usage().completionTokens() >= 1, s);
        }
    }

    @Test
    void schemasTheGrammarCannotMirrorRunRelaxedAndStrictModeRefusesThem() throws Exception {
        JsonNode pattern = JSON.readTree("{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\",\"pattern\":\"^[A-Z]+$\"}}}");
        assertEquals(List.of(), JsonSchemaGrammar.relaxations(pattern));
        var missing = assertThrows(InferenceException.UnsupportedSchema.class,
                () -> JsonSchemaGrammar.convert(JSON.readTree("{\"$ref\":\"#/$defs/missing\"}")));
        assertTrue(missing.getMessage().contains("points at nothing"), missing.getMessage());
        // Anything but a pointer into the schema gets one message, whatever it names.
        List<String> outside = new java.util.ArrayList<>();
        for (String ref : List.of("http://127.0.0.1:9/s.json", "/etc/hostname", "file:///nonexistent", "#anchor")) {
            outside.add(assertThrows(InferenceException.UnsupportedSchema.class,
                    () -> JsonSchemaGrammar.convert(JSON.readTree("{\"$ref\":\"" + ref + "\"}"))).getMessage());
        }
        assertEquals(1, outside.stream().distinct().count(), outside.toString());

        JsonNode fractionalBound = JSON.readTree("{\"type\":\"number\",\"minimum\":0.5}");
        JsonNode multipleOf = JSON.readTree("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"multipleOf\":5}},\"required\":[\"n\"]}");
        GenerationResult relaxed = smollm.generate(GenerationRequest.builder().user("Give a number.")
                .responseFormat(ResponseFormat.jsonSchema(fractionalBound)).maxTokens(8).build());
        assertTrue(relaxed.usage().completionTokens() >= 1, "a relaxed schema runs; validation after generation checks the bound");
        try (LocalModel strict = LocalModel.load(TestModels.smollm(),
                LocalModelOptions.defaults().withContextPerSequence(512).withParallelSequences(1).withStrictSchemas(true))) {
            var e = assertThrows(InferenceException.UnsupportedSchema.class, () -> strict.submit(GenerationRequest.builder().user("x")
                    .responseFormat(ResponseFormat.jsonSchema(fractionalBound)).build()));
            assertEquals("/minimum", e.pointer());
            var t = assertThrows(InferenceException.UnsupportedSchema.class, () -> strict.submit(GenerationRequest.builder().user("x")
                    .tools(List.of(new ToolSpec("count", "Count in fives", multipleOf))).toolChoice(ToolChoice.REQUIRED).build()));
            assertEquals("/tools/count/parameters/properties/n/multipleOf", t.pointer());
            assertTrue(t.getMessage().contains("cannot be enforced"), t.getMessage());
            GenerationResult exact = strict.generate(GenerationRequest.builder().user("A number please.")
                    .responseFormat(ResponseFormat.jsonSchema(JSON.readTree("{\"type\":\"integer\",\"minimum\":-90,\"maximum\":400}")))
                    .maxTokens(8).build());
            assertTrue(exact.usage().completionTokens() >= 1, "strict mode takes what the grammar enforces exactly");
        }
    }

    static final List<ToolSpec> TOOLS = List.of(
            new ToolSpec("get_weather", "Get the current weather for a city", json("""
                    {"type":"object","properties":{"city":{"type":"string","maxLength":40},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city","unit"]}""")),
            new ToolSpec("send_email", "Send an e-mail to a recipient", json("""
                    {"type":"object","properties":{"to":{"type":"string","maxLength":60},"subject":{"type":"string","maxLength":60}},"required":["to","subject"]}""")));

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void toolCallNamesAnExistingToolWithValidArguments() throws Exception {
        GenerationResult r = smollm.generate(GenerationRequest.builder()
                .user("What is the weather in Paris in celsius?")
                .tools(TOOLS).toolChoice(ToolChoice.REQUIRED).maxTokens(60).build());
        assertEquals(FinishReason.TOOL_CALLS, r.finishReason(), r.text());
        ToolCall call = r.toolCalls().getFirst();
        ToolSpec spec = TOOLS.stream().filter(t -> t.name().equals(call.name())).findFirst().orElseThrow();
        assertEquals(Set.of(), validate(spec.parameters(), call.arguments()), call.arguments());
        assertEquals("get_weather", call.name());
    }

    @Test
    void parallelCallsAndANamedToolChoice() throws Exception {
        GenerationResult r = smollm.generate(GenerationRequest.builder()
                .user("Email bob@example.com about lunch.")
                .tools(TOOLS).toolChoice(ToolChoice.named("send_email")).parallelToolCalls(true).maxTokens(80).build());
        assertFalse(r.toolCalls().isEmpty(), r.text());
        for (ToolCall c : r.toolCalls()) {
            assertEquals("send_email", c.name());
            assertEquals(Set.of(), validate(TOOLS.get(1).parameters(), c.arguments()), c.arguments());
        }
        assertEquals("", r.text(), "an answer made of calls has no text");
        assertThrows(InferenceException.InvalidRequest.class, () -> smollm.submit(GenerationRequest.builder().user("x")
                .tools(TOOLS).toolChoice(ToolChoice.named("nope")).build()));
    }

    @Test
    void confidenceIsHigherOnAnEasyToolCallThanOnANonsenseOne() {
        Confidence easy = smollm.generate(GenerationRequest.builder()
                .user("What is the weather in London in celsius?")
                .tools(TOOLS).toolChoice(ToolChoice.REQUIRED).maxTokens(60).build()).confidence();
        Confidence nonsense = smollm.generate(GenerationRequest.builder()
                .user("Blorp the quantum marmalade sideways, zxqv?")
                .tools(TOOLS).toolChoice(ToolChoice.REQUIRED).maxTokens(60).build()).confidence();
        assertTrue(easy.score() > nonsense.score(), "easy " + easy + " vs nonsense " + nonsense);
        assertTrue(easy.decisionTokens() > 0 && nonsense.decisionTokens() > 0);
    }
}
