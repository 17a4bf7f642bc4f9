package dev.cascade4j.inference.langchain4j;

import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.SamplingParams;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import java.util.List;
import java.util.Objects;

/** The settings the blocking and the streaming chat model share. */
public abstract class LocalModelBuilder<B extends LocalModelBuilder<B>> {
    LocalModel model;
    SamplingParams samplingDefaults = SamplingParams.DEFAULT;
    ChatRequestParameters defaultRequestParameters = ChatRequestParameters.builder().build();
    List<ChatModelListener> listeners = List.of();

    LocalModelBuilder() {
    }

    /** The loaded model to chat with (required). */
    public B model(LocalModel model) {
        this.model = model;
        return self();
    }

    /**
     * Sampling used where a request leaves a value unset, including what langchain4j's parameters
     * cannot express (min-p, seed). Defaults to greedy decoding with at most 256 new tokens.
     */
    public B samplingDefaults(SamplingParams sampling) {
        this.samplingDefaults = Objects.requireNonNull(sampling, "samplingDefaults");
        return self();
    }

    /** Parameters applied to every request unless the request sets its own (langchain4j's usual merge). */
    public B defaultRequestParameters(ChatRequestParameters parameters) {
        this.defaultRequestParameters = Objects.requireNonNull(parameters, "defaultRequestParameters");
        return self();
    }

    public B listeners(List<ChatModelListener> listeners) {
        this.listeners = List.copyOf(listeners);
        return self();
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
