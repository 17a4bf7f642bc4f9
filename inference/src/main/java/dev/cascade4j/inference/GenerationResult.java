package dev.cascade4j.inference;

import java.util.List;

/**
 * What the model answered: text (for a JSON response format, the JSON text), or tool calls, with
 * how sure it was and what it cost.
 */
public record GenerationResult(
        String text,
        List<ToolCall> toolCalls,
        FinishReason finishReason,
        Confidence confidence,
        Usage usage,
        Timings timings) {

    public GenerationResult {
        toolCalls = List.copyOf(toolCalls);
    }

    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }
}
