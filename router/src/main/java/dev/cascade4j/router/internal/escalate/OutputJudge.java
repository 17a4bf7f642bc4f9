package dev.cascade4j.router.internal.escalate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.GenerationResult;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.router.EscalationReason;
import dev.cascade4j.router.RouterException;
import dev.cascade4j.router.config.Route;
import dev.cascade4j.router.confidence.ConfidenceModel;
import dev.cascade4j.router.confidence.ConfidenceSignals;
import dev.cascade4j.router.internal.schema.SchemaValidator;
import java.util.List;
import java.util.Locale;

/**
 * Judges an SLM answer: tool calls against their tools' schemas, JSON answers against the request's
 * and the route's schema, then the generation confidence against the route's threshold. Validity comes
 * first: a confident answer that does not validate is still wrong. Schemas are checked with format
 * assertions on, so constraints the grammar cannot enforce ({@code format: email}, ...) are caught here.
 */
public final class OutputJudge {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Cache<JsonNode, SchemaValidator> schemas = Caffeine.newBuilder().maximumSize(1000).build();

    /**
     * The first reason to escalate, or {@code null} when the answer stands.
     *
     * @param route the route (its schema, tools and threshold), or {@code null} for a model named directly
     * @param sent  the request the SLM answered; a fitted confidence model sees a classifier confidence of 1 (a named route)
     */
    public Verdict judge(Route route, GenerationRequest sent, GenerationResult answer) {
        return judgement(route, sent, answer, 1).verdict();
    }

    /**
     * The verdict on an answer and the confidence it was judged with, computed once: the router reports
     * that confidence and its raw signals in the decision.
     *
     * @param verdict          the first reason to escalate, or {@code null} when the answer stands
     * @param confidence       the judged generation confidence: the route's fitted model when it has one,
     *                         else the engine's score scaled by grounding
     * @param confidenceDetail the confidence with where it comes from, for a decision's detail
     * @param signals          the raw signals the confidence was computed from
     */
    public record Judgement(Verdict verdict, double confidence, String confidenceDetail, ConfidenceSignals signals) {
    }

    /** As {@link #judge}, with the judged confidence; the classifier's confidence is one of the fitted model's inputs. */
    public Judgement judgement(Route route, GenerationRequest sent, GenerationResult answer, double classifierConfidence) {
        Verdict invalid = validity(route, sent, answer);
        ConfidenceSignals signals = ConfidenceSignals.of(sent, answer, classifierConfidence);
        ConfidenceModel fitted = route == null ? null : route.confidence();
        double confidence = fitted != null ? fitted.score(signals) : signals.combined();
        String detail = fitted != null ? String.format(Locale.ROOT, "%.2f (fitted; engine score %.2f)", confidence, signals.score())
                : describe(signals.score(), signals.grounding(), signals.groundingChecked());
        if (invalid != null) {
            return new Judgement(invalid, confidence, detail, signals);
        }
        if (route != null && confidence < route.minGenerationConfidence()) {
            return new Judgement(new Verdict(EscalationReason.LOW_GENERATION_CONFIDENCE, String.format(Locale.ROOT,
                    "generation confidence %s < %.2f", detail, route.minGenerationConfidence())), confidence, detail, signals);
        }
        return new Judgement(null, confidence, detail, signals);
    }

    // Validity comes first: a confident answer that does not validate is still wrong.
    private Verdict validity(Route route, GenerationRequest sent, GenerationResult answer) {
        if (answer.hasToolCalls()) {
            for (ToolCall call : answer.toolCalls()) {
                Verdict v = checkToolCall(route, sent, call);
                if (v != null) {
                    return v;
                }
            }
            return null;
        }
        if (!sent.tools().isEmpty() && (sent.toolChoice().mode() == ToolChoice.Mode.REQUIRED
                || sent.toolChoice().mode() == ToolChoice.Mode.NAMED)) {
            return new Verdict(EscalationReason.INVALID_OUTPUT, answer.finishReason() == FinishReason.LENGTH
                    ? "the tool call was cut off at max tokens" : "no tool call, although the request requires one");
        }
        return checkOutput(route, sent, answer);
    }

    private static String describe(double score, double grounding, int checked) {
        int found = (int) Math.round(grounding * checked);
        return found == checked ? String.format(Locale.ROOT, "%.2f", score)
                : String.format(Locale.ROOT, "%.2f (%.2f, %d of %d values found in the request)", score * grounding, score, found, checked);
    }

    private Verdict checkToolCall(Route route, GenerationRequest sent, ToolCall call) {
        ToolSpec offered = sent.tools().stream().filter(t -> t.name().equals(call.name())).findFirst().orElse(null);
        if (offered == null) {
            return new Verdict(EscalationReason.INVALID_TOOL_ARGUMENTS, "called tool '" + call.name() + "', which was not offered");
        }
        JsonNode args;
        try {
            args = JSON.readTree(call.arguments());
        } catch (JsonProcessingException e) {
            return new Verdict(EscalationReason.INVALID_TOOL_ARGUMENTS, "arguments of " + call.name() + " are not JSON: " + e.getOriginalMessage());
        }
        String problems = problems(offered.parameters(), args);
        if (problems != null) {
            return new Verdict(EscalationReason.INVALID_TOOL_ARGUMENTS, "arguments of " + call.name() + " fail its schema: " + problems);
        }
        ToolSpec own = route == null ? null : route.tool(call.name());
        if (own != null && !own.parameters().equals(offered.parameters())) {
            problems = problems(own.parameters(), args);
            if (problems != null) {
                return new Verdict(EscalationReason.INVALID_TOOL_ARGUMENTS,
                        "arguments of " + call.name() + " fail route " + route.name() + "'s schema for it: " + problems);
            }
        }
        return null;
    }

    private Verdict checkOutput(Route route, GenerationRequest sent, GenerationResult answer) {
        JsonNode requested = sent.responseFormat() instanceof ResponseFormat.JsonSchema s ? s.schema() : null;
        boolean wantsJson = requested != null || sent.responseFormat() instanceof ResponseFormat.JsonObject;
        JsonNode routeSchema = route != null && sent.tools().isEmpty() ? route.outputSchema() : null;
        if (!wantsJson && routeSchema == null) {
            return null;
        }
        if (answer.finishReason() == FinishReason.LENGTH) {
            return new Verdict(EscalationReason.INVALID_OUTPUT, "the JSON answer was cut off at max tokens");
        }
        JsonNode value;
        try {
            value = JSON.readTree(answer.text());
        } catch (JsonProcessingException e) {
            return new Verdict(EscalationReason.INVALID_OUTPUT, "the answer is not JSON: " + e.getOriginalMessage());
        }
        if (value == null || (sent.responseFormat() instanceof ResponseFormat.JsonObject && !value.isObject())) {
            return new Verdict(EscalationReason.INVALID_OUTPUT, "the answer is not a JSON object");
        }
        if (requested != null) {
            String problems = problems(requested, value);
            if (problems != null) {
                String whose = requested.equals(routeSchema) ? "route " + route.name() + "'s output schema" : "the request's schema";
                return new Verdict(EscalationReason.INVALID_OUTPUT, "the answer fails " + whose + ": " + problems);
            }
        }
        if (routeSchema != null && !routeSchema.equals(requested)) {
            String problems = problems(routeSchema, value);
            if (problems != null) {
                return new Verdict(EscalationReason.INVALID_OUTPUT, "the answer fails route " + route.name() + "'s output schema: " + problems);
            }
        }
        return null;
    }

    /** The first validation messages, or {@code null} when the value is valid. */
    private String problems(JsonNode schema, JsonNode value) {
        SchemaValidator compiled;
        try {
            compiled = schemas.get(schema, s -> SchemaValidator.compile(s, true));
        } catch (SchemaValidator.InvalidSchemaException e) {
            throw new RouterException.InvalidRequest("JSON schema cannot be used for validation: " + e.getMessage(), e);
        }
        List<String> messages = compiled.validate(value);
        if (messages.isEmpty()) {
            return null;
        }
        return String.join("; ", messages.subList(0, Math.min(3, messages.size())));
    }
}
