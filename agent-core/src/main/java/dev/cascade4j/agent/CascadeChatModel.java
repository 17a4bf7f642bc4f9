package dev.cascade4j.agent;

import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.SamplingParams;
import dev.cascade4j.inference.TokenListener;
import dev.cascade4j.inference.internal.langchain4j.ChatTranslator;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.Router;
import dev.cascade4j.router.RouterException;
import dev.cascade4j.router.Subtask;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * A langchain4j {@link ChatModel} backed by the router: every chat call becomes a {@link Subtask}
 * that is classified, served by a local SLM and escalated when unsure. Swap it in for the model of an
 * existing AiServices agent to get SLM-first routing. Each response's metadata is a
 * {@link RoutedChatResponseMetadata} carrying the routing decision.
 * <p>
 * Not langchain4j's {@code dev.langchain4j.model.chat.router.RoutingChatModel}, which sends each request
 * to one of the caller's chat models as a {@code ChatModelRouter} decides. Until 0.2.0 this class was
 * named {@link RoutingChatModel}, kept as a deprecated alias for one release.
 */
@SuppressWarnings("removal") // permits the deprecated alias
public sealed class CascadeChatModel implements ChatModel permits RoutingChatModel {
    private final Router router;
    private final String routeHint;
    private final Duration deadline;
    private final ChatTranslator translator;

    CascadeChatModel(Builder b) {
        this.router = Objects.requireNonNull(b.router, "router");
        this.routeHint = b.routeHint;
        this.deadline = b.deadline;
        this.translator = new ChatTranslator(b.routeHint == null ? "cascade4j-router" : b.routeHint, b.sampling);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Blocks until the routed answer is in; must not run on a Vert.x event loop (use {@link #chatAsync}). */
    @Override
    public ChatResponse doChat(ChatRequest request) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("CascadeChatModel.chat blocks; on an event loop use chatAsync(request)");
        }
        try {
            return chatAsync(request).toCompletionStage().toCompletableFuture().join();
        } catch (CompletionException e) {
            throw toLangChain4j(e.getCause() == null ? e : e.getCause());
        }
    }

    /** Routes the request without blocking. */
    public Future<ChatResponse> chatAsync(ChatRequest request) {
        GenerationRequest generation;
        try {
            generation = translator.toGenerationRequest(request, TokenListener.NONE);
        } catch (RuntimeException e) {
            return Future.failedFuture(toLangChain4j(e));
        }
        return router.route(new Subtask(null, generation, routeHint, deadline, null)).compose(routed -> {
            try {
                return Future.succeededFuture(toResponse(routed));
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        });
    }

    /**
     * The response for a routed answer; an answer cut off at the deadline or, when JSON was asked for,
     * at the token limit is an error, never returned as if it were whole.
     */
    private ChatResponse toResponse(RoutedAnswer routed) {
        GenerationResult answer = routed.answer();
        if (answer.finishReason() == FinishReason.CANCELLED) {
            throw new TimeoutException("no complete answer within the deadline of " + deadline.toMillis() + " ms (route "
                    + routed.decision().route() + ", model " + routed.decision().model() + ", cut off after "
                    + answer.usage().completionTokens() + " tokens); give each call more time with CascadeChatModel.builder().deadline(...)");
        }
        ChatTranslator.requireComplete(routed.subtask().request(), answer);
        ChatResponse plain = translator.toChatResponse(routed.answer());
        return ChatResponse.builder()
                .aiMessage(plain.aiMessage())
                .metadata(RoutedChatResponseMetadata.builder()
                        .id(routed.subtask().id())
                        .modelName(routed.decision().model())
                        .tokenUsage(plain.tokenUsage())
                        .finishReason(plain.finishReason())
                        .decision(routed.decision())
                        .confidence(routed.answer().confidence())
                        .build())
                .build();
    }

    private static RuntimeException toLangChain4j(Throwable e) {
        return switch (e) {
            case RouterException.Overloaded busy -> new RateLimitException(busy.getMessage(), busy);
            case RouterException.UnknownRoute unknown -> new ModelNotFoundException(unknown.getMessage(), unknown);
            case RouterException.InvalidRequest invalid -> new InvalidRequestException(invalid.getMessage(), invalid);
            case RouterException.DeadlineExceeded late -> new TimeoutException(late.getMessage()
                    + "; with CascadeChatModel that is CascadeChatModel.builder().deadline(...)", late);
            case RouterException other -> new LangChain4jException(other.getMessage(), other);
            default -> ChatTranslator.toLangChain4j(e);
        };
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    }

    @SuppressWarnings("removal") // permits the deprecated alias's builder
    public static sealed class Builder permits RoutingChatModel.Builder {
        private Router router;
        private String routeHint;
        private Duration deadline = Subtask.DEFAULT_DEADLINE;
        private SamplingParams sampling = SamplingParams.DEFAULT;

        Builder() {
        }

        public Builder router(Router router) {
            this.router = router;
            return this;
        }

        /** A route or local model for every call; by default the router classifies each one. */
        public Builder route(String routeHint) {
            this.routeHint = routeHint;
            return this;
        }

        /**
         * Time budget of each call (default 60 s); past it the SLM is cancelled and the call escalates.
         * An answer still cut off at the deadline is a {@link TimeoutException}, never a partial answer.
         */
        public Builder deadline(Duration deadline) {
            this.deadline = deadline;
            return this;
        }

        /** Sampling used where the request sets none (default greedy, 256 tokens). */
        public Builder sampling(SamplingParams sampling) {
            this.sampling = sampling;
            return this;
        }

        public CascadeChatModel build() {
            return new CascadeChatModel(this);
        }
    }
}
