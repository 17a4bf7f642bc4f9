package dev.cascade4j.inference.langchain4j;

import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.Timings;
import dev.cascade4j.inference.Usage;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import java.util.Objects;

/**
 * The standard response metadata plus what a local model knows about its answer: how sure it was
 * ({@link Confidence}, from raw logits), the engine's token counts (cached and forced tokens
 * included) and where the time went. Reach it with
 * {@code (LocalChatResponseMetadata) chatResponse.metadata()}.
 */
public class LocalChatResponseMetadata extends ChatResponseMetadata {
    private final Confidence confidence;
    private final Usage usage;
    private final Timings timings;

    private LocalChatResponseMetadata(Builder builder) {
        super(builder);
        this.confidence = builder.confidence;
        this.usage = builder.usage;
        this.timings = builder.timings;
    }

    public Confidence confidence() {
        return confidence;
    }

    public Usage usage() {
        return usage;
    }

    public Timings timings() {
        return timings;
    }

    @Override
    public Builder toBuilder() {
        return ((Builder) super.toBuilder(builder())).confidence(confidence).usage(usage).timings(timings);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LocalChatResponseMetadata that && super.equals(o)
                && Objects.equals(confidence, that.confidence) && Objects.equals(usage, that.usage)
                && Objects.equals(timings, that.timings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), confidence, usage, timings);
    }

    @Override
    public String toString() {
        return "LocalChatResponseMetadata{id=" + id() + ", modelName=" + modelName() + ", tokenUsage=" + tokenUsage()
                + ", finishReason=" + finishReason() + ", confidence=" + confidence + ", usage=" + usage
                + ", timings=" + timings + '}';
    }

    public static class Builder extends ChatResponseMetadata.Builder<Builder> {
        private Confidence confidence;
        private Usage usage;
        private Timings timings;

        public Builder confidence(Confidence confidence) {
            this.confidence = confidence;
            return this;
        }

        public Builder usage(Usage usage) {
            this.usage = usage;
            return this;
        }

        public Builder timings(Timings timings) {
            this.timings = timings;
            return this;
        }

        @Override
        public LocalChatResponseMetadata build() {
            return new LocalChatResponseMetadata(this);
        }
    }
}
