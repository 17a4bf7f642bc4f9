package dev.cascade4j.router.internal.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.SamplingParams;
import dev.cascade4j.inference.Timings;
import dev.cascade4j.inference.TokenListener;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.inference.Usage;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The JSON form of what crosses between a router node and a model node: a call (the request without
 * its listener), and the events that answer it (a piece of streamed text, the result, an error). Every
 * message carries {@code "v"}; a node refuses a version it does not speak rather than guess. Fields a
 * newer node adds within the same version are ignored.
 */
public final class ModelWire {
    /** The version this node writes and reads. */
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ModelWire() {
    }

    /** A call to a model: the request, whether to stream, and where and under which id to send the events. */
    public record Call(String id, String replyTo, boolean stream, GenerationRequest request) {
    }

    /** An event answering a call: exactly one of text (with its sequence number), result or error. */
    public sealed interface Event permits Text, Result, Error {
        String call();
    }

    public record Text(String call, int seq, String text) implements Event {
    }

    /** The final answer; {@code chunks} text events were sent before it. */
    public record Result(String call, int chunks, GenerationResult result) implements Event {
    }

    /** Why the call failed on the model node; {@code kind} is "invalid", "overloaded" or "failed". */
    public record Error(String call, String kind, String message) implements Event {
    }

    private record CallJson(int v, String id, String replyTo, boolean stream, List<ChatMessage> messages, SamplingParams sampling,
                            List<ToolSpec> tools, ToolChoice toolChoice, boolean parallelToolCalls, JsonNode responseFormat) {
    }

    private record ResultJson(String text, List<ToolCall> toolCalls, FinishReason finishReason, Confidence confidence,
                              Usage usage, Timings timings, String node) {
    }

    private record EventJson(int v, String type, String call, Integer seq, String text, Integer chunks, ResultJson result,
                             String kind, String message) {
    }

    public static Buffer encode(Call call) {
        GenerationRequest r = call.request();
        return write(new CallJson(VERSION, call.id(), call.replyTo(), call.stream(), r.messages(), r.sampling(), r.tools(),
                r.toolChoice(), r.parallelToolCalls(), responseFormat(r.responseFormat())));
    }

    /** The call in {@code body}; a streamed one's request gets the listener {@code stream} makes for its id and reply address. */
    public static Call decodeCall(Buffer body, BiFunction<String, String, TokenListener> stream) {
        CallJson c = read(body, CallJson.class);
        TokenListener listener = c.stream() ? stream.apply(c.id(), c.replyTo()) : TokenListener.NONE;
        GenerationRequest request = new GenerationRequest(c.messages(), c.sampling(), c.tools(), c.toolChoice(),
                c.parallelToolCalls(), responseFormat(c.responseFormat()), listener);
        return new Call(c.id(), c.replyTo(), c.stream(), request);
    }

    public static Buffer encode(Event event) {
        return write(switch (event) {
            case Text t -> new EventJson(VERSION, "text", t.call(), t.seq(), t.text(), null, null, null, null);
            case Result r -> new EventJson(VERSION, "result", r.call(), null, null, r.chunks(), resultJson(r.result()), null, null);
            case Error e -> new EventJson(VERSION, "error", e.call(), null, null, null, null, e.kind(), e.message());
        });
    }

    public static Event decodeEvent(Buffer body) {
        EventJson e = read(body, EventJson.class);
        return switch (e.type()) {
            case "text" -> new Text(e.call(), e.seq(), e.text());
            case "result" -> {
                ResultJson r = e.result();
                yield new Result(e.call(), e.chunks(), new GenerationResult(r.text(), r.toolCalls() == null ? List.of() : r.toolCalls(),
                        r.finishReason(), r.confidence(), r.usage(), r.timings(), r.node()));
            }
            case "error" -> new Error(e.call(), e.kind(), e.message());
            case null, default -> throw new IllegalArgumentException("unknown event type '" + e.type() + "'");
        };
    }

    private static ResultJson resultJson(GenerationResult r) {
        return new ResultJson(r.text(), r.toolCalls(), r.finishReason(), r.confidence(), r.usage(), r.timings(), r.node());
    }

    private static JsonNode responseFormat(ResponseFormat format) {
        ObjectNode n = JSON.createObjectNode();
        switch (format) {
            case ResponseFormat.Text t -> n.put("type", "text");
            case ResponseFormat.JsonObject o -> n.put("type", "json_object");
            case ResponseFormat.JsonSchema s -> n.put("type", "json_schema").set("schema", s.schema());
            case ResponseFormat.Grammar g -> n.put("type", "grammar").put("gbnf", g.gbnf()).put("root", g.root());
        }
        return n;
    }

    private static ResponseFormat responseFormat(JsonNode n) {
        String type = n == null ? "text" : n.path("type").asText("text");
        return switch (type) {
            case "text" -> ResponseFormat.TEXT;
            case "json_object" -> new ResponseFormat.JsonObject();
            case "json_schema" -> new ResponseFormat.JsonSchema(n.get("schema"));
            case "grammar" -> new ResponseFormat.Grammar(n.path("gbnf").asText(), n.path("root").asText("root"));
            default -> throw new IllegalArgumentException("unknown response format '" + type + "'");
        };
    }

    private static Buffer write(Object value) {
        try {
            return Buffer.buffer(JSON.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a model message: " + e.getMessage(), e);
        }
    }

    private static <T> T read(Buffer body, Class<T> type) {
        JsonNode tree;
        try {
            tree = JSON.readTree(body.getBytes());
        } catch (IOException e) {
            throw new IllegalArgumentException("a model message is not JSON: " + e.getMessage(), e);
        }
        int v = tree.path("v").asInt(-1);
        if (v != VERSION) {
            throw new IllegalArgumentException("a model message has wire version " + (v < 0 ? "none" : v) + ", this node speaks "
                    + VERSION + ": run the same cascade4j release on every node");
        }
        try {
            return JSON.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a model message is malformed: " + e.getOriginalMessage(), e);
        }
    }
}
