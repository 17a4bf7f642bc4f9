package dev.cascade4j.tools.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.Usage;
import dev.cascade4j.router.RoutingDecision;
import java.util.List;

/**
 * The OpenAI wire shapes of an answer: a whole {@code chat.completion}, or the
 * {@code chat.completion.chunk} events of a stream. Both carry a {@code cascade4j} object saying how
 * the answer was served and on which node it was generated (in a stream, on the finish chunk, when
 * the decision is known).
 */
final class ChatCompletionJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final String id;
    private final long created;

    ChatCompletionJson(String id, long created) {
        this.id = id;
        this.created = created;
    }

    ObjectNode completion(GenerationResult answer, RoutingDecision decision, String node, boolean cached) {
        ObjectNode root = header("chat.completion", decision.model());
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        if (answer.hasToolCalls()) {
            message.putNull("content");
            ArrayNode calls = message.putArray("tool_calls");
            for (ToolCall c : answer.toolCalls()) {
                ObjectNode call = calls.addObject().put("id", c.id()).put("type", "function");
                call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
        } else {
            message.put("content", answer.text());
        }
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(answer));
        root.set("usage", usage(answer.usage()));
        root.set("cascade4j", cascade4j(decision, node, cached));
        return root;
    }

    /** The first event: the assistant role, empty content. */
    ObjectNode roleChunk(String model, boolean withUsageField) {
        ObjectNode delta = F.objectNode().put("role", "assistant").put("content", "");
        return chunk(model, delta, null, withUsageField);
    }

    ObjectNode contentChunk(String model, String text, boolean withUsageField) {
        return chunk(model, F.objectNode().put("content", text), null, withUsageField);
    }

    /** Opens tool call {@code index}: its id, type and name, with empty arguments. */
    ObjectNode toolCallStart(String model, int index, ToolCall call, boolean withUsageField) {
        ObjectNode delta = F.objectNode();
        ObjectNode c = delta.putArray("tool_calls").addObject().put("index", index).put("id", call.id()).put("type", "function");
        c.putObject("function").put("name", call.name()).put("arguments", "");
        return chunk(model, delta, null, withUsageField);
    }

    /** A piece of tool call {@code index}'s arguments. */
    ObjectNode toolCallArguments(String model, int index, String piece, boolean withUsageField) {
        ObjectNode delta = F.objectNode();
        delta.putArray("tool_calls").addObject().put("index", index).putObject("function").put("arguments", piece);
        return chunk(model, delta, null, withUsageField);
    }

    ObjectNode finishChunk(GenerationResult answer, RoutingDecision decision, String node, boolean cached, boolean withUsageField) {
        ObjectNode chunk = chunk(decision.model(), F.objectNode(), finishReason(answer), withUsageField);
        chunk.set("cascade4j", cascade4j(decision, node, cached));
        return chunk;
    }

    /** The last event when {@code stream_options.include_usage}: no choices, the token counts. */
    ObjectNode usageChunk(String model, Usage usage) {
        ObjectNode root = header("chat.completion.chunk", model);
        root.putArray("choices");
        root.set("usage", usage(usage));
        return root;
    }

    private ObjectNode chunk(String model, ObjectNode delta, String finishReason, boolean withUsageField) {
        ObjectNode root = header("chat.completion.chunk", model);
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        if (withUsageField) {
            root.putNull("usage");
        }
        return root;
    }

    private ObjectNode header(String object, String model) {
        return F.objectNode().put("id", id).put("object", object).put("created", created).put("model", model)
                .putNull("system_fingerprint");
    }

    static String finishReason(GenerationResult answer) {
        if (answer.hasToolCalls()) {
            return "tool_calls";
        }
        return answer.finishReason() == FinishReason.LENGTH ? "length" : "stop";
    }

    static ObjectNode usage(Usage u) {
        Usage usage = u == null ? new Usage(0, 0, 0, 0) : u;
        ObjectNode node = F.objectNode()
                .put("prompt_tokens", usage.promptTokens())
                .put("completion_tokens", usage.completionTokens())
                .put("total_tokens", usage.promptTokens() + usage.completionTokens());
        node.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedPromptTokens());
        return node;
    }

    static ObjectNode cascade4j(RoutingDecision d, String generatedOn, boolean cached) {
        ObjectNode node = F.objectNode()
                .put("subtask_id", d.subtaskId())
                .put("route", d.route())
                .put("model", d.model())
                .put("escalated", d.escalated());
        putNumber(node, "confidence", d.generationConfidence());
        putNumber(node, "classifier_confidence", d.classifierConfidence());
        node.put("reason", d.reason() == null ? null : d.reason().name().toLowerCase());
        node.put("fallback", d.fallback());
        node.put("cached", cached);
        node.put("node", generatedOn);
        if (d.detail() != null) {
            node.put("detail", d.detail());
        }
        return node;
    }

    private static void putNumber(ObjectNode node, String field, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            node.putNull(field);
        } else {
            node.put(field, Math.round(value * 1e4) / 1e4);
        }
    }

    /** Splits text for streaming a finished answer: pieces of about {@code size} characters, never inside a surrogate pair. */
    static List<String> pieces(String text, int size) {
        List<String> out = new java.util.ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int end = Math.min(text.length(), i + size);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end++;
            }
            out.add(text.substring(i, end));
            i = end;
        }
        return out;
    }
}
