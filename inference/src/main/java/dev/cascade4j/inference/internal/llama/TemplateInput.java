package dev.cascade4j.inference.internal.llama;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The conversation and the tools as Hugging Face hands them to a chat template: OpenAI's shape, with
 * call arguments as objects rather than JSON text.
 */
final class TemplateInput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TemplateInput() {
    }

    static List<Map<String, Object>> messages(List<ChatMessage> messages) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> map = message(m.role().name().toLowerCase(Locale.ROOT), m.content());
            if (!m.toolCalls().isEmpty()) {
                List<Map<String, Object>> calls = new ArrayList<>();
                for (ToolCall c : m.toolCalls()) {
                    Map<String, Object> function = new LinkedHashMap<>();
                    function.put("name", c.name());
                    function.put("arguments", arguments(c.arguments()));
                    Map<String, Object> call = new LinkedHashMap<>();
                    if (c.id() != null) {
                        call.put("id", c.id());
                    }
                    call.put("type", "function");
                    call.put("function", function);
                    calls.add(call);
                }
                map.put("tool_calls", calls);
            }
            if (m.toolCallId() != null) {
                map.put("tool_call_id", m.toolCallId());
            }
            if (m.name() != null) {
                map.put("name", m.name());
            }
            out.add(map);
        }
        return out;
    }

    static Map<String, Object> message(String role, String content) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("role", role);
        map.put("content", content);
        return map;
    }

    private static Object arguments(String json) {
        if (json == null || json.isBlank()) {
            return new LinkedHashMap<>();
        }
        try {
            return JSON.readValue(json, Object.class);
        } catch (java.io.IOException e) {
            return json; // not JSON: the template prints the text as given
        }
    }

    static List<Map<String, Object>> tools(List<ToolSpec> tools) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ToolSpec t : tools) {
            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", t.name());
            function.put("description", t.description());
            function.put("parameters", JSON.convertValue(t.parameters(), Object.class));
            Map<String, Object> tool = new LinkedHashMap<>();
            tool.put("type", "function");
            tool.put("function", function);
            out.add(tool);
        }
        return out;
    }
}
