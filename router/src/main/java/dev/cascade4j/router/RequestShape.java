package dev.cascade4j.router;

import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.ToolChoice;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a request carries, read before its words: it decides which routes are candidates. A request
 * that carries tools is a tool-calling subtask whatever its words say, so it is never out of scope
 * for being unusual; only a plain text request can be chit-chat.
 */
public enum RequestShape {
    /** The last message is a tool's result: the next step of a tool loop. */
    TOOL_RESULT,
    /** The request offers tools the model may call. */
    TOOLS,
    /** The request asks for JSON ({@code response_format} json_object or json_schema). */
    STRUCTURED,
    /** Nothing but text. */
    TEXT;

    /** The shape of a request; a tool result outranks tools, which outrank a response format. */
    public static RequestShape of(GenerationRequest request) {
        List<ChatMessage> messages = request.messages();
        if (!messages.isEmpty() && messages.getLast().role() == ChatMessage.Role.TOOL) {
            return TOOL_RESULT;
        }
        if (!request.tools().isEmpty() && request.toolChoice().mode() != ToolChoice.Mode.NONE) {
            return TOOLS;
        }
        if (request.responseFormat() != null && !(request.responseFormat() instanceof ResponseFormat.Text)) {
            return STRUCTURED;
        }
        return TEXT;
    }

    /** The configuration's name: {@code tool_result}, {@code tools}, {@code structured}, {@code text}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RequestShape fromKey(String key) {
        return Arrays.stream(values()).filter(s -> s.key().equals(key)).findFirst().orElse(null);
    }

    public static List<String> keys() {
        return Arrays.stream(values()).map(RequestShape::key).toList();
    }
}
