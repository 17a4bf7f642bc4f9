package dev.cascade4j.inference.langchain4j;

import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.TokenListener;
import dev.cascade4j.inference.internal.langchain4j.ChatTranslator;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A langchain4j {@link ChatModel} over a {@link LocalModel}, so AiServices and anything else written
 * against langchain4j can run on a GGUF model in this JVM. Tool calls and JSON-schema answers are
 * produced under a grammar, so they always parse. The answer's confidence is in
 * {@link LocalChatResponseMetadata}. The model is borrowed, not owned: closing it is the caller's job.
 */
public final class LocalChatModel implements ChatModel {
    private final LocalModel model;
    private final ChatTranslator translator;
    private final ChatRequestParameters defaultRequestParameters;
    private final List<ChatModelListener> listeners;

    private LocalChatModel(Builder builder) {
        this.model = Objects.requireNonNull(builder.model, "model: pass a LocalModel to LocalChatModel.builder().model(...)");
        this.translator = new ChatTranslator(model.info().name(), builder.samplingDefaults);
        this.defaultRequestParameters = builder.defaultRequestParameters;
        this.listeners = List.copyOf(builder.listeners);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        try {
            GenerationRequest generation = translator.toGenerationRequest(request, TokenListener.NONE);
            GenerationResult result = model.generate(generation);
            ChatTranslator.requireComplete(generation, result);
            return translator.toChatResponse(result);
        } catch (InferenceException e) {
            throw ChatTranslator.toLangChain4j(e);
        }
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return defaultRequestParameters;
    }

    @Override
    public List<ChatModelListener> listeners() {
        return listeners;
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    }

    /** Builds a {@link LocalChatModel}; only {@link #model} is required. */
    public static final class Builder extends LocalModelBuilder<Builder> {
        private Builder() {
        }

        public LocalChatModel build() {
            return new LocalChatModel(this);
        }
    }
}
