package dev.cascade4j.inference.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.TestModels;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link LocalStreamingChatModel} on a real model. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LocalStreamingChatModelTest {
    static LocalModel model;
    static LocalStreamingChatModel streaming;

    @BeforeAll
    static void load() {
        model = LocalModel.load(TestModels.smollm(), LocalModelOptions.defaults().withParallelSequences(2).withContextPerSequence(2048));
        streaming = LocalStreamingChatModel.builder().model(model).build();
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    /** Records every callback; {@link #done} completes with the response or the error. */
    static class Recorder implements StreamingChatResponseHandler {
        final List<String> partials = new CopyOnWriteArrayList<>();
        final List<CompleteToolCall> toolCalls = new CopyOnWriteArrayList<>();
        final CompletableFuture<ChatResponse> done = new CompletableFuture<>();

        @Override
        public void onPartialResponse(String text) {
            partials.add(text);
        }

        @Override
        public void onCompleteToolCall(CompleteToolCall call) {
            toolCalls.add(call);
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            done.complete(response);
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }
    }

    static ChatRequest ask(String question, int maxTokens) {
        return ChatRequest.builder().messages(UserMessage.from(question)).maxOutputTokens(maxTokens).build();
    }

    @Test
    void partialResponsesAddUpToTheFinalText() throws Exception {
        Recorder recorder = new Recorder();
        streaming.chat(ask("Name three colours of the rainbow.", 60), recorder);
        ChatResponse response = recorder.done.get(2, TimeUnit.MINUTES);
        assertTrue(recorder.partials.size() > 1, "text should arrive in pieces, got " + recorder.partials);
        assertFalse(response.aiMessage().text().isBlank());
        assertEquals(response.aiMessage().text(), String.join("", recorder.partials));
        assertTrue(response.tokenUsage().outputTokenCount() > 0);
        assertInstanceOf(LocalChatResponseMetadata.class, response.metadata());
    }

    @Test
    void toolCallsArriveWholeAndAreNotStreamedAsText() throws Exception {
        Recorder recorder = new Recorder();
        streaming.chat(ChatRequest.builder()
                .messages(UserMessage.from("What is 20 plus 22?"))
                .toolSpecifications(ToolSpecifications.toolSpecificationsFrom(LocalChatModelTest.Calculator.class))
                .toolChoice(ToolChoice.REQUIRED)
                .build(), recorder);
        ChatResponse response = recorder.done.get(2, TimeUnit.MINUTES);
        assertEquals(List.of(), recorder.partials, "a tool call's JSON is not partial text");
        assertEquals(FinishReason.TOOL_EXECUTION, response.finishReason());
        assertNull(response.aiMessage().text());
        assertEquals(1, recorder.toolCalls.size());
        assertEquals(response.aiMessage().toolExecutionRequests().getFirst(), recorder.toolCalls.getFirst().toolExecutionRequest());
        JsonNode args = new ObjectMapper().readTree(recorder.toolCalls.getFirst().toolExecutionRequest().arguments());
        assertTrue(args.get("a").isInt() && args.get("b").isInt(), args.toString());
    }

    @Test
    void cancellingFromAPartialResponseStopsTheStream() throws Exception {
        Recorder recorder = new Recorder() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                partials.add(partial.text());
                context.streamingHandle().cancel();
            }
        };
        streaming.chat(ask("Write a long story about a dragon.", 200), recorder);
        Thread.sleep(1500); // long enough for 200 tokens of a 135M model had it kept going
        assertEquals(1, recorder.partials.size(), recorder.partials.toString());
        assertFalse(recorder.done.isDone(), "a cancelled stream sends no complete response");

        Recorder next = new Recorder();
        streaming.chat(ask("Say hi.", 10), next);
        assertFalse(next.done.get(2, TimeUnit.MINUTES).aiMessage().text().isBlank(), "the model serves the next request");
    }

    @Test
    void aiServicesStreamATokenStream() throws Exception {
        interface StreamingAssistant {
            dev.langchain4j.service.TokenStream chat(String message);
        }
        StreamingAssistant assistant = dev.langchain4j.service.AiServices.builder(StreamingAssistant.class)
                .streamingChatModel(streaming).build();
        StringBuilder streamed = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        assistant.chat("Say hello to Bob.")
                .onPartialResponse(streamed::append)
                .onCompleteResponse(done::complete)
                .onError(done::completeExceptionally)
                .start();
        ChatResponse response = done.get(2, TimeUnit.MINUTES);
        assertFalse(response.aiMessage().text().isBlank());
        assertEquals(response.aiMessage().text(), streamed.toString());
    }

    @Test
    void invalidRequestsAreReportedThroughOnError() {
        Recorder recorder = new Recorder();
        streaming.chat(ChatRequest.builder().messages(UserMessage.from("hi")).toolChoice(ToolChoice.REQUIRED).build(), recorder);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> recorder.done.get(1, TimeUnit.MINUTES));
        assertInstanceOf(InvalidRequestException.class, e.getCause());
    }

    @Test
    void aFailingPartialHandlerEndsInOnError() {
        Recorder recorder = new Recorder() {
            @Override
            public void onPartialResponse(String text) {
                throw new IllegalStateException("handler broke");
            }
        };
        streaming.chat(ask("Name three colours of the rainbow.", 60), recorder);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> recorder.done.get(1, TimeUnit.MINUTES));
        assertEquals("handler broke", e.getCause().getMessage());
    }
}
