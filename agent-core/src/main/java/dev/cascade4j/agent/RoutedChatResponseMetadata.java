package dev.cascade4j.agent;

import dev.cascade4j.inference.Confidence;
import dev.cascade4j.router.RoutingDecision;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import java.util.Objects;

/** langchain4j response metadata with how the router served the call. */
public class RoutedChatResponseMetadata extends ChatResponseMetadata {
    private final RoutingDecision decision;
    private final Confidence confidence;

    protected RoutedChatResponseMetadata(Builder builder) {
        super(builder);
        this.decision = builder.decision;
        this.confidence = builder.confidence;
    }

    /** Route, classifier and generation confidence, whether it escalated and why. */
    public RoutingDecision decision() {
        return decision;
    }

    /** The returned answer's generation confidence signals ({@link Confidence#NONE} for a large model's answer). */
    public Confidence confidence() {
        return confidence;
    }

    @Override
    public Builder toBuilder() {
        return ((Builder) super.toBuilder(builder())).decision(decision).confidence(confidence);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoutedChatResponseMetadata other && super.equals(o) && Objects.equals(decision, other.decision)
                && Objects.equals(confidence, other.confidence);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), decision, confidence);
    }

    @Override
    public String toString() {
        return "RoutedChatResponseMetadata{decision=" + decision + ", " + super.toString() + "}";
    }

    public static class Builder extends ChatResponseMetadata.Builder<Builder> {
        private RoutingDecision decision;
        private Confidence confidence;

        public Builder decision(RoutingDecision decision) {
            this.decision = decision;
            return this;
        }

        public Builder confidence(Confidence confidence) {
            this.confidence = confidence;
            return this;
        }

        @Override
        public RoutedChatResponseMetadata build() {
            return new RoutedChatResponseMetadata(this);
        }
    }
}
