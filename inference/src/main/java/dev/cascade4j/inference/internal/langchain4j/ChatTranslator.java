package dev.cascade4j.inference.internal.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.SamplingParams;
import dev.cascade4j.inference.Timings;
import dev.cascade4j.inference.TokenListener;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.inference.Usage;
import dev.cascade4j.inference.langchain4j.LocalChatResponseMetadata;
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
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * Translates between langchain4j's chat types and the engine's, both ways, for the blocking and the
 * streaming model alike, and turns engine errors into langchain4j's exception types. The public
 * static methods serve callers that send engine requests to any langchain4j {@code ChatModel}
 * (the router, when it escalates).
 */
public final class ChatTranslator {
    private final String modelName;
    private final SamplingParams samplingDefaults;

    /** A translator whose responses name {@code modelName} and whose requests start from {@code samplingDefaults}. */
    public ChatTranslator(String modelName, SamplingParams samplingDefaults) {
        this.modelName = modelName;
        this.samplingDefaults = samplingDefaults;
    }

    /** The engine request for a langchain4j request; penalties the engine lacks are refused, not ignored. */
    public GenerationRequest toGenerationRequest(ChatRequest request, TokenListener listener) {
        if (request.frequencyPenalty() != null || request.presencePenalty() != null) {
            throw new UnsupportedFeatureException("frequency and presence penalties are not supported by local models; leave them unset");
        }
        return GenerationRequest.builder()
                .messages(request.messages().stream().map(ChatTranslator::toChatMessage).toList())
                .sampling(sampling(request))
                .tools(request.toolSpecifications() == null ? List.of()
                        : request.toolSpecifications().stream().map(ChatTranslator::toToolSpec).toList())
                .toolChoice(toolChoice(request.toolChoice()))
                // langchain4j's request has no such flag; several calls in one answer is what OpenAI's API allows by default.
                .parallelToolCalls(true)
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
                : ResponseFormat.jsonSchema(JsonSchemaElementConverter.toResponseSchema(format.jsonSchema().rootElement()));
    }

    /**
     * Fails when JSON was asked for and the answer stopped at the token limit: the half-written JSON
     * would reach langchain4j's parser, which says no more than "Unexpected end-of-input".
     */
    public static void requireComplete(GenerationRequest request, GenerationResult result) {
        if (result.finishReason() == FinishReason.LENGTH && !result.hasToolCalls()
                && !(request.responseFormat() instanceof ResponseFormat.Text)) {
            throw new LangChain4jException("the JSON answer was cut off at the token limit after " + result.usage().completionTokens()
                    + " tokens, so it would not parse; raise the request's maxOutputTokens or the model's samplingDefaults maxTokens");
        }
    }

    /** The langchain4j response for an engine result, with confidence, usage and timings in its metadata. */
    public ChatResponse toChatResponse(GenerationResult result) {
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
                        .node(result.node())
                        .build())
                .build();
    }

    public static List<ToolExecutionRequest> toolExecutionRequests(GenerationResult result) {
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
    /** langchain4j's exception type for an engine error (e.g. Overloaded becomes RateLimitException). */
    public static RuntimeException toLangChain4j(Throwable error) {
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

    /**
     * The langchain4j request for an engine request: messages, tools, tool choice, response format and
     * sampling. JSON schemas travel as raw schemas, so nothing of them is lost on the way. A named tool
     * choice becomes {@code REQUIRED} with only that tool offered (langchain4j cannot name one).
     */
    public static ChatRequest toChatRequest(GenerationRequest request) {
        List<ToolSpec> tools = request.tools();
        dev.langchain4j.model.chat.request.ToolChoice choice = switch (request.toolChoice().mode()) {
            case AUTO -> dev.langchain4j.model.chat.request.ToolChoice.AUTO;
            case NONE -> dev.langchain4j.model.chat.request.ToolChoice.NONE;
            case REQUIRED -> dev.langchain4j.model.chat.request.ToolChoice.REQUIRED;
            case NAMED -> {
                tools = tools.stream().filter(t -> t.name().equals(request.toolChoice().toolName())).toList();
                yield dev.langchain4j.model.chat.request.ToolChoice.REQUIRED;
            }
        };
        SamplingParams s = request.sampling();
        ChatRequest.Builder b = ChatRequest.builder()
                .messages(request.messages().stream().map(ChatTranslator::toLangChain4jMessage).toList())
                .temperature(s.temperature())
                .maxOutputTokens(s.maxTokens());
        if (s.topP() < 1) {
            b.topP(s.topP());
        }
        if (!s.stop().isEmpty()) {
            b.stopSequences(s.stop());
        }
        if (!tools.isEmpty() && request.toolChoice().mode() != ToolChoice.Mode.NONE) {
            b.toolSpecifications(tools.stream().map(ChatTranslator::toToolSpecification).toList()).toolChoice(choice);
        }
        switch (request.responseFormat()) {
            case ResponseFormat.Text t -> { }
            case ResponseFormat.JsonObject j -> b.responseFormat(dev.langchain4j.model.chat.request.ResponseFormat.JSON);
            case ResponseFormat.JsonSchema js -> b.responseFormat(dev.langchain4j.model.chat.request.ResponseFormat.builder()
                    .type(ResponseFormatType.JSON)
                    .jsonSchema(JsonSchema.builder().name("answer").rootElement(JsonRawSchema.from(js.schema().toString())).build())
                    .build());
            case ResponseFormat.Grammar g -> throw new UnsupportedFeatureException(
                    "a GBNF grammar cannot be sent to a remote chat model; use a JSON schema response format");
        }
        return b.build();
    }

    static dev.langchain4j.data.message.ChatMessage toLangChain4jMessage(ChatMessage message) {
        return switch (message.role()) {
            case SYSTEM -> SystemMessage.from(message.content());
            case USER -> UserMessage.from(message.content());
            case ASSISTANT -> message.toolCalls().isEmpty() ? AiMessage.from(message.content())
                    : AiMessage.from(message.toolCalls().stream()
                            .map(c -> ToolExecutionRequest.builder().id(c.id()).name(c.name()).arguments(c.arguments()).build())
                            .toList());
            case TOOL -> ToolExecutionResultMessage.from(message.toolCallId() == null ? "" : message.toolCallId(),
                    message.name() == null ? "" : message.name(), message.content());
        };
    }

    /** A tool for langchain4j: each property's schema travels raw, so constraints survive. */
    static ToolSpecification toToolSpecification(ToolSpec tool) {
        JsonNode p = tool.parameters();
        Map<String, dev.langchain4j.model.chat.request.json.JsonSchemaElement> properties = new LinkedHashMap<>();
        p.path("properties").properties().forEach(e -> properties.put(e.getKey(), JsonRawSchema.from(e.getValue().toString())));
        List<String> required = new ArrayList<>();
        p.path("required").forEach(r -> required.add(r.asText()));
        JsonObjectSchema.Builder schema = JsonObjectSchema.builder().addProperties(properties).required(required);
        if (p.has("additionalProperties") && p.get("additionalProperties").isBoolean()) {
            schema.additionalProperties(p.get("additionalProperties").asBoolean());
        }
        return ToolSpecification.builder().name(tool.name()).description(tool.description()).parameters(schema.build()).build();
    }

    /**
     * The engine's result for a langchain4j answer. A remote model reports no confidence: the result
     * carries {@link Confidence#NONE}; its whole call time is counted as generation time. The node a local
     * model's metadata names (a model served by another node of a cluster) is kept.
     */
    public static GenerationResult toGenerationResult(ChatResponse response, Duration elapsed) {
        AiMessage ai = response.aiMessage();
        List<ToolCall> calls = ai.hasToolExecutionRequests()
                ? ai.toolExecutionRequests().stream().map(r -> new ToolCall(r.id(), r.name(), r.arguments())).toList()
                : List.of();
        FinishReason finish = !calls.isEmpty() ? FinishReason.TOOL_CALLS
                : response.finishReason() == dev.langchain4j.model.output.FinishReason.LENGTH ? FinishReason.LENGTH : FinishReason.STOP;
        TokenUsage tokens = response.tokenUsage();
        int in = tokens == null || tokens.inputTokenCount() == null ? 0 : tokens.inputTokenCount();
        int out = tokens == null || tokens.outputTokenCount() == null ? 0 : tokens.outputTokenCount();
        String node = response.metadata() instanceof LocalChatResponseMetadata local ? local.node() : null;
        return new GenerationResult(ai.text() == null ? "" : ai.text(), calls, finish, Confidence.NONE,
                new Usage(in, 0, out, 0), new Timings(0, 0, elapsed.toNanos() / 1e6), node);
    }
}
