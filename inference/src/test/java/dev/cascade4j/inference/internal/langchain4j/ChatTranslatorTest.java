package dev.cascade4j.inference.internal.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.SamplingParams;
import dev.cascade4j.inference.TokenListener;
import dev.cascade4j.inference.ToolCall;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ChatTranslatorTest {
    final ChatTranslator translator = new ChatTranslator("test", SamplingParams.DEFAULT.withMinP(0.05).withSeed(7));

    @Test
    void conversationWithAToolRoundTripTranslatesMessageByMessage() {
        ToolExecutionRequest call = ToolExecutionRequest.builder().id("call_1").name("add").arguments("{\"a\":2,\"b\":3}").build();
        GenerationRequest request = translator.toGenerationRequest(ChatRequest.builder().messages(
                SystemMessage.from("be brief"),
                UserMessage.from(TextContent.from("What is"), TextContent.from("2 + 3?")),
                AiMessage.from(call),
                ToolExecutionResultMessage.from(call, "5"),
                AiMessage.from("5")).build(), TokenListener.NONE);
        assertEquals(List.of(
                ChatMessage.system("be brief"),
                ChatMessage.user("What is\n2 + 3?"),
                ChatMessage.assistant(List.of(new ToolCall("call_1", "add", "{\"a\":2,\"b\":3}"))),
                ChatMessage.toolResult("call_1", "add", "5"),
                ChatMessage.assistant("5")), request.messages());
        assertEquals(ResponseFormat.TEXT, request.responseFormat());
    }

    @Test
    void requestParametersOverrideTheSamplingDefaultsAndKeepTheRest() {
        SamplingParams s = translator.toGenerationRequest(ChatRequest.builder().messages(UserMessage.from("hi"))
                .temperature(0.7).topP(0.9).topK(20).maxOutputTokens(33).stopSequences(List.of("END")).build(), TokenListener.NONE).sampling();
        assertEquals(new SamplingParams(0.7, 0.9, 20, 0.05, 7, 33, List.of("END")), s);
    }

    @Test
    void engineErrorsMapToLangChain4jKinds() {
        assertInstanceOf(InvalidRequestException.class, ChatTranslator.toLangChain4j(new InferenceException.UnsupportedSchema("/x", "no")));
        assertInstanceOf(RateLimitException.class, ChatTranslator.toLangChain4j(new CompletionException(new InferenceException.Overloaded("full"))));
        assertInstanceOf(ModelNotFoundException.class, ChatTranslator.toLangChain4j(new InferenceException.ResourceUnavailable("gone")));
    }
}
