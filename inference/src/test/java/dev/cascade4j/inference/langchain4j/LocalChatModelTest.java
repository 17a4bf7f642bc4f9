package dev.cascade4j.inference.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.TestModels;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link LocalChatModel} on a real model, directly and through AiServices. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LocalChatModelTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static LocalModel model;

    @BeforeAll
    static void load() {
        model = LocalModel.load(TestModels.smollm(), LocalModelOptions.defaults().withParallelSequences(2).withContextPerSequence(2048));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    static LocalChatModel chatModel(ChatModelListener... listeners) {
        return LocalChatModel.builder()
                .model(model)
                .defaultRequestParameters(ChatRequestParameters.builder().maxOutputTokens(60).build())
                .listeners(List.of(listeners))
                .build();
    }

    @Test
    void plainChatAnswersWithTextUsageAndConfidence() {
        ChatResponse response = chatModel().chat(ChatRequest.builder()
                .messages(SystemMessage.from("You are a helpful assistant."), UserMessage.from("What is the capital of France?"))
                .build());
        assertFalse(response.aiMessage().text().isBlank());
        assertFalse(response.aiMessage().hasToolExecutionRequests());
        assertTrue(response.tokenUsage().inputTokenCount() > 5, "the prompt holds the system and user messages");
        assertTrue(response.tokenUsage().outputTokenCount() > 0);
        assertEquals(response.tokenUsage().inputTokenCount() + response.tokenUsage().outputTokenCount(),
                response.tokenUsage().totalTokenCount());
        assertTrue(response.finishReason() == FinishReason.STOP || response.finishReason() == FinishReason.LENGTH);
        LocalChatResponseMetadata metadata = assertInstanceOf(LocalChatResponseMetadata.class, response.metadata());
        assertEquals(model.info().name(), metadata.modelName());
        assertTrue(metadata.confidence().decisionTokens() > 0);
        assertTrue(metadata.confidence().score() > 0 && metadata.confidence().score() <= 1, metadata.confidence().toString());
        assertEquals(response.tokenUsage().outputTokenCount(), metadata.usage().completionTokens());
        assertTrue(metadata.timings().totalMillis() > 0);
    }

    @Test
    void maxOutputTokensAndStopSequencesReachTheEngine() {
        ChatResponse limited = chatModel().chat(ChatRequest.builder()
                .messages(UserMessage.from("Write a long story about a dragon."))
                .maxOutputTokens(5)
                .build());
        assertEquals(FinishReason.LENGTH, limited.finishReason());
        assertEquals(5, limited.tokenUsage().outputTokenCount());

        // The schema forces the text, so the stop sequence is met whatever this CPU's numerics make the model prefer.
        JsonSchema counting = JsonSchema.builder().name("Counting").rootElement(JsonObjectSchema.builder()
                .addEnumProperty("count", List.of("1, 2, 3, 4, 5, 6, 7, 8, 9, 10"))
                .required("count")
                .build()).build();
        ChatResponse counted = chatModel().chat(ChatRequest.builder()
                .messages(UserMessage.from("Count from 1 to 10, separated by commas."))
                .responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(counting).build())
                .stopSequences(List.of("5"))
                .build());
        assertTrue(counted.aiMessage().text().endsWith("1, 2, 3, 4, "), counted.aiMessage().text());
        assertEquals(FinishReason.STOP, counted.finishReason());
    }

    @Test
    void aiServicesAnswer() {
        interface Assistant {
            String chat(String message);
        }
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(chatModel()).build();
        String answer = assistant.chat("Say hello to Bob.");
        assertNotNull(answer);
        assertFalse(answer.isBlank());
    }

    static final class Calculator {
        final List<String> invocations = new CopyOnWriteArrayList<>();

        @Tool("Adds two integers and returns their sum")
        int add(@P("the first number") int a, @P("the second number") int b) {
            invocations.add(a + "+" + b);
            return a + b;
        }
    }

    @Test
    void aiServicesCallATool() throws Exception {
        interface MathAssistant {
            String chat(String message);
        }
        List<ToolExecutionRequest> requested = new CopyOnWriteArrayList<>();
        Calculator calculator = new Calculator();
        MathAssistant assistant = AiServices.builder(MathAssistant.class)
                .chatModel(chatModel())
                .tools(calculator)
                // A 135M model left free answers arithmetic in text, and once it has called a tool keeps
                // calling: require one call on the user's turn, then ask for the answer in words.
                .chatRequestTransformer(LocalChatModelTest::oneToolCallThenAnswer)
                .beforeToolExecution(before -> requested.add(before.request()))
                .maxSequentialToolsInvocations(4)
                .build();
        String answer = assistant.chat("What is 2 + 3?");
        assertFalse(calculator.invocations.isEmpty(), "the model should have called add");
        ToolExecutionRequest first = requested.getFirst();
        assertEquals("add", first.name());
        assertNotNull(first.id());
        JsonNode args = JSON.readTree(first.arguments());
        assertTrue(args.get("a").isInt() && args.get("b").isInt(), first.arguments());
        // Exactly one call, executed with the arguments the model wrote. (Which numbers a 135M model
        // picks is not stable: greedy output changed with the KV-cache prefix left by earlier tests.)
        assertEquals(List.of(args.get("a").asInt() + "+" + args.get("b").asInt()), calculator.invocations);
        assertFalse(answer.isBlank());
    }

    static ChatRequest oneToolCallThenAnswer(ChatRequest request) {
        boolean userTurn = request.messages().getLast() instanceof UserMessage;
        return request.toBuilder().toolChoice(userTurn ? ToolChoice.REQUIRED : ToolChoice.NONE).build();
    }

    @Test
    void requiredToolChoiceAnswersWithToolExecutionRequests() throws Exception {
        ChatResponse response = chatModel().chat(ChatRequest.builder()
                .messages(UserMessage.from("What is 20 plus 22?"))
                .toolSpecifications(dev.langchain4j.agent.tool.ToolSpecifications.toolSpecificationsFrom(Calculator.class))
                .toolChoice(ToolChoice.REQUIRED)
                .build());
        assertEquals(FinishReason.TOOL_EXECUTION, response.finishReason());
        assertNull(response.aiMessage().text());
        ToolExecutionRequest call = response.aiMessage().toolExecutionRequests().getFirst();
        assertEquals("add", call.name());
        JsonNode args = JSON.readTree(call.arguments());
        assertTrue(args.get("a").isInt() && args.get("b").isInt(), call.arguments());
    }

    static final JsonSchema PERSON = JsonSchema.builder()
            .name("Person")
            .rootElement(JsonObjectSchema.builder()
                    .addStringProperty("name")
                    .addIntegerProperty("age")
                    .addStringProperty("city")
                    .required("name", "age", "city")
                    .build())
            .build();

    @Test
    void jsonSchemaResponseFormatGivesJsonWithTheRequiredFields() throws Exception {
        ChatResponse response = chatModel().chat(ChatRequest.builder()
                .messages(SystemMessage.from("You extract data as JSON."),
                        UserMessage.from("Alice is a 31 year old engineer who lives in Paris."))
                .responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(PERSON).build())
                .build());
        JsonNode person = JSON.readTree(response.aiMessage().text());
        assertTrue(person.get("name").isTextual(), response.aiMessage().text());
        assertTrue(person.get("age").isInt(), response.aiMessage().text());
        assertTrue(person.get("city").isTextual(), response.aiMessage().text());
        assertEquals(FinishReason.STOP, response.finishReason());
    }

    record Person(String name, int age, String city) {
    }

    @Test
    void aiServicesReturnARecordThroughTheJsonSchemaCapability() {
        interface Extractor {
            Person extract(String text);
        }
        // langchain4j marks no record component as required; the adapter requires them all, so the grammar
        // makes the model write every one of them (what it writes is the model's; that it is there is not).
        List<ChatRequest> seen = new CopyOnWriteArrayList<>();
        ChatModelListener listener = new ChatModelListener() {
            @Override
            public void onRequest(dev.langchain4j.model.chat.listener.ChatModelRequestContext context) {
                seen.add(context.chatRequest());
            }
        };
        Person person = AiServices.builder(Extractor.class).chatModel(chatModel(listener)).build()
                .extract("Alice is a 31 year old engineer who lives in Paris.");
        assertNotNull(person);
        assertNotNull(person.name(), person.toString());
        assertNotNull(person.city(), person.toString());
        ResponseFormat format = seen.getFirst().responseFormat();
        assertEquals(ResponseFormatType.JSON, format.type());
        assertInstanceOf(JsonObjectSchema.class, format.jsonSchema().rootElement());
        assertEquals(List.of("name", "age", "city"),
                List.copyOf(((JsonObjectSchema) format.jsonSchema().rootElement()).properties().keySet()));
    }

    @Test
    void jsonCutOffAtTheTokenLimitIsAnErrorThatSaysSoNotHalfAnAnswer() {
        // One sampled token cannot fill three required values: the answer must stop at the limit.
        var e = assertThrows(dev.langchain4j.exception.LangChain4jException.class, () -> chatModel().chat(ChatRequest.builder()
                .messages(UserMessage.from("Alice is a 31 year old engineer who lives in Paris."))
                .responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(PERSON).build())
                .maxOutputTokens(1)
                .build()));
        assertTrue(e.getMessage().contains("cut off at the token limit") && e.getMessage().contains("maxOutputTokens"), e.getMessage());
    }

    @Test
    void engineAndTranslationErrorsBecomeLangChain4jExceptions() {
        LocalChatModel chat = chatModel();
        assertThrows(InvalidRequestException.class, () -> chat.chat(ChatRequest.builder()
                .messages(UserMessage.from("hi")).toolChoice(ToolChoice.REQUIRED).build()),
                "tool choice REQUIRED without tools is the caller's mistake");
        assertThrows(InvalidRequestException.class, () -> chat.chat(ChatRequest.builder()
                .messages(UserMessage.from("hi")).temperature(-1.0).build()));
        assertThrows(UnsupportedFeatureException.class, () -> chat.chat(ChatRequest.builder()
                .messages(UserMessage.from(TextContent.from("what is this?"), ImageContent.from("https://example.com/cat.png")))
                .build()));
    }
}
