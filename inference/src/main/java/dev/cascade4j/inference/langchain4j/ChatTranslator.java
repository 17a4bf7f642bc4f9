package dev.cascade4j.inference.langchain4j;

import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.SamplingParams;
import dev.cascade4j.inference.TokenListener;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * Translates between langchain4j's chat types and the engine's, both ways, for the blocking and the
 * streaming model alike, and turns engine errors into langchain4j's exception types.
 */
final class ChatTranslator {
    private final String modelName;
    private final SamplingParams samplingDefaults;

    ChatTranslator(String modelName, SamplingParams samplingDefaults) {
        this.modelName = modelName;
        this.samplingDefaults = samplingDefaults;
    }

    GenerationRequest toGenerationRequest(ChatRequest request, TokenListener listener) {
        if (request.frequencyPenalty() != null || request.presencePenalty() != null) {
            throw new UnsupportedFeatureException("frequency and presence penalties are not supported by local models; leave them unset");
        }
        return GenerationRequest.builder()
                .messages(request.messages().stream().map(ChatTranslator::toChatMessage).toList())
                .sampling(sampling(request))
                .tools(request.toolSpecifications() == null ? List.of()
                        : request.toolSpecifications().stream().map(ChatTranslator::toToolSpec).toList())
                .toolChoice(toolChoice(request.toolChoice()))
                .responseFormat(responseFormat(request.responseFormat()))
                .listener(listener)
                .build();
    }

    private SamplingParams sampling(ChatRequest request) {
        SamplingParams s = samplingDefaults;
        if (request.temperature() != null) {
            s = s.withTemperature(request.temperature());
        }
        if (request.topP() != null) {
            s = s.withTopP(request.topP());
        }
        if (request.topK() != null) {
            s = s.withTopK(request.topK());
        }
        if (request.maxOutputTokens() != null) {
            s = s.withMaxTokens(request.maxOutputTokens());
        }
        if (request.stopSequences() != null && !request.stopSequences().isEmpty()) {
            s = s.withStop(request.stopSequences());
        }
        return s;
    }

    static ChatMessage toChatMessage(dev.langchain4j.data.message.ChatMessage message) {
        return switch (message) {
            case SystemMessage s -> ChatMessage.system(s.text());
            case UserMessage u -> ChatMessage.user(text(u));
            case AiMessage a -> new ChatMessage(ChatMessage.Role.ASSISTANT, a.text(),
                    a.toolExecutionRequests().stream().map(r -> new ToolCall(r.id(), r.name(), r.arguments())).toList(), null, null);
            case ToolExecutionResultMessage t -> ChatMessage.toolResult(t.id(), t.toolName(), t.text());
            default -> throw new UnsupportedFeatureException("message type " + message.type()
                    + " is not supported by local models; send system, user, AI and tool-result messages");
        };
    }

    private static String text(UserMessage message) {
        List<String> texts = new ArrayList<>();
        for (Content c : message.contents()) {
            if (!(c instanceof TextContent t)) {
                throw new UnsupportedFeatureException("user message content of type " + c.type()
                        + " is not supported: local models read text only");
            }
            texts.add(t.text());
        }
        return String.join("\n", texts);
    }

    private static ToolSpec toToolSpec(ToolSpecification spec) {
        return new ToolSpec(spec.name(), spec.description(),
                spec.parameters() == null ? null : JsonSchemaElementConverter.toJsonSchema(spec.parameters()));
    }

    private static ToolChoice toolChoice(dev.langchain4j.model.chat.request.ToolChoice choice) {
        return switch (choice) {
            case null -> ToolChoice.AUTO;
            case AUTO -> ToolChoice.AUTO;
            case REQUIRED -> ToolChoice.REQUIRED;
            case NONE -> ToolChoice.NONE;
        };
    }

    private static ResponseFormat responseFormat(dev.langchain4j.model.chat.request.ResponseFormat format) {
        if (format == null || format.type() == ResponseFormatType.TEXT) {
            return ResponseFormat.TEXT;
        }
        return format.jsonSchema() == null ? ResponseFormat.JSON_OBJECT
                : ResponseFormat.jsonSchema(JsonSchemaElementConverter.toJsonSchema(format.jsonSchema().rootElement()));
    }

    ChatResponse toChatResponse(GenerationResult result) {
        AiMessage message = result.hasToolCalls() ? AiMessage.from(toolExecutionRequests(result)) : AiMessage.from(result.text());
        TokenUsage tokens = new TokenUsage(result.usage().promptTokens(), result.usage().completionTokens());
        return ChatResponse.builder()
                .aiMessage(message)
                .metadata(LocalChatResponseMetadata.builder()
                        .modelName(modelName)
                        .tokenUsage(tokens)
                        .finishReason(finishReason(result.finishReason()))
                        .confidence(result.confidence())
                        .usage(result.usage())
                        .timings(result.timings())
                        .build())
                .build();
    }

    static List<ToolExecutionRequest> toolExecutionRequests(GenerationResult result) {
        return result.toolCalls().stream()
                .map(c -> ToolExecutionRequest.builder().id(c.id()).name(c.name()).arguments(c.arguments()).build())
                .toList();
    }

    private static dev.langchain4j.model.output.FinishReason finishReason(FinishReason reason) {
        return switch (reason) {
            case STOP, STOP_STRING -> dev.langchain4j.model.output.FinishReason.STOP;
            case LENGTH -> dev.langchain4j.model.output.FinishReason.LENGTH;
            case TOOL_CALLS -> dev.langchain4j.model.output.FinishReason.TOOL_EXECUTION;
            case CANCELLED -> dev.langchain4j.model.output.FinishReason.OTHER;
        };
    }

    /**
     * The langchain4j exception for an engine failure, so callers (and langchain4j's retry logic,
     * which retries only {@code RetriableException}s) can tell a bad request from a busy model.
     */
    static RuntimeException toLangChain4j(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return switch (e) {
            case LangChain4jException already -> already;
            case InferenceException.InvalidRequest invalid -> new InvalidRequestException(invalid.getMessage(), invalid);
            case InferenceException.Overloaded busy -> new RateLimitException(busy.getMessage(), busy);
            case InferenceException.ResourceUnavailable missing -> new ModelNotFoundException(missing.getMessage(), missing);
            case InferenceException other -> new LangChain4jException(other.getMessage(), other);
            case RuntimeException other -> other;
            default -> new LangChain4jException(e.getMessage(), e);
        };
    }
}
