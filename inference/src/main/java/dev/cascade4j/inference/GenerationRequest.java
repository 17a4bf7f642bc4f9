package dev.cascade4j.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One call to a local model: the conversation, how to sample, and optionally tools or a required
 * output shape. Build with {@link #builder()}.
 */
public record GenerationRequest(
        List<ChatMessage> messages,
        SamplingParams sampling,
        List<ToolSpec> tools,
        ToolChoice toolChoice,
        boolean parallelToolCalls,
        ResponseFormat responseFormat,
        TokenListener listener) {

    public GenerationRequest {
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
        if (messages.isEmpty()) {
            throw new InferenceException.InvalidRequest("a request needs at least one message");
        }
        sampling = sampling == null ? SamplingParams.DEFAULT : sampling;
        tools = tools == null ? List.of() : List.copyOf(tools);
        toolChoice = toolChoice == null ? ToolChoice.AUTO : toolChoice;
        responseFormat = responseFormat == null ? ResponseFormat.TEXT : responseFormat;
        listener = listener == null ? TokenListener.NONE : listener;
        if (!tools.isEmpty() && !(responseFormat instanceof ResponseFormat.Text)) {
            throw new InferenceException.InvalidRequest("a request may ask for tool calls or for a response format, not both");
        }
        if (tools.isEmpty() && toolChoice.mode() != ToolChoice.Mode.AUTO && toolChoice.mode() != ToolChoice.Mode.NONE) {
            throw new InferenceException.InvalidRequest("tool_choice " + toolChoice.mode().name().toLowerCase() + " needs tools");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean wantsTools() {
        return !tools.isEmpty() && toolChoice.mode() != ToolChoice.Mode.NONE;
    }

    public static final class Builder {
        private final List<ChatMessage> messages = new ArrayList<>();
        private SamplingParams sampling = SamplingParams.DEFAULT;
        private List<ToolSpec> tools = List.of();
        private ToolChoice toolChoice = ToolChoice.AUTO;
        private boolean parallelToolCalls;
        private ResponseFormat responseFormat = ResponseFormat.TEXT;
        private TokenListener listener = TokenListener.NONE;

        public Builder system(String text) {
            messages.add(ChatMessage.system(text));
            return this;
        }

        public Builder user(String text) {
            messages.add(ChatMessage.user(text));
            return this;
        }

        public Builder message(ChatMessage message) {
            messages.add(message);
            return this;
        }

        public Builder messages(List<ChatMessage> all) {
            messages.addAll(all);
            return this;
        }

        public Builder sampling(SamplingParams sampling) {
            this.sampling = sampling;
            return this;
        }

        public Builder maxTokens(int maxTokens) {
            this.sampling = sampling.withMaxTokens(maxTokens);
            return this;
        }

        public Builder tools(List<ToolSpec> tools) {
            this.tools = tools;
            return this;
        }

        public Builder toolChoice(ToolChoice toolChoice) {
            this.toolChoice = toolChoice;
            return this;
        }

        public Builder parallelToolCalls(boolean parallel) {
            this.parallelToolCalls = parallel;
            return this;
        }

        public Builder responseFormat(ResponseFormat format) {
            this.responseFormat = format;
            return this;
        }

        public Builder listener(TokenListener listener) {
            this.listener = listener;
            return this;
        }

        public GenerationRequest build() {
            return new GenerationRequest(messages, sampling, tools, toolChoice, parallelToolCalls, responseFormat, listener);
        }
    }
}
