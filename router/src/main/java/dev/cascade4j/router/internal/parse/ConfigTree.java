package dev.cascade4j.router.internal.parse;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cascade4j.router.config.ConfigException;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A YAML or JSON configuration bound to records by Jackson, keeping where every key was written so that
 * each error, from Jackson (unknown key, wrong type) or from checks after binding (a dangling reference),
 * names the source, line, column and key path, and for an unknown key the keys known there.
 *
 * <p>The records describe the file: every key is a nullable component (absent = default), numbers
 * carry {@link Range}, needed keys {@link Required}; durations are written as {@link Durations} reads them
 * or as milliseconds.
 */
public final class ConfigTree implements JsonFields.Problems {
    private static final YAMLFactory YAML = YAMLFactory.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS) // "3" is not a number, 1 is not true
            .addModule(new SimpleModule().addDeserializer(Duration.class, new DurationDeserializer()))
            .build();

    private final String source;
    private final ConfigException.Factory factory;
    private final Map<String, JsonLocation> locations = new HashMap<>();
    private final Map<String, JsonNode> nodes = new HashMap<>();
    private JsonNode root;

    private ConfigTree(String source, ConfigException.Factory factory) {
        this.source = source;
        this.factory = factory;
    }

    /**
     * Reads YAML or JSON text (JSON is YAML).
     *
     * @param source  the file's name in messages
     * @param empty   the problem to report when the text holds nothing, or {@code null} when nothing is
     *                allowed (the root is then JSON null)
     * @param factory the exception type of the caller's configuration
     */
    public static ConfigTree parse(String text, String source, String empty, ConfigException.Factory factory) {
        ConfigTree tree = new ConfigTree(source, factory);
        try (JsonParser p = YAML.createParser(text)) {
            if (p.nextToken() == null) {
                if (empty != null) {
                    throw factory.create(source, 0, 0, null, empty);
                }
                tree.root = NODES.nullNode();
            } else {
                tree.root = tree.value(p, "");
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw factory.create(source, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), null,
                    "not valid YAML or JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw factory.create(source, 0, 0, null, "cannot read: " + e.getMessage());
        }
        return tree;
    }

    public JsonNode root() {
        return root;
    }

    /** The whole document as {@code type}, checked. */
    public <T> T bind(Class<T> type) {
        return bind(root, "", type);
    }

    /** The node found at {@code path} as {@code type}, checked; errors name keys under {@code path}. */
    public <T> T bind(JsonNode node, String path, Class<T> type) {
        if (!node.isObject() && type.isRecord()) {
            throw fail(path, path.isEmpty() ? "the configuration must be a mapping of keys" : "must be a mapping of keys, got " + got(node));
        }
        T value;
        try {
            value = MAPPER.readerFor(type).readValue(node);
        } catch (InvalidTypeIdException e) {
            throw typeProblem(e, pathOf(e, path));
        } catch (JsonMappingException e) {
            String at = pathOf(e, path);
            throw fail(at, problem(e, nodes.get(at)));
        } catch (IOException e) {
            throw fail(path, e.getMessage());
        }
        check(value, path);
        return value;
    }

    /** A problem at a key path, with the line and column of the key (or of the nearest enclosing one). */
    public ConfigException fail(String path, String problem) {
        String p = path;
        JsonLocation at = locations.get(p);
        while (at == null && !p.isEmpty()) {
            p = parent(p);
            at = locations.get(p);
        }
        return factory.create(source, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), path, problem);
    }

    @Override
    public RuntimeException at(String path, String problem) {
        return fail(path, problem);
    }

    /**
     * One of a fixed set of names, e.g. a policy.
     *
     * @return {@code null} when {@code value} is
     */
    public <T> T choose(String path, String value, String what, List<String> names, Function<String, T> lookup) {
        if (value == null) {
            return null;
        }
        T found = lookup.apply(value);
        if (found == null) {
            throw fail(path, "unknown " + what + " '" + value + "'; use one of " + String.join(", ", names));
        }
        return found;
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }

    private static String pathOf(JsonMappingException e, String base) {
        String p = base;
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                p = JsonFields.child(p, r.getFieldName());
            } else if (r.getIndex() >= 0) {
                p = JsonFields.item(p, r.getIndex());
            }
        }
        return p;
    }

    private static String problem(JsonMappingException e, JsonNode value) {
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown key; known here: " + u.getKnownPropertyIds().stream().map(String::valueOf)
                    .collect(Collectors.toCollection(TreeSet::new)).stream().collect(Collectors.joining(", "));
        }
        String got = value == null ? "" : ", got " + got(value);
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            Class<?> t = m.getTargetType();
            if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
                return "must be a whole number" + got;
            }
            if (t == Double.class || t == double.class || t == Float.class || t == float.class) {
                return "must be a number" + got;
            }
            if (t == Boolean.class || t == boolean.class) {
                return "must be true or false" + got;
            }
            if (t == String.class) {
                return "must be text" + got;
            }
            if (t == Duration.class) {
                return "must be a duration such as " + Durations.FORMS + got;
            }
            if (Collection.class.isAssignableFrom(t)) {
                return "must be a list" + got;
            }
            if (t.isRecord() || Map.class.isAssignableFrom(t)) {
                return "must be a mapping of keys" + got;
            }
        }
        Throwable cause = e.getCause();
        if (cause instanceof InputCoercionException) {
            return "is out of range" + got;
        }
        if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
            return cause.getMessage();
        }
        return e.getOriginalMessage();
    }

    private ConfigException typeProblem(InvalidTypeIdException e, String path) {
        Class<?> base = e.getBaseType().getRawClass();
        JsonTypeInfo info = base.getAnnotation(JsonTypeInfo.class);
        JsonSubTypes subtypes = base.getAnnotation(JsonSubTypes.class);
        String key = JsonFields.child(path, info == null ? "type" : info.property());
        String names = subtypes == null ? "" : Arrays.stream(subtypes.value()).map(JsonSubTypes.Type::name).collect(Collectors.joining(", "));
        return e.getTypeId() == null ? fail(key, "is required; use one of " + names)
                : fail(key, "unknown type '" + e.getTypeId() + "'; use one of " + names);
    }

    private static String got(JsonNode v) {
        return v.isArray() ? "a list" : v.isObject() ? "a mapping" : "'" + v.asText() + "'";
    }

    /** What Jackson does not check: {@link Required} keys, {@link Range}s, and empty entries in lists. */
    private void check(Object value, String path) {
        if (value instanceof Record r) {
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                Object v;
                try {
                    c.getAccessor().setAccessible(true);
                    v = c.getAccessor().invoke(r);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
                String at = JsonFields.child(path, name(c));
                if (v == null || v instanceof String s && s.isBlank()) {
                    if (c.isAnnotationPresent(Required.class)) {
                        throw fail(at, "is required");
                    }
                    continue;
                }
                Range range = c.getAnnotation(Range.class);
                if (range != null && v instanceof Number n) {
                    checkRange(at, n, range);
                }
                check(v, at);
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                Object v = list.get(i);
                if (v == null || v instanceof String s && s.isBlank()) {
                    throw fail(JsonFields.item(path, i), "must be non-empty text");
                }
                check(v, JsonFields.item(path, i));
            }
        }
    }

    private void checkRange(String at, Number n, Range range) {
        double x = n.doubleValue();
        if (x >= range.min() && x <= range.max()) {
            return;
        }
        boolean whole = n instanceof Integer || n instanceof Long;
        Function<Double, String> f = d -> whole ? String.valueOf(d.longValue()) : String.valueOf(d);
        if (range.max() == Double.POSITIVE_INFINITY) {
            throw fail(at, "must be at least " + f.apply(range.min()) + ", got " + n);
        }
        if (range.min() == Double.NEGATIVE_INFINITY) {
            throw fail(at, "must be at most " + f.apply(range.max()) + ", got " + n);
        }
        throw fail(at, "must be in [" + f.apply(range.min()) + ", " + f.apply(range.max()) + "], got " + n);
    }

    private static String name(RecordComponent c) {
        JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
        return p != null && !p.value().isEmpty() ? p.value() : c.getName();
    }

    // Reads token by token, so that every key keeps its line and column.
    private JsonNode value(JsonParser p, String path) throws IOException {
        JsonToken t = p.currentToken();
        JsonNode out = switch (t) {
            case START_OBJECT -> {
                ObjectNode o = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    String child = JsonFields.child(path, key);
                    locations.put(child, p.currentTokenLocation());
                    if (o.has(key)) {
                        throw fail(child, "key appears twice");
                    }
                    p.nextToken();
                    o.set(key, value(p, child));
                }
                yield o;
            }
            case START_ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    String child = JsonFields.item(path, i++);
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
        nodes.put(path, out);
        return out;
    }

    /** Milliseconds as a number, or any form {@link Durations} reads. */
    private static final class DurationDeserializer extends StdScalarDeserializer<Duration> {
        DurationDeserializer() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return switch (p.currentToken()) {
                case VALUE_NUMBER_INT -> Duration.ofMillis(p.getLongValue());
                case VALUE_STRING -> Durations.parse(p.getText());
                default -> (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
            };
        }
    }
}
