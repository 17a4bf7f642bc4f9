package dev.cascade4j.router.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.PromptFormat;
import dev.cascade4j.inference.ToolSpec;
import dev.cascade4j.router.schema.SchemaValidator;
import dev.cascade4j.inference.source.ModelRef;
import dev.cascade4j.router.RequestShape;
import dev.cascade4j.router.confidence.ConfidenceModel;
import dev.cascade4j.router.confidence.ConfidenceSignals;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a configuration from YAML or JSON. Tokens are read one by one so that every key keeps its
 * line and column, and every error (unknown key, wrong type, value out of range, dangling reference)
 * names the key's path and where it is.
 */
final class RouterConfigReader {
    private static final YAMLFactory YAML = YAMLFactory.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private final String source;
    private final Map<String, JsonLocation> locations = new HashMap<>();

    RouterConfigReader(String source) {
        this.source = source;
    }

    RouterConfig read(String text) {
        JsonNode root;
        try (JsonParser p = YAML.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new RouterConfigException(source, 0, 0, null, "the configuration is empty; it needs at least a 'routes' list");
            }
            root = value(p, "");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new RouterConfigException(source, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), null,
                    "not valid YAML or JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RouterConfigException(source, 0, 0, null, "cannot read: " + e.getMessage());
        }
        Obj top = obj(root, "");
        String defaultModel = top.modelRef("defaultModel", RouterConfig.DEFAULT_MODEL);
        ClassifierConfig classifier = classifier(top.objOrNull("classifier"));
        List<LocalModelConfig> localModels = new ArrayList<>();
        for (Obj m : top.objects("localModels")) {
            localModels.add(localModel(m, "ref"));
        }
        List<LargeModelConfig> largeModels = new ArrayList<>();
        Set<String> largeNames = new HashSet<>();
        for (Obj m : top.objects("largeModels")) {
            LargeModelConfig c = largeModel(m);
            if (!largeNames.add(c.name())) {
                throw m.fail("name", "large model name '" + c.name() + "' is used twice");
            }
            largeModels.add(c);
        }
        EscalationConfig escalation = escalation(top.objOrNull("escalation"), largeNames);
        List<Route> routes = new ArrayList<>();
        Set<String> routeNames = new HashSet<>();
        List<Obj> routeObjs = top.objects("routes");
        if (routeObjs.isEmpty()) {
            throw top.fail("routes", "at least one route is needed");
        }
        for (Obj r : routeObjs) {
            Route route = route(r, largeNames);
            if (!routeNames.add(route.name())) {
                throw r.fail("name", "route name '" + route.name() + "' is used twice");
            }
            routes.add(route);
        }
        top.done();
        try {
            return new RouterConfig(defaultModel, routes, localModels, largeModels, classifier, escalation);
        } catch (IllegalArgumentException e) {
            throw new RouterConfigException(source, 0, 0, null, e.getMessage());
        }
    }

    private ClassifierConfig classifier(Obj c) {
        ClassifierConfig d = ClassifierConfig.DEFAULTS;
        if (c == null) {
            return d;
        }
        Obj second = c.objOrNull("secondOpinion");
        boolean enabled = d.secondOpinion();
        int maxExamples = d.secondOpinionMaxExamples();
        String model = d.secondOpinionModel();
        if (second != null) {
            enabled = second.bool("enabled", enabled);
            maxExamples = second.integer("maxExamples", maxExamples, 0, 10_000);
            model = second.modelRef("model", model);
            second.done();
        }
        ClassifierConfig out = new ClassifierConfig(
                c.integer("k", d.k(), 1, 1000),
                c.number("temperature", d.temperature(), 1e-6, 10),
                c.number("outOfScopeBelow", d.outOfScopeBelow(), -1, 1),
                c.integer("embeddingCacheSize", d.embeddingCacheSize(), 0, Integer.MAX_VALUE),
                c.integer("classificationCacheSize", d.classificationCacheSize(), 0, Integer.MAX_VALUE),
                c.integer("workers", d.workers(), 1, 256),
                c.integer("queueCapacity", d.queueCapacity(), 1, 1_000_000),
                enabled, maxExamples, model,
                c.strings("outOfScopeExamples"));
        c.done();
        return out;
    }

    private EscalationConfig escalation(Obj e, Set<String> largeNames) {
        EscalationConfig d = EscalationConfig.DEFAULTS;
        if (e == null) {
            return d;
        }
        String target = e.string("default", null);
        if (target != null && !largeNames.contains(target)) {
            throw e.fail("default", "'" + target + "' is not a large model; known: " + (largeNames.isEmpty() ? "none (add largeModels)" : largeNames));
        }
        EscalationConfig out = new EscalationConfig(target, e.integer("workers", d.workers(), 1, 1024),
                e.integer("queueCapacity", d.queueCapacity(), 1, 1_000_000));
        e.done();
        return out;
    }

    private LocalModelConfig localModel(Obj m, String refKey) {
        String ref = m.requiredModelRef(refKey);
        LocalModelOptions o = LocalModelConfig.defaultOptions();
        o = o.withContextPerSequence(m.integer("contextPerSequence", o.contextPerSequence(), 0, 1 << 20))
                .withParallelSequences(m.integer("parallelSequences", o.parallelSequences(), 1, 64))
                .withThreads(m.integer("threads", o.threads(), 0, 1024))
                .withQueueCapacity(m.integer("queueCapacity", o.queueCapacity(), 0, 1_000_000));
        String format = m.string("promptFormat", null);
        if (format != null) {
            try {
                o = o.withPromptFormat(PromptFormat.valueOf(format.strip().toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw m.fail("promptFormat", "'" + format + "' is not a prompt format; use auto, template or generic");
            }
        }
        return new LocalModelConfig(ref, m.string("name", null),
                m.integer("maxInFlight", LocalModelConfig.DEFAULT_MAX_IN_FLIGHT, 1, 1_000_000), o);
    }

    private LargeModelConfig largeModel(Obj m) {
        String name = m.requiredString("name");
        String type = m.requiredString("type");
        LargeModelConfig out = switch (type) {
            case "openai" -> new LargeModelConfig.OpenAi(name, m.string("baseUrl", null), m.string("apiKey", null),
                    m.string("apiKeyEnv", null), m.requiredString("model"), m.duration("timeout", null),
                    m.integer("maxRetries", 1, 0, 10));
            case "ollama" -> new LargeModelConfig.Ollama(name, m.string("baseUrl", null), m.requiredString("model"),
                    m.duration("timeout", null));
            case "local" -> new LargeModelConfig.Local(name, localModel(m, "model"));
            default -> throw m.fail("type", "unknown large model type '" + type + "'; use openai, ollama or local");
        };
        m.done();
        return out;
    }

    private Route route(Obj r, Set<String> largeNames) {
        String name = r.requiredString("name");
        Route.Builder b = Route.builder(name)
                .description(r.string("description", ""))
                .examples(r.strings("examples"))
                .model(r.modelRef("model", RouterConfig.DEFAULT_MODEL))
                .systemPrompt(r.string("systemPrompt", ""))
                .rankTools(r.bool("rankTools", false))
                .minClassifierConfidence(r.number("minClassifierConfidence", Route.DEFAULT_MIN_CLASSIFIER_CONFIDENCE, 0, 1))
                .minGenerationConfidence(r.number("minGenerationConfidence", Route.DEFAULT_MIN_GENERATION_CONFIDENCE, 0, 1));
        List<String> toolNames = new ArrayList<>();
        List<ToolSpec> tools = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        JsonNode toolList = r.node("tools");
        if (toolList != null) {
            if (!toolList.isArray()) {
                throw r.fail("tools", "must be a list of tool names or tool definitions {name, description, parameters}");
            }
            for (int i = 0; i < toolList.size(); i++) {
                String path = r.path + "/tools/" + i;
                JsonNode t = toolList.get(i);
                if (t.isTextual()) {
                    if (!seen.add(t.asText())) {
                        throw fail(path, "tool '" + t.asText() + "' is listed twice");
                    }
                    toolNames.add(t.asText());
                } else if (t.isObject()) {
                    Obj spec = obj(t, path);
                    String toolName = spec.requiredString("name");
                    if (!seen.add(toolName)) {
                        throw spec.fail("name", "tool '" + toolName + "' is listed twice");
                    }
                    JsonNode parameters = spec.node("parameters");
                    if (parameters != null && !parameters.isObject()) {
                        throw spec.fail("parameters", "must be a JSON schema object");
                    }
                    checkSchema(spec, "parameters", parameters);
                    try {
                        tools.add(new ToolSpec(toolName, spec.string("description", ""), parameters));
                    } catch (InferenceException e) {
                        throw spec.fail("name", e.getMessage());
                    }
                    spec.done();
                } else {
                    throw fail(path, "must be a tool name or a tool definition {name, description, parameters}");
                }
            }
        }
        b.toolNames(toolNames).tools(tools);
        JsonNode schema = r.node("outputSchema");
        if (schema != null && !schema.isObject()) {
            throw r.fail("outputSchema", "must be a JSON schema object");
        }
        checkSchema(r, "outputSchema", schema);
        b.outputSchema(schema);
        b.confidence(confidence(r.objOrNull("confidence")));
        String target = r.string("escalateTo", null);
        if (target != null && !largeNames.contains(target)) {
            throw r.fail("escalateTo", "'" + target + "' is not a large model; known: " + (largeNames.isEmpty() ? "none (add largeModels)" : largeNames));
        }
        b.escalateTo(target);
        String policy = r.string("policy", RoutePolicy.SLM_FIRST.key());
        if (RoutePolicy.fromKey(policy) == null) {
            throw r.fail("policy", "unknown policy '" + policy + "'; use one of " + RoutePolicy.keys());
        }
        b.policy(RoutePolicy.fromKey(policy));
        Set<RequestShape> shapes = EnumSet.noneOf(RequestShape.class);
        for (String key : r.strings("shapes")) {
            RequestShape shape = RequestShape.fromKey(key);
            if (shape == null) {
                throw r.fail("shapes", "unknown request shape '" + key + "'; use any of " + RequestShape.keys());
            }
            shapes.add(shape);
        }
        b.shapes(shapes);
        r.done();
        return b.build();
    }

    /** Compiles a configured schema now, so a bad one (or one that refers outside itself) fails at start, not per request. */
    /** A route's fitted confidence model: {@code intercept}, and {@code weights}, {@code means}, {@code scales} by feature name. */
    private ConfidenceModel confidence(Obj c) {
        if (c == null) {
            return null;
        }
        double intercept = c.number("intercept", Double.NaN, -1e6, 1e6);
        if (Double.isNaN(intercept)) {
            throw c.fail("intercept", "is required");
        }
        Obj weights = c.objOrNull("weights");
        if (weights == null) {
            throw c.fail("weights", "is required: a mapping of feature name to weight; features: " + ConfidenceSignals.FEATURES);
        }
        Obj means = c.objOrNull("means");
        Obj scales = c.objOrNull("scales");
        Map<String, ConfidenceModel.Term> terms = new java.util.LinkedHashMap<>();
        for (var it = weights.node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!ConfidenceSignals.FEATURES.contains(name)) {
                throw weights.fail(name, "unknown confidence feature; known: " + String.join(", ", ConfidenceSignals.FEATURES));
            }
            terms.put(name, new ConfidenceModel.Term(weights.number(name, 0, -1e6, 1e6),
                    means == null ? 0 : means.number(name, 0, -1e6, 1e6), scales == null ? 1 : scales.number(name, 1, 1e-12, 1e6)));
        }
        weights.done();
        if (means != null) {
            means.done();
        }
        if (scales != null) {
            scales.done();
        }
        c.done();
        return new ConfidenceModel(intercept, terms);
    }

    private static void checkSchema(Obj owner, String field, JsonNode schema) {
        if (schema == null) {
            return;
        }
        try {
            SchemaValidator.compile(schema);
        } catch (SchemaValidator.InvalidSchemaException e) {
            throw owner.fail(field, e.getMessage());
        }
    }

    // ---- tree with locations ----

    private JsonNode value(JsonParser p, String path) throws IOException {
        JsonToken t = p.currentToken();
        return switch (t) {
            case START_OBJECT -> {
                ObjectNode o = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    String child = path + "/" + key;
                    if (o.has(key)) {
                        throw fail(child, "key appears twice");
                    }
                    locations.put(child, p.currentTokenLocation());
                    p.nextToken();
                    o.set(key, value(p, child));
                }
                yield o;
            }
            case START_ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    String child = path + "/" + i++;
                    locations.put(child, p.currentTokenLocation());
                    a.add(value(p, child));
                }
                yield a;
            }
            case VALUE_STRING -> NODES.textNode(p.getText());
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? NODES.numberNode(p.getBigIntegerValue()) : NODES.numberNode(p.getLongValue());
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw fail(path, "unexpected " + t);
        };
    }

    private RouterConfigException fail(String pointer, String problem) {
        String p = pointer;
        JsonLocation at = locations.get(p);
        while (at == null && !p.isEmpty()) {
            p = p.substring(0, p.lastIndexOf('/'));
            at = locations.get(p);
        }
        return new RouterConfigException(source, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
                keyPath(pointer), problem);
    }

    /** {@code /routes/2/examples} as {@code routes[2].examples}. */
    static String keyPath(String pointer) {
        StringBuilder sb = new StringBuilder();
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.chars().allMatch(Character::isDigit)) {
                sb.append('[').append(part).append(']');
            } else {
                sb.append(sb.isEmpty() ? "" : ".").append(part);
            }
        }
        return sb.toString();
    }

    private Obj obj(JsonNode node, String path) {
        if (!(node instanceof ObjectNode o)) {
            throw fail(path, path.isEmpty() ? "the configuration must be a mapping of keys (routes, largeModels, ...)"
                    : "must be a mapping of keys, got " + node.getNodeType().name().toLowerCase());
        }
        return new Obj(o, path);
    }

    /** One mapping being read; keys it was never asked for are errors ({@link #done}). */
    private final class Obj {
        final ObjectNode node;
        final String path;
        final Set<String> read = new HashSet<>();

        Obj(ObjectNode node, String path) {
            this.node = node;
            this.path = path;
        }

        RouterConfigException fail(String key, String problem) {
            return RouterConfigReader.this.fail(path + "/" + key, problem);
        }

        JsonNode node(String key) {
            read.add(key);
            JsonNode v = node.get(key);
            return v == null || v.isNull() ? null : v;
        }

        String string(String key, String fallback) {
            JsonNode v = node(key);
            if (v == null) {
                return fallback;
            }
            if (!v.isValueNode() || v.isBoolean()) {
                throw fail(key, "must be text");
            }
            return v.asText();
        }

        String requiredString(String key) {
            String v = string(key, null);
            if (v == null || v.isBlank()) {
                throw fail(key, "is required");
            }
            return v;
        }

        String modelRef(String key, String fallback) {
            String v = string(key, fallback);
            try {
                ModelRef.parse(v);
            } catch (InferenceException e) {
                throw fail(key, e.getMessage());
            }
            return v;
        }

        String requiredModelRef(String key) {
            requiredString(key);
            return modelRef(key, null);
        }

        double number(String key, double fallback, double min, double max) {
            JsonNode v = node(key);
            if (v == null) {
                return fallback;
            }
            if (!v.isNumber()) {
                throw fail(key, "must be a number, got '" + v.asText() + "'");
            }
            double x = v.asDouble();
            if (!(x >= min && x <= max)) {
                throw fail(key, "must be in [" + min + ", " + max + "], got " + x);
            }
            return x;
        }

        int integer(String key, int fallback, int min, int max) {
            JsonNode v = node(key);
            if (v == null) {
                return fallback;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw fail(key, "must be a whole number, got '" + v.asText() + "'");
            }
            int x = v.asInt();
            if (x < min || x > max) {
                throw fail(key, "must be in [" + min + ", " + max + "], got " + x);
            }
            return x;
        }

        boolean bool(String key, boolean fallback) {
            JsonNode v = node(key);
            if (v == null) {
                return fallback;
            }
            if (!v.isBoolean()) {
                throw fail(key, "must be true or false, got '" + v.asText() + "'");
            }
            return v.asBoolean();
        }

        Duration duration(String key, Duration fallback) {
            JsonNode v = node(key);
            if (v == null) {
                return fallback;
            }
            if (v.isIntegralNumber()) {
                return Duration.ofMillis(v.asLong());
            }
            String text = v.asText().strip();
            Matcher m = DURATION.matcher(text);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw fail(key, "'" + text + "' is not a duration; write e.g. 500ms, 30s, 2m or milliseconds as a number");
            }
        }

        List<String> strings(String key) {
            JsonNode v = node(key);
            List<String> out = new ArrayList<>();
            if (v == null) {
                return out;
            }
            if (!v.isArray()) {
                throw fail(key, "must be a list of text");
            }
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isTextual() || v.get(i).asText().isBlank()) {
                    throw RouterConfigReader.this.fail(path + "/" + key + "/" + i, "must be non-empty text");
                }
                out.add(v.get(i).asText());
            }
            return out;
        }

        Obj objOrNull(String key) {
            JsonNode v = node(key);
            return v == null ? null : obj(v, path + "/" + key);
        }

        List<Obj> objects(String key) {
            JsonNode v = node(key);
            List<Obj> out = new ArrayList<>();
            if (v == null) {
                return out;
            }
            if (!v.isArray()) {
                throw fail(key, "must be a list");
            }
            for (int i = 0; i < v.size(); i++) {
                out.add(obj(v.get(i), path + "/" + key + "/" + i));
            }
            return out;
        }

        void done() {
            for (var it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!read.contains(key)) {
                    throw fail(key, "unknown key; known here: " + String.join(", ", read.stream().sorted().toList()));
                }
            }
        }
    }
}
