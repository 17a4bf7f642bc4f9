package dev.cascade4j.inference.langchain4j;

import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.Timings;
import dev.cascade4j.inference.Usage;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import java.util.Objects;

/**
 * The standard response metadata plus what a local model knows about its answer: how sure it was
 * ({@link Confidence}, from raw logits), the engine's token counts (cached and forced tokens
 * included), where the time went and, for a model served by another node of a cluster, which node
 * generated it. Reach it with
 * {@code (LocalChatResponseMetadata) chatResponse.metadata()}.
 */
public class LocalChatResponseMetadata extends ChatResponseMetadata {
    private final Confidence confidence;
    private final Usage usage;
    private final Timings timings;
    private final String node;

    private LocalChatResponseMetadata(Builder builder) {
        super(builder);
        this.confidence = builder.confidence;
        this.usage = builder.usage;
        this.timings = builder.timings;
        this.node = builder.node;
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

    /** The cluster node that generated the answer; {@code null} when the model runs in this JVM. */
    public String node() {
        return node;
    }

    @Override
    public Builder toBuilder() {
        return ((Builder) super.toBuilder(builder())).confidence(confidence).usage(usage).timings(timings).node(node);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LocalChatResponseMetadata that && super.equals(o)
                && Objects.equals(confidence, that.confidence) && Objects.equals(usage, that.usage)
                && Objects.equals(timings, that.timings) && Objects.equals(node, that.node);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), confidence, usage, timings, node);
    }

    @Override
    public String toString() {
        return "LocalChatResponseMetadata{id=" + id() + ", modelName=" + modelName() + ", tokenUsage=" + tokenUsage()
                + ", finishReason=" + finishReason() + ", confidence=" + confidence + ", usage=" + usage
                + ", timings=" + timings + ", node=" + node + '}';
    }

    public static class Builder extends ChatResponseMetadata.Builder<Builder> {
        private Confidence confidence;
        private Usage usage;
        private Timings timings;
        private String node;

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

        public Builder node(String node) {
            this.node = node;
            return this;
        }

        @Override
        public LocalChatResponseMetadata build() {
            return new LocalChatResponseMetadata(this);
        }
    }
}
