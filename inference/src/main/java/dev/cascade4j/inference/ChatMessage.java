package dev.cascade4j.inference;

import java.util.List;
import java.util.Objects;

/**
 * One message of a conversation. Assistant messages may carry tool calls; tool messages carry the
 * result of one call, named by {@code toolCallId} and {@code name}.
 */
public record ChatMessage(Role role, String content, List<ToolCall> toolCalls, String toolCallId, String name) {

    public enum Role { SYSTEM, USER, ASSISTANT, TOOL }

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        content = content == null ? "" : content;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage(Role.SYSTEM, content, List.of(), null, null);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content, List.of(), null, null);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content, List.of(), null, null);
    }

    public static ChatMessage assistant(List<ToolCall> toolCalls) {
        return new ChatMessage(Role.ASSISTANT, "", toolCalls, null, null);
    }

    public static ChatMessage toolResult(String toolCallId, String toolName, String result) {
        return new ChatMessage(Role.TOOL, result, List.of(), toolCallId, toolName);
    }
}
