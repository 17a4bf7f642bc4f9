package dev.cascade4j.router.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cascade4j.router.internal.parse.Range;
import dev.cascade4j.router.internal.parse.Required;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The configuration file's shape, as Jackson binds it: every key optional (null = the default) unless
 * {@link Required}. {@link RouterConfigReader} turns it into {@link RouterConfig}. Keys are documented
 * in docs/router-config.md.
 */
record RouterConfigFile(
        String defaultModel,
        Classifier classifier,
        List<LocalModel> localModels,
        List<LargeModel> largeModels,
        Escalation escalation,
        List<RouteEntry> routes) {

    record Classifier(
            @Range(min = 1, max = 1000) Integer k,
            @Range(min = 1e-6, max = 10) Double temperature,
            @Range(min = -1, max = 1) Double outOfScopeBelow,
            @Range(min = 0, max = Integer.MAX_VALUE) Integer embeddingCacheSize,
            @Range(min = 0, max = Integer.MAX_VALUE) Integer classificationCacheSize,
            @Range(min = 1, max = 256) Integer workers,
            @Range(min = 1, max = 1_000_000) Integer queueCapacity,
            SecondOpinion secondOpinion,
            List<String> outOfScopeExamples) {
    }

    record SecondOpinion(Boolean enabled, @Range(min = 0, max = 10_000) Integer maxExamples, String model) {
    }

    record Escalation(
            @com.fasterxml.jackson.annotation.JsonProperty("default") String defaultTarget,
            @Range(min = 1, max = 1024) Integer workers,
            @Range(min = 1, max = 1_000_000) Integer queueCapacity) {
    }

    /** How a local model is served; also the keys of a large model of type {@code local}. */
    record LocalModel(
            @Required String ref,
            String name,
            @Range(min = 1, max = 1_000_000) Integer maxInFlight,
            @Range(min = 0, max = 1 << 20) Integer contextPerSequence,
            @Range(min = 1, max = 64) Integer parallelSequences,
            @Range(min = 0, max = 1024) Integer threads,
            @Range(min = 0, max = 1_000_000) Integer queueCapacity,
            String promptFormat) {
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = OpenAi.class, name = "openai"),
            @JsonSubTypes.Type(value = Ollama.class, name = "ollama"),
            @JsonSubTypes.Type(value = Local.class, name = "local")})
    sealed interface LargeModel {
        String name();
    }

    record OpenAi(@Required String name, String baseUrl, String apiKey, String apiKeyEnv, @Required String model,
                  Duration timeout, @Range(min = 0, max = 10) Integer maxRetries) implements LargeModel {
    }

    record Ollama(@Required String name, String baseUrl, @Required String model, Duration timeout) implements LargeModel {
    }

    record Local(
            @Required String name,
            @Required String model,
            @Range(min = 1, max = 1_000_000) Integer maxInFlight,
            @Range(min = 0, max = 1 << 20) Integer contextPerSequence,
            @Range(min = 1, max = 64) Integer parallelSequences,
            @Range(min = 0, max = 1024) Integer threads,
            @Range(min = 0, max = 1_000_000) Integer queueCapacity,
            String promptFormat) implements LargeModel {

        LocalModel serving() {
            return new LocalModel(model, null, maxInFlight, contextPerSequence, parallelSequences, threads, queueCapacity, promptFormat);
        }
    }

    /** {@code tools} holds tool names and tool definitions, so its entries are read one by one. */
    record RouteEntry(
            @Required String name,
            String description,
            List<String> examples,
            String model,
            String systemPrompt,
            List<JsonNode> tools,
            JsonNode outputSchema,
            @Range(min = 0, max = 1) Double minClassifierConfidence,
            @Range(min = 0, max = 1) Double minGenerationConfidence,
            String escalateTo,
            String policy,
            Boolean rankTools,
            List<String> shapes,
            Confidence confidence) {
    }

    /** A fitted confidence model: {@code intercept}, and {@code weights}, {@code means}, {@code scales} by feature name. */
    record Confidence(
            @Required @Range(min = -1e6, max = 1e6) Double intercept,
            Map<String, Double> weights,
            Map<String, Double> means,
            Map<String, Double> scales) {
    }
}
