package dev.cascade4j.inference.internal.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.SamplingParams;
import dev.cascade4j.inference.Timings;
import dev.cascade4j.inference.Usage;
import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Engine requests sent to any langchain4j ChatModel, and its answers back. */
class ChatTranslatorRequestTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRequestKeepsItsMessagesToolsAndConstraints() throws Exception {
        ToolSpec weather = new ToolSpec("get_weather", "Weather", JSON.readTree("""
                {"type":"object","properties":{"city":{"type":"string","format":"email"}},"required":["city"]}"""));
        ToolSpec time = new ToolSpec("get_time", "Time", null);
        GenerationRequest request = GenerationRequest.builder()
                .system("Be brief.").user("Weather in Oslo?")
                .message(ChatMessage.assistant(List.of(new ToolCall("c1", "get_weather", "{\"city\":\"Oslo\"}"))))
                .message(ChatMessage.toolResult("c1", "get_weather", "sunny"))
                .tools(List.of(weather, time)).toolChoice(ToolChoice.named("get_weather")).maxTokens(33).build();
        ChatRequest chat = ChatTranslator.toChatRequest(request);
        assertInstanceOf(SystemMessage.class, chat.messages().get(0));
        assertEquals(List.of("get_weather"), ((AiMessage) chat.messages().get(2)).toolExecutionRequests().stream().map(ToolExecutionRequest::name).toList());
        assertEquals("sunny", ((ToolExecutionResultMessage) chat.messages().get(3)).text());
        assertEquals(1, chat.toolSpecifications().size(), "a named choice offers only that tool");
        var city = (JsonRawSchema) chat.toolSpecifications().getFirst().parameters().properties().get("city");
        assertTrue(city.schema().contains("\"format\":\"email\""), city.schema());
        assertEquals(List.of("city"), chat.toolSpecifications().getFirst().parameters().required());
        assertEquals(33, chat.maxOutputTokens());
        assertEquals(dev.langchain4j.model.chat.request.ToolChoice.REQUIRED, chat.toolChoice());
    }

    @Test
    void aSchemaResponseFormatTravelsRaw() throws Exception {
        var schema = JSON.readTree("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":3}}}");
        ChatRequest chat = ChatTranslator.toChatRequest(GenerationRequest.builder().user("x").responseFormat(ResponseFormat.jsonSchema(schema)).build());
        var root = (JsonRawSchema) chat.responseFormat().jsonSchema().rootElement();
        assertEquals(schema, JSON.readTree(root.schema()));
    }

    @Test
    void anAnswerBecomesAResult() {
        ChatResponse response = ChatResponse.builder()
                .aiMessage(AiMessage.from(List.of(ToolExecutionRequest.builder().id("1").name("f").arguments("{}").build())))
                .tokenUsage(new TokenUsage(10, 4)).build();
        GenerationResult r = ChatTranslator.toGenerationResult(response, Duration.ofMillis(250));
        assertEquals(FinishReason.TOOL_CALLS, r.finishReason());
        assertEquals("f", r.toolCalls().getFirst().name());
        assertEquals(10, r.usage().promptTokens());
        assertEquals(4, r.usage().completionTokens());
        assertEquals(250, r.timings().totalMillis(), 1e-9);
        assertEquals(Confidence.NONE, r.confidence());
        assertEquals(null, r.node());
    }

    @Test
    void theNodeAClusterModelGeneratedOnSurvivesTheLangChain4jRoundTrip() {
        GenerationResult onNode = new GenerationResult("hi", List.of(), FinishReason.STOP, Confidence.NONE, new Usage(3, 0, 1, 0),
                new Timings(0, 1, 1), "model-2");
        ChatResponse response = new ChatTranslator("m", SamplingParams.DEFAULT).toChatResponse(onNode);
        assertEquals("model-2", ChatTranslator.toGenerationResult(response, Duration.ofMillis(5)).node());
    }
}
