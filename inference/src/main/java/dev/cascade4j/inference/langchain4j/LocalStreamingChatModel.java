package dev.cascade4j.inference.langchain4j;

import dev.cascade4j.inference.Generation;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.internal.langchain4j.ChatTranslator;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * A langchain4j {@link StreamingChatModel} over a {@link LocalModel}. Partial text is delivered on
 * the model's decode thread, in order, as it is generated (keep the handler quick); the complete
 * response and errors are delivered on the callback executor, so a handler that runs tools or
 * blocks does not stall the other requests the model is decoding. Tool calls are not streamed as
 * text: they arrive whole, in {@code onCompleteToolCall} and in the complete response.
 */
public final class LocalStreamingChatModel implements StreamingChatModel {
    private final LocalModel model;
    private final ChatTranslator translator;
    private final ChatRequestParameters defaultRequestParameters;
    private final List<ChatModelListener> listeners;
    private final Executor callbackExecutor;

    private LocalStreamingChatModel(Builder builder) {
        this.model = Objects.requireNonNull(builder.model, "model: pass a LocalModel to LocalStreamingChatModel.builder().model(...)");
        this.translator = new ChatTranslator(model.info().name(), builder.samplingDefaults);
        this.defaultRequestParameters = builder.defaultRequestParameters;
        this.listeners = List.copyOf(builder.listeners);
        this.callbackExecutor = builder.callbackExecutor;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        StreamedGeneration stream = new StreamedGeneration(handler);
        Generation generation;
        try {
            GenerationRequest engineRequest = translator.toGenerationRequest(request, stream::onText);
            stream.toolsOffered = engineRequest.wantsTools();
            generation = model.submit(engineRequest);
        } catch (RuntimeException e) {
            handler.onError(ChatTranslator.toLangChain4j(e));
            return;
        }
        stream.attach(generation);
        generation.result().whenCompleteAsync((result, error) -> {
            if (stream.handlerError != null) {
                handler.onError(stream.handlerError);
            } else if (stream.isCancelled()) {
                return; // a cancelled stream sends nothing more
            } else if (error != null) {
                handler.onError(ChatTranslator.toLangChain4j(error));
            } else {
                complete(result, handler);
            }
        }, callbackExecutor);
    }

    private void complete(GenerationResult result, StreamingChatResponseHandler handler) {
        try {
            List<ToolExecutionRequest> calls = ChatTranslator.toolExecutionRequests(result);
            for (int i = 0; i < calls.size(); i++) {
                handler.onCompleteToolCall(new CompleteToolCall(i, calls.get(i)));
            }
            handler.onCompleteResponse(translator.toChatResponse(result));
        } catch (RuntimeException e) {
            handler.onError(e);
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

    /**
     * One streamed generation: forwards text to the handler and lets the handler cancel. When tools
     * are offered, an answer that opens with '{' or '[' is a tool call (the grammar lets plain text
     * start with neither), so its JSON is held back instead of shown as text.
     */
    private static final class StreamedGeneration implements StreamingHandle {
        private final StreamingChatResponseHandler handler;
        private final PartialResponseContext context = new PartialResponseContext(this);
        boolean toolsOffered;
        private boolean started;
        private boolean toolCall;
        private volatile Generation generation;
        private volatile boolean cancelled;
        volatile RuntimeException handlerError;

        StreamedGeneration(StreamingChatResponseHandler handler) {
            this.handler = handler;
        }

        void onText(String text) {
            if (!started) {
                started = true;
                toolCall = toolsOffered && (text.startsWith("{") || text.startsWith("["));
            }
            if (toolCall || cancelled || handlerError != null) {
                return;
            }
            try {
                handler.onPartialResponse(new PartialResponse(text), context);
            } catch (RuntimeException e) {
                // langchain4j reports a failing partial-response callback through onError; stop generating.
                handlerError = e;
                Generation g = generation;
                if (g != null) {
                    g.cancel();
                }
            }
        }

        void attach(Generation g) {
            generation = g;
            if (cancelled) {
                g.cancel();
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            Generation g = generation;
            if (g != null) {
                g.cancel();
            }
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }

    /** Builds a {@link LocalStreamingChatModel}; only {@link #model} is required. */
    public static final class Builder extends LocalModelBuilder<Builder> {
        private Executor callbackExecutor = task -> Thread.ofVirtual().name("cascade4j-stream-callback").start(task);

        private Builder() {
        }

        /** Where complete responses and errors are delivered; a new virtual thread each by default. */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "callbackExecutor");
            return this;
        }

        public LocalStreamingChatModel build() {
            return new LocalStreamingChatModel(this);
        }
    }
}
