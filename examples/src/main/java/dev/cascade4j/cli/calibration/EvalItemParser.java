package dev.cascade4j.cli.calibration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import dev.cascade4j.cli.calibration.EvalItem.Expected;
import dev.cascade4j.cli.calibration.EvalItem.Kind;

/** Reads one line of the evaluation set into an {@link EvalItem}, with errors that say which field is wrong. */
final class EvalItemParser {
    private EvalItemParser() {
    }

    static EvalItem parse(JsonNode node) {
        String id = text(node, "id", true);
        String kindKey = text(node, "kind", true);
        Kind kind = Kind.fromKey(kindKey);
        if (kind == null) {
            throw new IllegalArgumentException("item " + id + ": unknown kind '" + kindKey + "'; use one of tool_call, extract, "
                    + "classify, summarize, reason, out_of_scope");
        }
        String split = text(node, "split", false);
        split = split == null ? EvalItem.TEST : split;
        if (!split.equals(EvalItem.CALIBRATION) && !split.equals(EvalItem.TEST)) {
            throw new IllegalArgumentException("item " + id + ": split must be 'calibration' or 'test', got '" + split + "'");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode m : array(node, "messages", id)) {
            messages.add(message(m, id));
        }
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("item " + id + ": 'messages' is empty");
        }
        List<ToolSpec> tools = new ArrayList<>();
        if (node.has("tools")) {
            for (JsonNode t : array(node, "tools", id)) {
                JsonNode f = t.path("function");
                tools.add(new ToolSpec(text(f, "name", true), text(f, "description", false), f.get("parameters")));
            }
        }
        ToolChoice choice = ToolChoice.AUTO;
        JsonNode tc = node.get("tool_choice");
        if (tc != null && !tc.isNull()) {
            String name = tc.isTextual() ? null : tc.path("function").path("name").asText(null);
            choice = name != null ? ToolChoice.named(name) : switch (tc.asText()) {
                case "auto" -> ToolChoice.AUTO;
                case "required" -> ToolChoice.REQUIRED;
                case "none" -> ToolChoice.NONE;
                default -> throw new IllegalArgumentException("item " + id + ": tool_choice must be auto, required, none or "
                        + "{\"type\": \"function\", \"function\": {\"name\": ...}}");
            };
        }
        ResponseFormat format = ResponseFormat.TEXT;
        JsonNode rf = node.get("response_format");
        if (rf != null && !rf.isNull()) {
            format = switch (rf.path("type").asText()) {
                case "json_schema" -> {
                    JsonNode schema = rf.path("json_schema").get("schema");
                    if (schema == null || !schema.isObject()) {
                        throw new IllegalArgumentException("item " + id + ": response_format.json_schema.schema must be an object");
                    }
                    yield ResponseFormat.jsonSchema(schema);
                }
                case "json_object" -> ResponseFormat.JSON_OBJECT;
                case "text" -> ResponseFormat.TEXT;
                default -> throw new IllegalArgumentException("item " + id + ": response_format.type must be text, json_object or json_schema");
            };
        }
        JsonNode e = node.get("expected");
        if (e == null || !e.isObject()) {
            throw new IllegalArgumentException("item " + id + ": 'expected' must be an object");
        }
        List<String> terms = strings(e, "key_terms", id);
        List<String> answerTerms = strings(e, "answer_terms", id);
        List<Expected.Call> calls = new ArrayList<>();
        if (e.has("calls")) {
            for (JsonNode c : array(e, "calls", id)) {
                JsonNode args = c.get("arguments");
                if (!c.isObject() || text(c, "tool", false) == null || args == null || !args.isObject()) {
                    throw new IllegalArgumentException("item " + id + ": each of 'expected.calls' needs a tool and an arguments object");
                }
                calls.add(new Expected.Call(text(c, "tool", true), args));
            }
        }
        JsonNode noCall = e.get("no_call");
        if (noCall != null && !noCall.isBoolean()) {
            throw new IllegalArgumentException("item " + id + ": 'expected.no_call' must be true or false");
        }
        Expected expected = new Expected(text(e, "route", false), text(e, "tool", false), e.get("arguments"), e.get("object"),
                text(e, "label", false), terms, text(e, "answer", false), calls, noCall != null && noCall.asBoolean(), answerTerms);
        String missing = switch (kind) {
            case TOOL_CALL -> toolCallTruth(e, expected);
            case EXTRACT -> expected.object() == null || !expected.object().isObject() ? "object" : null;
            case CLASSIFY -> expected.label() == null ? "label" : null;
            case SUMMARIZE -> terms.isEmpty() ? "key_terms" : null;
            case REASON -> expected.answer() == null ? "answer" : null;
            case OUT_OF_SCOPE -> expected.route() != null ? "route: null" : null;
        };
        if (missing != null) {
            throw new IllegalArgumentException("item " + id + " (" + kind.key() + "): 'expected' needs " + missing);
        }
        if (kind != Kind.OUT_OF_SCOPE && expected.route() == null) {
            throw new IllegalArgumentException("item " + id + ": 'expected.route' names the route that should handle it");
        }
        return new EvalItem(id, kind, split, messages, tools, choice, format, expected, text(node, "variant", false));
    }

    /** What a tool-call item's truth lacks, or {@code null}: one way of being right, not two. */
    private static String toolCallTruth(JsonNode e, Expected expected) {
        boolean single = e.has("tool") || e.has("arguments");
        int ways = (single ? 1 : 0) + (e.has("calls") ? 1 : 0) + (expected.noCall() ? 1 : 0) + (expected.answerTerms().isEmpty() ? 0 : 1);
        if (ways != 1) {
            return "exactly one of: tool and arguments, calls, no_call: true, answer_terms";
        }
        if (single && (expected.tool() == null || expected.arguments() == null || !expected.arguments().isObject())) {
            return "tool and arguments";
        }
        return e.has("calls") && expected.calls().isEmpty() ? "at least one of calls" : null;
    }

    /** One message in OpenAI shape: assistant messages may carry {@code tool_calls}, tool messages a {@code tool_call_id}. */
    private static ChatMessage message(JsonNode m, String id) {
        String role = text(m, "role", true);
        String name = text(m, "name", false);
        return switch (role) {
            case "system", "developer" -> new ChatMessage(ChatMessage.Role.SYSTEM, text(m, "content", true), List.of(), null, name);
            case "user" -> new ChatMessage(ChatMessage.Role.USER, text(m, "content", true), List.of(), null, name);
            case "assistant" -> {
                List<ToolCall> calls = new ArrayList<>();
                if (m.has("tool_calls") && !m.get("tool_calls").isNull()) {
                    for (JsonNode c : array(m, "tool_calls", id)) {
                        JsonNode f = c.path("function");
                        JsonNode args = f.get("arguments");
                        if (args != null && !args.isNull() && !args.isTextual()) {
                            throw new IllegalArgumentException("item " + id + ": tool_calls[].function.arguments must be a string "
                                    + "holding a JSON object, as OpenAI sends it");
                        }
                        calls.add(new ToolCall(text(c, "id", false), text(f, "name", true), args == null || args.isNull() ? "{}" : args.asText()));
                    }
                }
                String content = text(m, "content", calls.isEmpty());
                yield new ChatMessage(ChatMessage.Role.ASSISTANT, content, calls, null, name);
            }
            case "tool" -> {
                String callId = text(m, "tool_call_id", false);
                if (callId == null) {
                    throw new IllegalArgumentException("item " + id + ": a tool message needs 'tool_call_id', the id of the "
                            + "assistant's call it answers");
                }
                yield new ChatMessage(ChatMessage.Role.TOOL, text(m, "content", true), List.of(), callId, name);
            }
            default -> throw new IllegalArgumentException("item " + id + ": message role must be system, user, assistant or tool, got '"
                    + role + "'");
        };
    }

    private static List<String> strings(JsonNode node, String key, String id) {
        List<String> out = new ArrayList<>();
        if (node.has(key)) {
            for (JsonNode t : array(node, key, id)) {
                out.add(t.asText());
            }
        }
        return out;
    }

    private static String text(JsonNode node, String key, boolean required) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("'" + key + "' is missing");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("'" + key + "' must be a string");
        }
        return v.asText();
    }

    private static JsonNode array(JsonNode node, String key, String id) {
        JsonNode v = node.get(key);
        if (v == null || !v.isArray()) {
            throw new IllegalArgumentException("item " + id + ": '" + key + "' must be an array");
        }
        return v;
    }
}
