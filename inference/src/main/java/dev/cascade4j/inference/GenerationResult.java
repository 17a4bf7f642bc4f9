package dev.cascade4j.inference;

import java.util.List;

/**
 * What the model answered: text (for a JSON response format, the JSON text), or tool calls, with
 * how sure it was and what it cost.
 *
 * @param node the cascade4j node whose model generated it, when the model ran on another node of a
 *             cluster; {@code null} when it ran in this JVM
 */
public record GenerationResult(
        String text,
        List<ToolCall> toolCalls,
        FinishReason finishReason,
        Confidence confidence,
        Usage usage,
        Timings timings,
        String node) {

    public GenerationResult {
        toolCalls = List.copyOf(toolCalls);
    }

    /** A result generated in this JVM. */
    public GenerationResult(String text, List<ToolCall> toolCalls, FinishReason finishReason, Confidence confidence,
                            Usage usage, Timings timings) {
        this(text, toolCalls, finishReason, confidence, usage, timings, null);
    }

    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }

    /** This result, marked as generated on {@code node}. */
    public GenerationResult onNode(String node) {
        return new GenerationResult(text, toolCalls, finishReason, confidence, usage, timings, node);
    }
}
