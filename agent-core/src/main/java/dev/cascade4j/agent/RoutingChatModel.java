package dev.cascade4j.agent;

import dev.cascade4j.inference.SamplingParams;
import dev.cascade4j.router.Router;
import java.time.Duration;

/**
 * The former name of {@link CascadeChatModel}, renamed so it is not mistaken for langchain4j's
 * {@code dev.langchain4j.model.chat.router.RoutingChatModel}. Code written against it still compiles
 * and behaves the same.
 *
 * @deprecated use {@link CascadeChatModel}, e.g. {@code CascadeChatModel.builder().router(router).build()};
 *     this alias goes in the release after 0.2.0.
 */
@Deprecated(since = "0.2.0", forRemoval = true)
public final class RoutingChatModel extends CascadeChatModel {

    private RoutingChatModel(Builder b) {
        super(b);
    }

    /** @deprecated use {@link CascadeChatModel#builder()}. */
    @Deprecated(since = "0.2.0", forRemoval = true)
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @deprecated use {@link CascadeChatModel.Builder}.
     */
    @Deprecated(since = "0.2.0", forRemoval = true)
    public static final class Builder extends CascadeChatModel.Builder {
        private Builder() {
        }

        @Override
        public Builder router(Router router) {
            super.router(router);
            return this;
        }

        @Override
        public Builder route(String routeHint) {
            super.route(routeHint);
            return this;
        }

        @Override
        public Builder deadline(Duration deadline) {
            super.deadline(deadline);
            return this;
        }

        @Override
        public Builder sampling(SamplingParams sampling) {
            super.sampling(sampling);
            return this;
        }

        @Override
        public RoutingChatModel build() {
            return new RoutingChatModel(this);
        }
    }
}
