package dev.cascade4j.agent.log;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.Confidence;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.Timings;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.inference.Usage;
import dev.cascade4j.router.EscalationReason;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.RoutingDecision;
import dev.cascade4j.router.Subtask;
import dev.cascade4j.router.confidence.ConfidenceSignals;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Routed answers shaped like the router's, for log tests: a weather tool call, kept or escalated. The
 * SLM answers on a model node of a cluster ({@link #MODEL_NODE}), the large model is called from the
 * router's node ({@link #ROUTER_NODE}).
 */
final class SampleRecords {
    static final String MODEL_NODE = "model-node-1";
    static final String ROUTER_NODE = "router-node";
    static final ToolSpec WEATHER;

    static {
        ObjectNode params = JsonNodeFactory.instance.objectNode().put("type", "object");
        params.putObject("properties").putObject("city").put("type", "string");
        params.putArray("required").add("city");
        WEATHER = new ToolSpec("get_weather", "Current weather in a city", params);
    }

    private SampleRecords() {
    }

    static GenerationResult toolAnswer(String city, double confidence) {
        return new GenerationResult("", List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"" + city + "\"}")),
                FinishReason.TOOL_CALLS, new Confidence(confidence, 3, confidence, confidence, -0.1, 0.2, 0.5, 1.0),
                new Usage(120, 0, 9, 4), new Timings(0.5, 20, 40));
    }

    static GenerationRequest weatherRequest(String city) {
        return GenerationRequest.builder()
                .system("You answer weather questions with the tool.")
                .user("What is the weather in " + city + "?")
                .tools(List.of(WEATHER))
                .toolChoice(ToolChoice.AUTO)
                .build();
    }

    /** A subtask kept on the SLM. */
    static RoutedAnswer kept(String id, String city, Instant time) {
        Subtask s = new Subtask(id, weatherRequest(city), null, null, time);
        GenerationResult slm = toolAnswer(city, 0.91).onNode(MODEL_NODE);
        return new RoutedAnswer(s, new RoutingDecision(id, "weather", 0.88, 0.91, false, EscalationReason.NONE, "smollm2", false,
                "generation confidence 0.91 >= 0.55", ConfidenceSignals.of(weatherRequest(city), slm, 0.88)), slm, slm, null, Duration.ofMillis(70), Duration.ofNanos(800_000));
    }

    /** A subtask escalated to the large model, which answered (the teacher label). */
    static RoutedAnswer escalated(String id, String city, Instant time) {
        Subtask s = new Subtask(id, weatherRequest(city), null, null, time);
        GenerationResult slm = toolAnswer("Lyon", 0.21).onNode(MODEL_NODE);
        GenerationResult teacher = toolAnswer(city, 1.0).onNode(ROUTER_NODE);
        return new RoutedAnswer(s, new RoutingDecision(id, "weather", 0.75, 0.21, true, EscalationReason.LOW_GENERATION_CONFIDENCE,
                "gpt-large", false, "generation confidence 0.21 < 0.55", ConfidenceSignals.of(weatherRequest(city), slm, 0.75)), teacher, slm, teacher, Duration.ofMillis(900), Duration.ofMillis(1));
    }

    /** A plain-text conversation with a tool round trip in its history. */
    static RoutedAnswer conversation(String id, Instant time) {
        GenerationRequest req = GenerationRequest.builder()
                .system("Be brief.")
                .user("Weather in Oslo?")
                .message(ChatMessage.assistant(List.of(new ToolCall("call_7", "get_weather", "{\"city\":\"Oslo\"}"))))
                .message(ChatMessage.toolResult("call_7", "get_weather", "{\"temp\":-3}"))
                .tools(List.of(WEATHER))
                .build();
        Subtask s = new Subtask(id, req, "summary", null, time);
        GenerationResult slm = new GenerationResult("It is -3 degrees in Oslo.", List.of(), FinishReason.STOP,
                new Confidence(0.8, 5, 0.7, 0.75, -0.2, 0.4, 0.6, 1), new Usage(200, 150, 9, 0), new Timings(0, 10, 30));
        return new RoutedAnswer(s, new RoutingDecision(id, "summary", 1.0, 0.8, false, EscalationReason.NONE, "smollm2", false, "ok"),
                slm, slm, null, Duration.ofMillis(45), Duration.ofMillis(2));
    }

    static QueryRecord record(String id) {
        return QueryRecord.from(kept(id, "Paris", Instant.now()));
    }
}
