package dev.cascade4j.agent.log;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cascade4j.inference.ChatMessage;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.router.RoutedAnswer;
import dev.cascade4j.router.RoutingDecision;
import dev.cascade4j.router.confidence.ConfidenceSignals;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One routed subtask as the query log keeps it: what was asked, what the router decided, what the
 * small and the large model answered, what it cost, and the feedback attached later. The JSON field
 * names are stable (see docs/query-log.md); {@code QueryLogJson} (internal) reads and writes them.
 *
 * @param id                   the subtask's id; feedback refers to it
 * @param time                 when the subtask entered the system
 * @param route                the chosen route, {@code null} when out of scope
 * @param classifierConfidence how sure the classifier was of the route
 * @param generationConfidence the SLM answer's confidence, {@code null} when no SLM ran
 * @param model                the model whose answer was returned
 * @param request              messages, tools and response schema
 * @param slmAnswer            the SLM's answer, {@code null} when no SLM ran
 * @param escalated            whether the returned answer came from the large model
 * @param reason               the {@code EscalationReason} name ({@code NONE} when kept on the SLM)
 * @param detail               the router's explanation
 * @param fallback             escalation was wanted but the large model was missing or failed
 * @param teacherAnswer        the large model's answer, the label for fine-tuning; {@code null} when not asked
 * @param latencyMillis        from the subtask's creation to the answer
 * @param routerMillis         time in the router itself, model calls excluded
 * @param tokensIn             prompt tokens of every model call for this subtask (SLM and large model)
 * @param tokensOut            completion tokens of every model call for this subtask
 * @param feedback             a rating or correction attached after the fact, {@code null} until then
 * @param signals              the raw confidence signals the SLM's answer was judged on ({@code null} when no SLM ran,
 *                             and in records written before they were logged), for refitting a route's confidence model
 * @param node                 the cascade4j node whose model generated the returned answer ({@code null} in records
 *                             written before nodes were logged)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record QueryRecord(
        @JsonProperty("id") String id,
        @JsonProperty("time") Instant time,
        @JsonProperty("route") String route,
        @JsonProperty("classifier_confidence") double classifierConfidence,
        @JsonProperty("generation_confidence") Double generationConfidence,
        @JsonProperty("model") String model,
        @JsonProperty("request") Request request,
        @JsonProperty("slm_answer") Answer slmAnswer,
        @JsonProperty("escalated") boolean escalated,
        @JsonProperty("reason") String reason,
        @JsonProperty("detail") String detail,
        @JsonProperty("fallback") boolean fallback,
        @JsonProperty("teacher_answer") Answer teacherAnswer,
        @JsonProperty("latency_ms") double latencyMillis,
        @JsonProperty("router_ms") double routerMillis,
        @JsonProperty("tokens_in") int tokensIn,
        @JsonProperty("tokens_out") int tokensOut,
        @JsonProperty("feedback") Feedback feedback,
        @JsonProperty("signals") ConfidenceSignals signals,
        @JsonProperty("node") String node) {

    /** A record without confidence signals or node. */
    public QueryRecord(String id, Instant time, String route, double classifierConfidence, Double generationConfidence, String model,
                       Request request, Answer slmAnswer, boolean escalated, String reason, String detail, boolean fallback,
                       Answer teacherAnswer, double latencyMillis, double routerMillis, int tokensIn, int tokensOut, Feedback feedback) {
        this(id, time, route, classifierConfidence, generationConfidence, model, request, slmAnswer, escalated, reason, detail, fallback,
                teacherAnswer, latencyMillis, routerMillis, tokensIn, tokensOut, feedback, null, null);
    }

    /** A record that names no node. */
    public QueryRecord(String id, Instant time, String route, double classifierConfidence, Double generationConfidence, String model,
                       Request request, Answer slmAnswer, boolean escalated, String reason, String detail, boolean fallback,
                       Answer teacherAnswer, double latencyMillis, double routerMillis, int tokensIn, int tokensOut, Feedback feedback,
                       ConfidenceSignals signals) {
        this(id, time, route, classifierConfidence, generationConfidence, model, request, slmAnswer, escalated, reason, detail, fallback,
                teacherAnswer, latencyMillis, routerMillis, tokensIn, tokensOut, feedback, signals, null);
    }

    public QueryRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(request, "request");
        reason = reason == null ? "NONE" : reason;
    }

    /** The record of one routed subtask. */
    public static QueryRecord from(RoutedAnswer routed) {
        RoutingDecision d = routed.decision();
        GenerationResult slm = routed.slmAnswer();
        GenerationResult teacher = routed.teacherAnswer();
        int in = 0;
        int out = 0;
        for (GenerationResult r : new GenerationResult[] {slm, teacher}) {
            if (r != null && r.usage() != null) {
                in += r.usage().promptTokens();
                out += r.usage().completionTokens();
            }
        }
        double gen = d.generationConfidence();
        return new QueryRecord(
                routed.subtask().id(),
                routed.subtask().createdAt(),
                d.route(),
                d.classifierConfidence(),
                Double.isNaN(gen) ? null : gen,
                d.model(),
                Request.from(routed.subtask().request()),
                Answer.from(slm),
                d.escalated(),
                d.reason() == null ? "NONE" : d.reason().name(),
                d.detail(),
                d.fallback(),
                Answer.from(teacher),
                millis(routed.latency()),
                millis(routed.routerTime()),
                in,
                out,
                null,
                d.signals(),
                routed.answer() == null ? null : routed.answer().node());
    }

    private static double millis(java.time.Duration d) {
        return d == null ? 0 : d.toNanos() / 1e6;
    }

    public QueryRecord withFeedback(Feedback f) {
        return new QueryRecord(id, time, route, classifierConfidence, generationConfidence, model, request, slmAnswer,
                escalated, reason, detail, fallback, teacherAnswer, latencyMillis, routerMillis, tokensIn, tokensOut, f, signals, node);
    }

    /**
     * The same record with every free text passed through {@code text}: message contents, tool-call
     * arguments, both answers, the router's detail and the feedback's correction. Tool schemas and the
     * response schema are the developer's, not the user's, and are kept.
     */
    public QueryRecord mapText(UnaryOperator<String> text, UnaryOperator<String> jsonText) {
        return new QueryRecord(id, time, route, classifierConfidence, generationConfidence, model,
                request.mapText(text, jsonText), slmAnswer == null ? null : slmAnswer.mapText(text, jsonText),
                escalated, reason, detail == null ? null : text.apply(detail), fallback,
                teacherAnswer == null ? null : teacherAnswer.mapText(text, jsonText),
                latencyMillis, routerMillis, tokensIn, tokensOut,
                feedback == null ? null : feedback.mapText(text), signals, node);
    }

    /** Whether the SLM's answer stands: no escalation, no fallback, not rated bad. */
    public boolean accepted() {
        return slmAnswer != null && !escalated && !fallback && (feedback == null || feedback.rating() != Rating.BAD);
    }

    /** The conversation and what was offered to the model. */
    public record Request(
            @JsonProperty("messages") List<Message> messages,
            @JsonProperty("tools") ArrayNode tools,
            @JsonProperty("tool_choice") String toolChoice,
            @JsonProperty("response_schema") JsonNode responseSchema) {

        public Request {
            messages = messages == null ? List.of() : List.copyOf(messages);
            tools = tools == null ? JsonNodeFactory.instance.arrayNode() : tools;
            responseSchema = responseSchema == null || responseSchema.isNull() ? null : responseSchema;
        }

        public static Request from(GenerationRequest r) {
            ArrayNode tools = JsonNodeFactory.instance.arrayNode();
            for (ToolSpec t : r.tools()) {
                tools.add(openAiTool(t));
            }
            JsonNode schema = switch (r.responseFormat()) {
                case ResponseFormat.JsonSchema s -> s.schema();
                case ResponseFormat.JsonObject _ -> JsonNodeFactory.instance.objectNode().put("type", "object");
                default -> null;
            };
            return new Request(r.messages().stream().map(Message::from).toList(), tools, toolChoice(r), schema);
        }

        private static String toolChoice(GenerationRequest r) {
            if (r.tools().isEmpty()) {
                return null;
            }
            ToolChoice c = r.toolChoice();
            return c.mode() == ToolChoice.Mode.NAMED ? c.toolName() : c.mode().name().toLowerCase(Locale.ROOT);
        }

        /** A tool in the OpenAI format: {"type":"function","function":{"name","description","parameters"}}. */
        static ObjectNode openAiTool(ToolSpec t) {
            ObjectNode tool = JsonNodeFactory.instance.objectNode().put("type", "function");
            tool.putObject("function").put("name", t.name()).put("description", t.description()).set("parameters", t.parameters());
            return tool;
        }

        Request mapText(UnaryOperator<String> text, UnaryOperator<String> jsonText) {
            return new Request(messages.stream().map(m -> m.mapText(text, jsonText)).toList(), tools, toolChoice, responseSchema);
        }
    }

    /** One message: role {@code system}, {@code user}, {@code assistant} or {@code tool}. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Message(
            @JsonProperty("role") String role,
            @JsonProperty("content") String content,
            @JsonProperty("tool_calls") List<Call> toolCalls,
            @JsonProperty("tool_call_id") String toolCallId,
            @JsonProperty("name") String name) {

        public Message {
            Objects.requireNonNull(role, "role");
            content = content == null ? "" : content;
            toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        }

        static Message from(ChatMessage m) {
            return new Message(m.role().name().toLowerCase(Locale.ROOT), m.content(),
                    m.toolCalls().stream().map(Call::from).toList(), m.toolCallId(), m.name());
        }

        Message mapText(UnaryOperator<String> text, UnaryOperator<String> jsonText) {
            return new Message(role, text.apply(content), toolCalls.stream().map(c -> c.mapText(jsonText)).toList(), toolCallId, name);
        }
    }

    /** A tool call: its id, the tool's name and the arguments as JSON text (as OpenAI sends them). */
    public record Call(@JsonProperty("id") String id, @JsonProperty("name") String name, @JsonProperty("arguments") String arguments) {
        static Call from(dev.cascade4j.inference.ToolCall c) {
            return new Call(c.id(), c.name(), c.arguments());
        }

        Call mapText(UnaryOperator<String> jsonText) {
            return new Call(id, name, arguments == null ? null : jsonText.apply(arguments));
        }
    }

    /**
     * A model's answer: text (the JSON text for a schema), or tool calls.
     *
     * @param confidence the answer's confidence score, {@code null} when the model gave none
     */
    public record Answer(
            @JsonProperty("text") String text,
            @JsonProperty("tool_calls") List<Call> toolCalls,
            @JsonProperty("finish_reason") String finishReason,
            @JsonProperty("confidence") Double confidence,
            @JsonProperty("prompt_tokens") int promptTokens,
            @JsonProperty("completion_tokens") int completionTokens,
            @JsonProperty("millis") double millis) {

        public Answer {
            text = text == null ? "" : text;
            toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        }

        static Answer from(GenerationResult r) {
            if (r == null) {
                return null;
            }
            return new Answer(r.text(), r.toolCalls().stream().map(Call::from).toList(),
                    r.finishReason() == null ? null : r.finishReason().name(),
                    r.confidence() == null ? null : r.confidence().score(),
                    r.usage() == null ? 0 : r.usage().promptTokens(),
                    r.usage() == null ? 0 : r.usage().completionTokens(),
                    r.timings() == null ? 0 : r.timings().totalMillis());
        }

        public boolean hasToolCalls() {
            return !toolCalls.isEmpty();
        }

        Answer mapText(UnaryOperator<String> text, UnaryOperator<String> jsonText) {
            return new Answer(text.apply(this.text), toolCalls.stream().map(c -> c.mapText(jsonText)).toList(),
                    finishReason, confidence, promptTokens, completionTokens, millis);
        }
    }

    /** What a person thought of the answer. */
    public enum Rating {
        GOOD, BAD;

        @JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** {@code good}/{@code bad}, also {@code up}/{@code down}, {@code +1}/{@code -1}, {@code 1}/{@code 0}, any case. */
        @JsonCreator
        public static Rating parse(String s) {
            if (s == null) {
                return null;
            }
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "good", "up", "+1", "1", "positive", "thumbs_up" -> GOOD;
                case "bad", "down", "-1", "0", "negative", "thumbs_down" -> BAD;
                default -> throw new IllegalArgumentException("rating '" + s + "' is not understood; use \"good\" or \"bad\"");
            };
        }
    }

    /**
     * Feedback on a logged record.
     *
     * @param rating     good or bad, {@code null} when only a correction was given
     * @param correction the answer that should have been given, {@code null} when none
     * @param time       when the feedback arrived
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Feedback(
            @JsonProperty("rating") Rating rating,
            @JsonProperty("correction") String correction,
            @JsonProperty("time") Instant time) {

        public Feedback {
            if (rating == null && (correction == null || correction.isBlank())) {
                throw new IllegalArgumentException("feedback needs a rating (\"good\" or \"bad\") or a correction");
            }
            time = time == null ? Instant.now() : time;
        }

        Feedback mapText(UnaryOperator<String> text) {
            return new Feedback(rating, correction == null ? null : text.apply(correction), time);
        }
    }
}
