package dev.cascade4j.router.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.PromptFormat;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.inference.source.ModelRef;
import dev.cascade4j.router.RequestShape;
import dev.cascade4j.router.confidence.ConfidenceModel;
import dev.cascade4j.router.confidence.ConfidenceSignals;
import dev.cascade4j.router.internal.parse.ConfigTree;
import dev.cascade4j.router.internal.parse.JsonFields;
import dev.cascade4j.router.internal.schema.SchemaValidator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the bound file ({@link RouterConfigFile}) into a {@link RouterConfig}: defaults for absent keys,
 * and the checks that span keys (names used twice, references to large models, model references,
 * schemas), each failing with the key's path, line and column.
 */
final class RouterConfigReader {
    private static final Set<String> TOOL_KEYS = Set.of("name", "description", "parameters");

    private final ConfigTree tree;

    private RouterConfigReader(ConfigTree tree) {
        this.tree = tree;
    }

    static RouterConfig read(String text, String source) {
        ConfigTree tree = ConfigTree.parse(text, source, "the configuration is empty; it needs at least a 'routes' list",
                RouterConfigException::new);
        return new RouterConfigReader(tree).config(tree.bind(RouterConfigFile.class));
    }

    private RouterConfig config(RouterConfigFile f) {
        String defaultModel = modelRef("defaultModel", f.defaultModel(), RouterConfig.DEFAULT_MODEL);
        ClassifierConfig classifier = classifier(f.classifier());
        List<LocalModelConfig> localModels = new ArrayList<>();
        for (int i = 0; i < size(f.localModels()); i++) {
            localModels.add(localModel(JsonFields.item("localModels", i), f.localModels().get(i), "ref"));
        }
        List<LargeModelConfig> largeModels = new ArrayList<>();
        Set<String> largeNames = new LinkedHashSet<>();
        for (int i = 0; i < size(f.largeModels()); i++) {
            String at = JsonFields.item("largeModels", i);
            LargeModelConfig m = largeModel(at, f.largeModels().get(i));
            if (!largeNames.add(m.name())) {
                throw tree.fail(at + ".name", "large model name '" + m.name() + "' is used twice");
            }
            largeModels.add(m);
        }
        EscalationConfig escalation = escalation(f.escalation(), largeNames);
        if (size(f.routes()) == 0) {
            throw tree.fail("routes", "at least one route is needed");
        }
        List<Route> routes = new ArrayList<>();
        Set<String> routeNames = new HashSet<>();
        for (int i = 0; i < f.routes().size(); i++) {
            String at = JsonFields.item("routes", i);
            Route route = route(at, f.routes().get(i), largeNames);
            if (!routeNames.add(route.name())) {
                throw tree.fail(at + ".name", "route name '" + route.name() + "' is used twice");
            }
            routes.add(route);
        }
        try {
            return new RouterConfig(defaultModel, routes, localModels, largeModels, classifier, escalation);
        } catch (IllegalArgumentException e) {
            throw tree.fail("", e.getMessage());
        }
    }

    private ClassifierConfig classifier(RouterConfigFile.Classifier c) {
        ClassifierConfig d = ClassifierConfig.DEFAULTS;
        if (c == null) {
            return d;
        }
        RouterConfigFile.SecondOpinion s = c.secondOpinion() == null ? new RouterConfigFile.SecondOpinion(null, null, null) : c.secondOpinion();
        return new ClassifierConfig(or(c.k(), d.k()), or(c.temperature(), d.temperature()), or(c.outOfScopeBelow(), d.outOfScopeBelow()),
                or(c.embeddingCacheSize(), d.embeddingCacheSize()), or(c.classificationCacheSize(), d.classificationCacheSize()),
                or(c.workers(), d.workers()), or(c.queueCapacity(), d.queueCapacity()),
                or(s.enabled(), d.secondOpinion()), or(s.maxExamples(), d.secondOpinionMaxExamples()),
                modelRef("classifier.secondOpinion.model", s.model(), d.secondOpinionModel()),
                or(c.outOfScopeExamples(), List.of()));
    }

    private EscalationConfig escalation(RouterConfigFile.Escalation e, Set<String> largeNames) {
        EscalationConfig d = EscalationConfig.DEFAULTS;
        if (e == null) {
            return d;
        }
        largeModelName("escalation.default", e.defaultTarget(), largeNames);
        return new EscalationConfig(e.defaultTarget(), or(e.workers(), d.workers()), or(e.queueCapacity(), d.queueCapacity()));
    }

    private LocalModelConfig localModel(String at, RouterConfigFile.LocalModel m, String refKey) {
        String ref = modelRef(at + "." + refKey, m.ref(), null);
        LocalModelOptions o = LocalModelConfig.defaultOptions();
        o = o.withContextPerSequence(or(m.contextPerSequence(), o.contextPerSequence()))
                .withParallelSequences(or(m.parallelSequences(), o.parallelSequences()))
                .withThreads(or(m.threads(), o.threads()))
                .withQueueCapacity(or(m.queueCapacity(), o.queueCapacity()));
        PromptFormat format = tree.choose(at + ".promptFormat", m.promptFormat(), "prompt format",
                Arrays.stream(PromptFormat.values()).map(p -> p.name().toLowerCase(Locale.ROOT)).toList(), RouterConfigReader::promptFormat);
        if (format != null) {
            o = o.withPromptFormat(format);
        }
        return new LocalModelConfig(ref, m.name(), or(m.maxInFlight(), LocalModelConfig.DEFAULT_MAX_IN_FLIGHT), o);
    }

    private static PromptFormat promptFormat(String name) {
        return Arrays.stream(PromptFormat.values()).filter(p -> p.name().equalsIgnoreCase(name.strip())).findFirst().orElse(null);
    }

    private LargeModelConfig largeModel(String at, RouterConfigFile.LargeModel m) {
        return switch (m) {
            case RouterConfigFile.OpenAi o -> new LargeModelConfig.OpenAi(o.name(), o.baseUrl(), o.apiKey(), o.apiKeyEnv(), o.model(),
                    o.timeout(), or(o.maxRetries(), 1));
            case RouterConfigFile.Ollama o -> new LargeModelConfig.Ollama(o.name(), o.baseUrl(), o.model(), o.timeout());
            case RouterConfigFile.Local l -> new LargeModelConfig.Local(l.name(), localModel(at, l.serving(), "model"));
        };
    }

    private Route route(String at, RouterConfigFile.RouteEntry r, Set<String> largeNames) {
        Route.Builder b = Route.builder(r.name())
                .description(or(r.description(), ""))
                .examples(or(r.examples(), List.of()))
                .model(modelRef(at + ".model", r.model(), RouterConfig.DEFAULT_MODEL))
                .systemPrompt(or(r.systemPrompt(), ""))
                .rankTools(or(r.rankTools(), false))
                .minClassifierConfidence(or(r.minClassifierConfidence(), Route.DEFAULT_MIN_CLASSIFIER_CONFIDENCE))
                .minGenerationConfidence(or(r.minGenerationConfidence(), Route.DEFAULT_MIN_GENERATION_CONFIDENCE));
        tools(at + ".tools", or(r.tools(), List.of()), b);
        if (r.outputSchema() != null && !r.outputSchema().isNull()) {
            b.outputSchema(schema(at + ".outputSchema", r.outputSchema()));
        }
        b.confidence(confidence(at + ".confidence", r.confidence()));
        b.escalateTo(largeModelName(at + ".escalateTo", r.escalateTo(), largeNames));
        RoutePolicy policy = tree.choose(at + ".policy", r.policy(), "policy", Arrays.stream(RoutePolicy.values()).map(RoutePolicy::key).toList(),
                RoutePolicy::fromKey);
        b.policy(or(policy, RoutePolicy.SLM_FIRST));
        Set<RequestShape> shapes = EnumSet.noneOf(RequestShape.class);
        List<String> keys = or(r.shapes(), List.of());
        for (int i = 0; i < keys.size(); i++) {
            shapes.add(tree.choose(JsonFields.item(at + ".shapes", i), keys.get(i), "request shape", RequestShape.keys(), RequestShape::fromKey));
        }
        return b.shapes(shapes).build();
    }

    /** Tool names (limiting the request's tools) and tool definitions, read with the same field reader as HTTP requests. */
    private void tools(String at, List<JsonNode> entries, Route.Builder b) {
        List<String> names = new ArrayList<>();
        List<ToolSpec> specs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            String where = JsonFields.item(at, i);
            JsonNode t = entries.get(i);
            if (t.isTextual()) {
                if (!seen.add(t.asText())) {
                    throw tree.fail(where, "tool '" + t.asText() + "' is listed twice");
                }
                names.add(t.asText());
                continue;
            }
            JsonFields spec = JsonFields.of(t, where, "a tool name or a tool definition {name, description, parameters}", tree)
                    .onlyKeys(TOOL_KEYS);
            String name = spec.requiredString("name");
            if (!seen.add(name)) {
                throw spec.fail("name", "tool '" + name + "' is listed twice");
            }
            JsonNode parameters = spec.get("parameters") == null ? null : schema(spec.path("parameters"), spec.get("parameters"));
            try {
                specs.add(new ToolSpec(name, or(spec.optionalString("description"), ""), parameters));
            } catch (InferenceException e) {
                throw spec.fail("name", e.getMessage());
            }
        }
        b.toolNames(names).tools(specs);
    }

    /** A route's fitted confidence model; its weights name the features, its means and scales only features weighted. */
    private ConfidenceModel confidence(String at, RouterConfigFile.Confidence c) {
        if (c == null) {
            return null;
        }
        if (c.weights() == null) {
            throw tree.fail(at + ".weights", "is required: a mapping of feature name to weight; features: " + ConfidenceSignals.FEATURES);
        }
        Map<String, Double> means = or(c.means(), Map.of());
        Map<String, Double> scales = or(c.scales(), Map.of());
        for (String part : List.of("means", "scales")) {
            for (String name : (part.equals("means") ? means : scales).keySet()) {
                if (!c.weights().containsKey(name)) {
                    throw tree.fail(at + "." + part + "." + name, "unknown key; known here: " + String.join(", ", c.weights().keySet()));
                }
            }
        }
        Map<String, ConfidenceModel.Term> terms = new LinkedHashMap<>();
        c.weights().forEach((name, weight) -> {
            if (!ConfidenceSignals.FEATURES.contains(name)) {
                throw tree.fail(at + ".weights." + name, "unknown confidence feature; known: " + String.join(", ", ConfidenceSignals.FEATURES));
            }
            terms.put(name, new ConfidenceModel.Term(number(at + ".weights." + name, weight, -1e6, 1e6),
                    number(at + ".means." + name, or(means.get(name), 0.0), -1e6, 1e6),
                    number(at + ".scales." + name, or(scales.get(name), 1.0), 1e-12, 1e6)));
        });
        return new ConfidenceModel(c.intercept(), terms);
    }

    private double number(String at, Double value, double min, double max) {
        if (value == null || !(value >= min && value <= max)) {
            throw tree.fail(at, "must be a number in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    /** Compiles a configured schema now, so a bad one (or one that refers outside itself) fails at start, not per request. */
    private JsonNode schema(String at, JsonNode schema) {
        if (!schema.isObject()) {
            throw tree.fail(at, "must be a JSON schema object");
        }
        try {
            SchemaValidator.compile(schema);
        } catch (SchemaValidator.InvalidSchemaException e) {
            throw tree.fail(at, e.getMessage());
        }
        return schema;
    }

    private String largeModelName(String at, String name, Set<String> largeNames) {
        if (name != null && !largeNames.contains(name)) {
            throw tree.fail(at, "'" + name + "' is not a large model; known: " + (largeNames.isEmpty() ? "none (add largeModels)" : largeNames));
        }
        return name;
    }

    private String modelRef(String at, String ref, String fallback) {
        if (ref == null) {
            return fallback;
        }
        try {
            ModelRef.parse(ref);
        } catch (InferenceException e) {
            throw tree.fail(at, e.getMessage());
        }
        return ref;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    private static int size(List<?> list) {
        return list == null ? 0 : list.size();
    }
}
